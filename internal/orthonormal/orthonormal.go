// Package orthonormal orthonormalises the rows of a matrix, the step shared by the randomized
// range finders of the kit (t-SNE's PCA in mvmr/tsne, the kNN's PCA whitening in mvmr).
package orthonormal

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Rows orthonormalises the rows of a in place by modified Gram–Schmidt, applied twice for
// stability. A row that is (numerically) in the span of the rows before it — its norm after the
// projections below dependentTolerance times its norm before — becomes zero.
func Rows(a *mat.Dense) {
	r, c := a.Dims()
	raw := a.RawMatrix()
	row := func(i int) []float64 { return raw.Data[i*raw.Stride : i*raw.Stride+c] }
	for pass := 0; pass < 2; pass++ {
		for i := 0; i < r; i++ {
			ri := row(i)
			before := norm(ri)
			for j := 0; j < i; j++ {
				rj := row(j)
				var dot float64
				for k, v := range rj {
					dot += v * ri[k]
				}
				for k, v := range rj {
					ri[k] -= dot * v
				}
			}
			after := norm(ri)
			for k := range ri {
				if after > dependentTolerance*before {
					ri[k] /= after
				} else {
					ri[k] = 0
				}
			}
		}
	}
}

// dependentTolerance is the relative norm below which a row counts as dependent on the rows
// before it (a few hundred float64 roundings of an O(1) row).
const dependentTolerance = 1e-10

func norm(v []float64) float64 {
	var sum float64
	for _, x := range v {
		sum += x * x
	}
	return math.Sqrt(sum)
}
