package notebooks

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Similarity is the best similarity transform y ≈ Scale·x·R + Shift between two clouds of
// the same n points (Procrustes analysis, in float64), and how far y is from it.
type Similarity struct {
	// Scale is the uniform scale, R the orthogonal d × d matrix (a rotation, or a rotation with a
	// reflection), row-major, and Shift the translation.
	Scale float64
	R     []float64
	Shift []float64
	// Residual is ‖y − (Scale·x·R + Shift)‖ / ‖y − mean(y)‖ (Frobenius norms): 0 when y is
	// exactly a similarity transform of x, 1 when the transform explains nothing of y's spread.
	Residual float64
}

// FitSimilarity fits y (n points of d coordinates, row-major) by a similarity transform of x
// with the least squared error: centre both clouds, take the SVD UΣVᵀ of xᶜᵀyᶜ; then R = UVᵀ,
// Scale = trace(Σ)/‖xᶜ‖², Shift = mean(y) − Scale·mean(x)·R (Gower's orthogonal Procrustes
// problem with scaling).
func FitSimilarity(x, y []float64, d int) (Similarity, error) {
	if d < 1 || len(x) != len(y) || len(x)%d != 0 || len(x)/d < 2 {
		return Similarity{}, fmt.Errorf("FitSimilarity: %d x and %d y values of %d coordinates; expected the same n·d values, n >= 2", len(x), len(y), d)
	}
	n := len(x) / d
	mx, my := columnMeans(x, n, d), columnMeans(y, n, d)
	xc, yc := mat.NewDense(n, d, nil), mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			xc.Set(i, j, x[i*d+j]-mx[j])
			yc.Set(i, j, y[i*d+j]-my[j])
		}
	}
	var m mat.Dense
	m.Mul(xc.T(), yc)
	var svd mat.SVD
	if !svd.Factorize(&m, mat.SVDFull) {
		return Similarity{}, fmt.Errorf("FitSimilarity: the SVD of xᵀy did not converge")
	}
	var u, v, r mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	r.Mul(&u, v.T())
	var trace float64
	for _, s := range svd.Values(nil) {
		trace += s
	}
	xNorm2 := mat.Norm(xc, 2) // Frobenius
	xNorm2 *= xNorm2
	if xNorm2 == 0 {
		return Similarity{}, fmt.Errorf("FitSimilarity: the points of x are all equal; no transform is defined")
	}
	fit := Similarity{Scale: trace / xNorm2, R: make([]float64, d*d), Shift: make([]float64, d)}
	for i := range d {
		for j := range d {
			fit.R[i*d+j] = r.At(i, j)
		}
	}
	for j := range d {
		fit.Shift[j] = my[j]
		for i := range d {
			fit.Shift[j] -= fit.Scale * mx[i] * r.At(i, j)
		}
	}
	var resid, spread float64
	for i := range n {
		for j := range d {
			pred := fit.Shift[j]
			for k := range d {
				pred += fit.Scale * x[i*d+k] * r.At(k, j)
			}
			resid += (y[i*d+j] - pred) * (y[i*d+j] - pred)
			spread += yc.At(i, j) * yc.At(i, j)
		}
	}
	if spread == 0 {
		return Similarity{}, fmt.Errorf("FitSimilarity: the points of y are all equal")
	}
	fit.Residual = math.Sqrt(resid / spread)
	return fit, nil
}

// columnMeans returns the mean of each of the d columns of the row-major [n, d] points p.
func columnMeans(p []float64, n, d int) []float64 {
	m := make([]float64, d)
	for i := range n {
		for j := range d {
			m[j] += p[i*d+j] / float64(n)
		}
	}
	return m
}
