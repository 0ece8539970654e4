package mvmr

import (
	"fmt"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// ComputeRepresentation computes rep on a (B, C, H, W) array of normalised images (the official
// code's layout) in float32, and returns it as a (B, Shape...) array: channel-first, so it
// compares element by element with the official code's output. Representations of a fresh
// augmented view are refused: they need the augmentation pipeline, not given images.
func ComputeRepresentation(backend compute.Backend, rep Representation, images *npy.Array) (*npy.Array, error) {
	if UsesFreshView(rep) {
		return nil, fmt.Errorf("representation %q is computed on a fresh augmentation of each image; "+
			"compute its base representation on augmented images instead", rep.Name())
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
	nhwc := make([]float32, len(images.Data))
	for n := range b {
		for ch := range c {
			for i := range h {
				for j := range w {
					nhwc[((n*h+i)*w+j)*c+ch] = float32(images.Data[((n*c+ch)*h+i)*w+j])
				}
			}
		}
	}
	var out []float32
	err = exceptions.TryCatch[error](func() {
		exec := MustNewExec(backend, func(x *Node) *Node { return rep.Features(x) })
		result := exec.MustExec(tensors.FromFlatDataAndDimensions(nhwc, b, h, w, c))
		out = tensors.MustCopyFlatData[float32](result[0])
	})
	if err != nil {
		return nil, fmt.Errorf("computing %s: %w", rep.Name(), err)
	}
	result := &npy.Array{Shape: append([]int{b}, shape...), Data: make([]float64, len(out)), DType: "<f4"}
	for i, v := range out {
		result.Data[i] = float64(v)
	}
	return result, nil
}
