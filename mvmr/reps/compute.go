package reps

import (
	"fmt"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/parallel"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// ComputeHostFeatures computes rep for n normalised images (HWC each, back to back) on all
// cores and returns the [n, dim] features, or an error when the image shape does not suit rep
// or images holds fewer than n images.
func ComputeHostFeatures(rep HostRepresentation, images []float32, n, height, width, channels int) ([]float32, error) {
	dim, err := featureDim(rep, height, width, channels)
	if err != nil {
		return nil, err
	}
	size := height * width * channels
	if len(images) < n*size {
		return nil, fmt.Errorf("representation %s: %d values for %d images of %dx%dx%d", rep.Name(), len(images), n, height, width, channels)
	}
	out := make([]float32, n*dim)
	parallel.For(n, func(i int) {
		rep.Compute(out[i*dim:(i+1)*dim], images[i*size:(i+1)*size], height, width, channels)
	})
	return out, nil
}

// NCHWToNHWC converts b channel-first images (the official code's layout) to float32 NHWC, the
// layout of the kit's graphs and representations.
func NCHWToNHWC(data []float64, b, c, h, w int) []float32 {
	nhwc := make([]float32, len(data))
	for n := range b {
		for ch := range c {
			for i := range h {
				for j := range w {
					nhwc[((n*h+i)*w+j)*c+ch] = float32(data[((n*c+ch)*h+i)*w+j])
				}
			}
		}
	}
	return nhwc
}

// ComputeRepresentation computes rep on a (B, C, H, W) array of normalised images (the official
// code's layout) in float32, and returns it as a (B, Shape...) array: channel-first, so it
// compares element by element with the official code's output. Representations of a fresh
// augmented view are refused: they need the augmentation pipeline, not given images.
func ComputeRepresentation(backend compute.Backend, rep *Rep, images *npy.Array) (*npy.Array, error) {
	if rep.FreshView() {
		return nil, fmt.Errorf("representation %q is computed on a fresh augmentation of each image; "+
			"compute its base representation on augmented images instead", rep.Name())
	}
	if _, ok := rep.Dataset(); ok {
		return nil, fmt.Errorf("representation %q is computed over a whole data set (a teacher), not on given images", rep.Name())
	}
	if len(images.Shape) != 4 {
		return nil, fmt.Errorf("images have shape %v; expected (B, C, H, W)", images.Shape)
	}
	b, c, h, w := images.Shape[0], images.Shape[1], images.Shape[2], images.Shape[3]
	if b < 1 || c < 1 || h < 1 || w < 1 {
		return nil, fmt.Errorf("images have shape %v; expected positive dimensions", images.Shape)
	}
	shape, err := rep.Shape(h, w, c)
	if err != nil {
		return nil, err
	}
	out, err := rep.OnImages(backend, NCHWToNHWC(images.Data, b, c, h, w), b, h, w, c)
	if err != nil {
		return nil, err
	}
	result := &npy.Array{Shape: append([]int{b}, shape...), Data: make([]float64, len(out)), DType: "<f4"}
	for i, v := range out {
		result.Data[i] = float64(v)
	}
	return result, nil
}

// OnImages computes rep's computation (host or graph; on a fresh-view representation, the
// computation of its base) for n normalised NHWC images and returns the [n, dim] features.
func (r *Rep) OnImages(backend compute.Backend, nhwc []float32, n, h, w, c int) ([]float32, error) {
	if host, ok := r.Host(); ok {
		return ComputeHostFeatures(host, nhwc, n, h, w, c)
	}
	graphRep, ok := r.Graph()
	if !ok {
		return nil, fmt.Errorf("representation %q is neither a graph nor a host representation", r.Name())
	}
	var out []float32
	err := exceptions.TryCatch[error](func() {
		exec := MustNewExec(backend, func(x *Node) *Node { return graphRep.Features(x) })
		result := exec.MustExec(tensors.FromFlatDataAndDimensions(nhwc, n, h, w, c))
		out = tensors.MustCopyFlatData[float32](result[0])
	})
	if err != nil {
		return nil, fmt.Errorf("computing %s: %w", r.Name(), err)
	}
	return out, nil
}

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
	dim, err := featureDim(rep, data.Height, data.Width, data.Channels)
	if err != nil {
		return nil, err
	}
	size := data.ImageSize()
	out := make([]float32, 0, data.Len()*dim)
	buf := make([]float32, min(dataFeaturesChunk, data.Len())*size)
	for start := 0; start < data.Len(); start += dataFeaturesChunk {
		n := min(dataFeaturesChunk, data.Len()-start)
		parallel.For(n, func(i int) { data.Normalize(buf[i*size:(i+1)*size], start+i) })
		features, err := ComputeHostFeatures(rep, buf[:n*size], n, data.Height, data.Width, data.Channels)
		if err != nil {
			return nil, err
		}
		out = append(out, features...)
		if done != nil {
			done(start + n)
		}
	}
	return out, data.Err()
}
