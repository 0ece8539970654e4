package tsne

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// pca projects the n×d row-major x on its m leading principal components (after centring) and returns the
// n×m scores, row-major. Each component's sign is fixed so that its largest-magnitude loading is positive,
// which makes the result deterministic. m must be ≤ d.
func pca(x []float64, n, d, m int) ([]float64, error) {
	if m > d {
		return nil, fmt.Errorf("tsne: PCA to %d components of %d-dimensional data", m, d)
	}
	xc := mat.NewDense(n, d, centred(x, n, d))
	var cov mat.Dense
	cov.Mul(xc.T(), xc) // d×d; divided by n-1 below (does not change the eigenvectors)
	sym := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, 0.5*(cov.At(i, j)+cov.At(j, i))/float64(n-1))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, true) {
		return nil, fmt.Errorf("tsne: PCA: eigen-decomposition of the %d×%d covariance did not converge", d, d)
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	// Eigenvalues are ascending: the leading components are the last columns.
	w := mat.NewDense(d, m, nil)
	for c := 0; c < m; c++ {
		src := d - 1 - c
		best, sign := 0.0, 1.0
		for r := 0; r < d; r++ {
			if v := vecs.At(r, src); math.Abs(v) > best {
				best, sign = math.Abs(v), math.Copysign(1, v)
			}
		}
		for r := 0; r < d; r++ {
			w.Set(r, c, sign*vecs.At(r, src))
		}
	}
	out := mat.NewDense(n, m, nil)
	out.Mul(xc, w)
	return out.RawMatrix().Data, nil
}

// centred returns a copy of the n×d row-major x with every column's mean subtracted.
func centred(x []float64, n, d int) []float64 {
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j, v := range x[i*d : (i+1)*d] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	out := make([]float64, n*d)
	for i := 0; i < n; i++ {
		row := out[i*d : (i+1)*d]
		for j, v := range x[i*d : (i+1)*d] {
			row[j] = v - mean[j]
		}
	}
	return out
}
