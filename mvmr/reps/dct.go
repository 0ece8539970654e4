package reps

import (
	"math"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// DCT normalisations.
const (
	// DCTOrtho is the orthonormal DCT-II: X = D·x·Dᵀ with D[k,n] = α_k cos(π(2n+1)k/2N),
	// α_0 = sqrt(1/N), α_k = sqrt(2/N). It preserves the energy, and Dᵀ inverts it.
	DCTOrtho = "ortho"
	// DCTOfficial is torch_dct.dct_2d with its default norm=None, as the official
	// 'full_img_dct' calls it: scipy's unnormalised DCT-II, 2·Σ x_n cos(π(2n+1)k/2N) per axis.
	// It scales the DC coefficients by 1/√2 relative to the others compared with DCTOrtho, so
	// dCor differs between the two.
	DCTOfficial = "official"
)

// DCTRepresentation is the 2-D DCT-II of each channel of the original image ("dct"; the
// official 'full_img_dct'), flattened channel-first, (C, H, W) per image as the official
// code's dct_2d(im).flatten(1). Norm is DCTOrtho (default) or DCTOfficial.
type DCTRepresentation struct {
	Norm string
}

// newDCT creates the "dct" representation from its parameters.
func newDCT(name string, params Params) (Representation, error) {
	if err := params.Check(name, "norm"); err != nil {
		return nil, err
	}
	norm, err := params.Choice(name, "norm", DCTOrtho, DCTOrtho, DCTOfficial)
	if err != nil {
		return nil, err
	}
	return DCTRepresentation{Norm: norm}, nil
}

// Name implements Representation.
func (DCTRepresentation) Name() string { return "dct" }

// Shape implements Representation: (C, H, W).
func (DCTRepresentation) Shape(height, width, channels int) ([]int, error) {
	return []int{channels, height, width}, nil
}

// Features implements Representation: [batch, C·H·W].
func (r DCTRepresentation) Features(images *Node) *Node {
	x := StopGradient(images)
	g := x.Graph()
	batch, height, width := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	dh := ConvertDType(Const(g, DCTMatrix(height, r.Norm)), x.DType())
	dw := ConvertDType(Const(g, DCTMatrix(width, r.Norm)), x.DType())
	// [B, H, W, C] ⋅ Dh[K, H] over H → [B, W, C, K]; ⋅ Dw[L, W] over W → [B, C, K, L].
	y := Dot(x, dh).General([]int{1}, nil, []int{1}, nil)
	y = Dot(y, dw).General([]int{1}, nil, []int{1}, nil)
	return Reshape(y, batch, -1)
}

// DCTMatrix returns the n×n DCT-II matrix D (rows: frequencies k, columns: samples) for the
// given normalisation, as a float64 tensor.
func DCTMatrix(n int, norm string) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(DCTMatrixValues(n, norm), n, n)
}

// DCTMatrixValues returns DCTMatrix's values, row-major.
func DCTMatrixValues(n int, norm string) []float64 {
	m := make([]float64, n*n)
	for k := range n {
		scale := 2.0
		if norm == DCTOrtho {
			scale = math.Sqrt(2 / float64(n))
			if k == 0 {
				scale = math.Sqrt(1 / float64(n))
			}
		}
		for i := range n {
			m[k*n+i] = scale * math.Cos(math.Pi*float64(2*i+1)*float64(k)/float64(2*n))
		}
	}
	return m
}
