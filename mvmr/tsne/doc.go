// Package tsne embeds points in two (or a few) dimensions with t-distributed stochastic neighbour embedding
// (van der Maaten & Hinton 2008), the picture researchers look at to judge an SSL encoder's feature space.
//
// It is pure Go and float64 throughout. Two gradients are offered:
//
//   - exact (Options.Theta == 0): dense input affinities calibrated over all other points and the O(n²)
//     gradient; use it for a few thousand points at most (it refuses more than ExactMaxPoints);
//   - Barnes–Hut (Options.Theta > 0, 0.5 by default; van der Maaten 2014): sparse input affinities from the
//     ⌊3·perplexity⌋ exact nearest neighbours of every point, and repulsive forces summarised by a
//     space-partitioning tree (a quadtree in two dimensions), O(n log n) per iteration.
//
// The pipeline follows van der Maaten's bhtsne and scikit-learn's TSNE:
//
//  1. optional PCA of the input to Options.PCADims dimensions (skipped when d ≤ PCADims or PCADims == 0;
//     a randomized SVD above PCAExactMaxDims input dimensions, as scikit-learn);
//  2. conditional affinities p_{j|i} ∝ exp(-β_i‖x_i-x_j‖²) with β_i found by binary search so that the entropy
//     of row i is log(perplexity) (tolerance 1e-5, at most 100 halvings), then P = (P + Pᵀ)/(2n);
//  3. PCA initialisation of Y, rescaled so that the first coordinate has standard deviation 1e-4 (as
//     scikit-learn ≥ 1.2 and openTSNE do);
//  4. gradient descent with early exaggeration (P multiplied by EarlyExaggeration for ExaggerationIterations
//     iterations), momentum 0.5 during exaggeration and 0.8 after, and per-coordinate gains (+0.2 when the
//     gradient changes sign against the last update, ×0.8 otherwise, floored at 0.01); Y is re-centred
//     after every step (as bhtsne).
//
// Everything is deterministic for a given input, Options and Seed: work is split across goroutines only where
// every point writes its own slot, and all sums are taken in a fixed order afterwards.
//
// Quality is reported as the KL divergence KL(P‖Q) (exact for Theta == 0; for Barnes–Hut an estimate that uses
// the tree's approximation of the normalisation Z and only the sparse P, the same estimate scikit-learn reports)
// and by [Trustworthiness], which measures how many of each point's embedding neighbours are intruders in the
// input space.
//
// Usage:
//
//	opt := tsne.DefaultOptions()
//	opt.Progress = os.Stderr
//	res, err := tsne.Embed(features, n, d, opt) // features: n×d row-major
//	if err != nil { ... }
//	t, err := tsne.Trustworthiness(features, d, res.Y, opt.Dims, n, 10)
package tsne
