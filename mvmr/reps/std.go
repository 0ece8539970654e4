package reps

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// StdFilterEpsilon is added under the square root of the local variance, as the official
// std_filter_torch does.
const StdFilterEpsilon = 1e-8

// StdRepresentation is the local standard deviation filter of the original image ("std"; the
// official 'full_img_std'; "aug_std" on a fresh augmented view, the official 'aug_std'): with a size×size box mean E[·] and reflect borders (kornia's
// box_blur default), sqrt(E[x²] − E[x]² + 1e-8) per pixel and channel, flattened; where the
// argument of the square root is negative through rounding the official code yields NaN and
// then 0, and so does this.
type StdRepresentation struct {
	// Size is the (odd) box size; the official code uses 3.
	Size int
}

// newStd creates the "std" representation ("aug_std" on a fresh view) from its parameters.
func newStd(name string, params Params) (Representation, error) {
	if err := params.Check(name, "size"); err != nil {
		return nil, err
	}
	size, err := params.Int(name, "size", 3, 1, 15)
	if err != nil {
		return nil, err
	}
	if size%2 == 0 {
		return nil, fmt.Errorf("representation %q: size = %d; expected an odd box size", name, size)
	}
	return StdRepresentation{Size: size}, nil
}

// Name implements Representation.
func (StdRepresentation) Name() string { return "std" }

// Shape implements Representation: (C, H, W).
func (r StdRepresentation) Shape(height, width, channels int) ([]int, error) {
	if r.Size/2 >= height || r.Size/2 >= width {
		return nil, fmt.Errorf("std: a %dx%d box does not fit %dx%d images", r.Size, r.Size, height, width)
	}
	return []int{channels, height, width}, nil
}

// Features implements Representation: [batch, C·H·W].
func (r StdRepresentation) Features(images *Node) *Node {
	return channelsFirst(LocalStd(StopGradient(images), r.Size))
}

// LocalStd returns the local standard deviation of x ([batch, height, width, channels]) in
// size×size windows with reflect padding, same shape as x.
func LocalStd(x *Node, size int) *Node {
	if x.Rank() != 4 {
		exceptions.Panicf("reps.LocalStd: x must be [batch, height, width, channels], got %s", x.Shape())
	}
	mean := BoxMean(x, size)
	meanSq := BoxMean(Square(x), size)
	variance := AddScalar(Sub(meanSq, Square(mean)), StdFilterEpsilon)
	return Sqrt(MaxScalar(variance, 0))
}

// BoxMean is the size×size box average of x ([batch, height, width, channels]) with reflect
// padding (the border row is not repeated: … x₂ x₁ | x₀ x₁ x₂ …), same shape as x.
func BoxMean(x *Node, size int) *Node {
	r := size / 2
	height, width := x.Shape().Dim(1), x.Shape().Dim(2)
	if r >= height || r >= width {
		exceptions.Panicf("reps.BoxMean: box %d too large for a %dx%d image", size, height, width)
	}
	padded := reflectPad(reflectPad(x, 1, r), 2, r)
	var sum *Node
	for i := range size {
		for j := range size {
			w := Slice(padded, AxisRange(), AxisRange(i, i+height), AxisRange(j, j+width), AxisRange())
			if sum == nil {
				sum = w
			} else {
				sum = Add(sum, w)
			}
		}
	}
	return DivScalar(sum, float64(size*size))
}

// reflectPad pads axis of x by r on both sides, mirroring without repeating the edge.
func reflectPad(x *Node, axis, r int) *Node {
	if r == 0 {
		return x
	}
	n := x.Shape().Dim(axis)
	parts := make([]*Node, 0, 2*r+1)
	for k := r; k >= 1; k-- {
		parts = append(parts, SliceAxis(x, axis, AxisRange(k, k+1)))
	}
	parts = append(parts, x)
	for k := 1; k <= r; k++ {
		parts = append(parts, SliceAxis(x, axis, AxisRange(n-1-k, n-k)))
	}
	return Concatenate(parts, axis)
}
