package mvmr

import (
	"github.com/gomlx/compute"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// DatasetRepresentation computes the features of a whole data set at once instead of image by
// image: a teacher (a frozen network run over the data set in batches, or a precomputed table
// whose rows follow the data set's indices). Like a HostRepresentation of the original images,
// its features are computed once per data set, kept in the FeatureCache, and each training
// step gathers the rows of the batch's images by their data set indices.
type DatasetRepresentation interface {
	Representation
	// DatasetFeatures returns the [data.Len(), dim] features of data's original images, row i
	// for image i, row-major, or an error naming the file or setting that does not fit data.
	DatasetFeatures(backend compute.Backend, data *datasets.Dataset) ([]float32, error)
	// DiskCached reports whether the features are worth keeping in the on-disk cache (false for
	// a table that is itself read from a file).
	DiskCached() bool
}

// AsDataset returns rep's whole-data-set computation, if it has one.
func AsDataset(rep Representation) (DatasetRepresentation, bool) {
	d, ok := baseOf(rep).(DatasetRepresentation)
	return d, ok
}

// PrecomputedOnHost reports whether rep's features are computed outside the training graph
// (a HostRepresentation or a DatasetRepresentation) and fed to each step as an input.
func PrecomputedOnHost(rep Representation) bool {
	if _, ok := AsHost(rep); ok {
		return true
	}
	_, ok := AsDataset(rep)
	return ok
}
