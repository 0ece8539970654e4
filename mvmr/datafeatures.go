package mvmr

import (
	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/parallel"
)

// dataFeaturesChunk is the number of images normalised at a time by DataFeatures.
const dataFeaturesChunk = 1024

// DataFeatures computes rep for every normalised image of data, [data.Len(), dim] row-major,
// normalising dataFeaturesChunk images at a time: the result equals ComputeHostFeatures on
// data.NormalizedImages(), without holding every normalised image at once (a streamed data
// set such as STL-10's unlabeled split would need 11 GB for them).
func DataFeatures(rep HostRepresentation, data *datasets.Dataset) ([]float32, error) {
	return DataFeaturesProgress(rep, data, nil)
}

// DataFeaturesProgress is DataFeatures calling done (when not nil) with the number of images
// computed so far after each chunk of dataFeaturesChunk images.
func DataFeaturesProgress(rep HostRepresentation, data *datasets.Dataset, done func(images int)) ([]float32, error) {
	dim, err := RepresentationDim(rep, data.Height, data.Width, data.Channels)
	if err != nil {
		return nil, err
	}
	size := data.ImageSize()
	out := make([]float32, 0, data.Len()*dim)
	buf := make([]float32, min(dataFeaturesChunk, data.Len())*size)
	for start := 0; start < data.Len(); start += dataFeaturesChunk {
		n := min(dataFeaturesChunk, data.Len()-start)
		parallel.For(n, func(i int) { data.Normalize(buf[i*size:(i+1)*size], start+i) })
		out = append(out, ComputeHostFeatures(rep, buf[:n*size], n, data.Height, data.Width, data.Channels)...)
		if done != nil {
			done(start + n)
		}
	}
	return out, data.Err()
}
