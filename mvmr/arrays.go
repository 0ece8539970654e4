package mvmr

import (
	"fmt"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// DistanceCorrelationOf computes, in float64, the distance correlation between the rows of two
// (n, d) arrays, with the same DistanceCorrelation graph the loss uses.
func DistanceCorrelationOf(backend compute.Backend, x, y *npy.Matrix) (float64, error) {
	if x.Rows != y.Rows {
		return 0, fmt.Errorf("mvmr: dCor needs the same number of rows: got (%d, %d) and (%d, %d)", x.Rows, x.Cols, y.Rows, y.Cols)
	}
	if x.Rows < 2 || x.Cols < 1 || y.Cols < 1 {
		return 0, fmt.Errorf("mvmr: dCor needs at least 2 rows and 1 column: got (%d, %d) and (%d, %d)", x.Rows, x.Cols, y.Rows, y.Cols)
	}
	out, err := runArrays(backend, func(in []*Node) []*Node {
		return []*Node{DistanceCorrelation(in[0], in[1])}
	}, x, y)
	if err != nil {
		return 0, err
	}
	return out[0], nil
}

// EmbeddingTermsOf computes, in float64, the loss terms TermMSE, TermStd and TermDCorZZ of
// embeddings zOrig (z) and zAug (z~) as the trainer does (EmbeddingTerms with the given
// settings' margin, epsilon and dCor scale).
func EmbeddingTermsOf(backend compute.Backend, zOrig, zAug *npy.Matrix, config LossConfig) (map[string]float64, error) {
	if zOrig.Rows != zAug.Rows || zOrig.Cols != zAug.Cols {
		return nil, fmt.Errorf("mvmr: z and z~ must have the same shape: got (%d, %d) and (%d, %d)",
			zOrig.Rows, zOrig.Cols, zAug.Rows, zAug.Cols)
	}
	if zOrig.Rows < 2 || zOrig.Cols < 1 {
		return nil, fmt.Errorf("mvmr: the loss needs at least 2 rows and 1 column: got (%d, %d)", zOrig.Rows, zOrig.Cols)
	}
	out, err := runArrays(backend, func(in []*Node) []*Node {
		mse, std, dcor := EmbeddingTerms(in[0], in[1], config.StdMargin, config.StdEpsilon, config.DCorScale)
		return []*Node{mse, std, dcor}
	}, zOrig, zAug)
	if err != nil {
		return nil, err
	}
	return map[string]float64{TermMSE: out[0], TermStd: out[1], TermDCorZZ: out[2]}, nil
}

func runArrays(backend compute.Backend, fn func([]*Node) []*Node, arrays ...*npy.Matrix) ([]float64, error) {
	inputs := make([]any, len(arrays))
	for i, a := range arrays {
		inputs[i] = tensors.FromFlatDataAndDimensions(append([]float64(nil), a.Data...), a.Rows, a.Cols)
	}
	var values []float64
	err := exceptions.TryCatch[error](func() {
		exec := MustNewExec(backend, func(g *Graph, in []*Node) []*Node { return fn(in) })
		outputs := exec.MustExec(inputs...)
		for _, o := range outputs {
			values = append(values, tensors.ToScalar[float64](o))
		}
	})
	if err != nil {
		return nil, fmt.Errorf("mvmr: %w", err)
	}
	return values, nil
}
