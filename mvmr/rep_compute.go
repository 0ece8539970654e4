package mvmr

import (
	"fmt"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/internal/parallel"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// ComputeHostFeatures computes rep for n normalised images (HWC each, back to back) on all
// cores and returns the [n, dim] features.
func ComputeHostFeatures(rep HostRepresentation, images []float32, n, height, width, channels int) []float32 {
	dim, err := RepresentationDim(rep, height, width, channels)
	if err != nil {
		panic(fmt.Sprintf("mvmr: %v", err))
	}
	size := height * width * channels
	out := make([]float32, n*dim)
	parallel.For(n, func(i int) {
		rep.Compute(out[i*dim:(i+1)*dim], images[i*size:(i+1)*size], height, width, channels)
	})
	return out
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
func ComputeRepresentation(backend compute.Backend, rep Representation, images *npy.Array) (*npy.Array, error) {
	if UsesFreshView(rep) {
		return nil, fmt.Errorf("representation %q is computed on a fresh augmentation of each image; "+
			"compute its base representation on augmented images instead", rep.Name())
	}
	if _, ok := AsDataset(rep); ok {
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
	out, err := representationOnImages(backend, rep, NCHWToNHWC(images.Data, b, c, h, w), b, h, w, c)
	if err != nil {
		return nil, err
	}
	result := &npy.Array{Shape: append([]int{b}, shape...), Data: make([]float64, len(out)), DType: "<f4"}
	for i, v := range out {
		result.Data[i] = float64(v)
	}
	return result, nil
}

// representationOnImages computes rep (host or graph, not a fresh-view one) for n normalised NHWC
// images and returns the [n, dim] features.
func representationOnImages(backend compute.Backend, rep Representation, nhwc []float32, n, h, w, c int) ([]float32, error) {
	if host, ok := AsHost(rep); ok {
		return ComputeHostFeatures(host, nhwc, n, h, w, c), nil
	}
	graphRep, ok := AsGraph(rep)
	if !ok {
		return nil, fmt.Errorf("representation %q is neither a graph nor a host representation", rep.Name())
	}
	var out []float32
	err := exceptions.TryCatch[error](func() {
		exec := MustNewExec(backend, func(x *Node) *Node { return graphRep.Features(x) })
		result := exec.MustExec(tensors.FromFlatDataAndDimensions(nhwc, n, h, w, c))
		out = tensors.MustCopyFlatData[float32](result[0])
	})
	if err != nil {
		return nil, fmt.Errorf("computing %s: %w", rep.Name(), err)
	}
	return out, nil
}
