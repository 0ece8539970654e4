package mvmr

import (
	. "github.com/gomlx/gomlx/core/graph"
)

// ImageRepresentationScale divides the flattened image before dCor, as the official code does
// for 'full_img' ("feat = feat / 32  # trick for FP16 training"). dCor is scale invariant but
// for the 1e-4 distance clamp, so this only matters for nearly identical images.
const ImageRepresentationScale = 32

// ImageRepresentation is the flattened normalised original image ("image"; the official
// method 'full_img').
type ImageRepresentation struct{}

func init() {
	RegisterRepresentation("image", func(params map[string]float64) (Representation, error) {
		if err := checkParams("image", params); err != nil {
			return nil, err
		}
		return ImageRepresentation{}, nil
	})
}

// Name implements Representation.
func (ImageRepresentation) Name() string { return "image" }

// Features implements Representation: the original view flattened to [batch, H·W·C], divided
// by ImageRepresentationScale.
func (ImageRepresentation) Features(views Views) *Node {
	x := StopGradient(views.Original)
	return DivScalar(Reshape(x, x.Shape().Dim(0), -1), ImageRepresentationScale)
}
