// Package reps implements the non-learnable representations of MV-MR, the targets z*_k of the
// L3 terms dCor(z*_k, z~): the image, local standard deviation, HOG, DCT, Gabor, LBP, colour
// histograms, scattering coefficients, their random projections, and the cache of their
// features. See details in Known (the table of built-in representations) and Rep (what a loss
// term uses).
//
// Where to look:
//
//   - representation.go: the Representation interface and its three kinds of computation
//     (GraphRepresentation, HostRepresentation, DatasetRepresentation), Rep (a representation
//     with its view, answering what the trainer asks: Dim, FreshView, OnHost, Key, ...) and Views.
//   - registry.go: Registry, the Known table (one line per representation), List and WriteTable.
//   - params.go: Params, the parameters a configuration or the command line gives.
//   - image.go, std.go, hog.go, dct.go, gabor.go, lbp.go, colorhist.go, scatnet.go: one
//     representation per file, its test beside it; project.go: the Johnson–Lindenstrauss
//     projection any host representation takes ("project", "project_seed").
//   - compute.go: features of given images (ComputeHostFeatures, ComputeRepresentation, Rep.OnImages)
//     and of a whole data set (DataFeatures).
//   - featurecache.go: FeatureCache, in memory and on disk (MVMR_CACHE_DIR), keyed by Rep.Key and a
//     fingerprint of the data set's pixels.
//
// The distillation teacher is a DatasetRepresentation of the mvmr package, added to this table by
// mvmr.Representations.
package reps
