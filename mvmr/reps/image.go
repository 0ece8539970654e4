package reps

import (
	. "github.com/gomlx/gomlx/core/graph"
)

// ImageRepresentationScale divides the flattened image before dCor, as the official code does
// for 'full_img' ("feat = feat / 32  # trick for FP16 training"). dCor is scale invariant but
// for the 1e-4 distance clamp, so this only matters for nearly identical images.
const ImageRepresentationScale = 32

// ImageRepresentation is the flattened normalised original image ("image"; the official
// method 'full_img'). Registered on a fresh augmented view as "augmented".
type ImageRepresentation struct{}

// newImage creates the "image" representation ("augmented" on a fresh view); it takes no
// parameters.
func newImage(name string, params Params) (Representation, error) {
	if err := params.Check(name); err != nil {
		return nil, err
	}
	return ImageRepresentation{}, nil
}

// Name implements Representation.
func (ImageRepresentation) Name() string { return "image" }

// Shape implements Representation: (C, H, W).
func (ImageRepresentation) Shape(height, width, channels int) ([]int, error) {
	return []int{channels, height, width}, nil
}

// Features implements Representation: the images flattened to [batch, C·H·W], divided by
// ImageRepresentationScale.
func (ImageRepresentation) Features(images *Node) *Node {
	return DivScalar(channelsFirst(StopGradient(images)), ImageRepresentationScale)
}
