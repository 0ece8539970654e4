package tsne

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/mvmr-ssl/mvmr-go/internal/orthonormal"
)

// PCA settings. Above PCAExactMaxDims input dimensions the components come from a randomized SVD
// (Halko, Martinsson & Tropp 2011; scikit-learn's PCA(svd_solver="randomized"), which is what its TSNE uses),
// whose cost grows with d·(m+PCAOversample) instead of the d² of the covariance and the d³ of its
// eigen-decomposition.
const (
	// PCAExactMaxDims is the largest input dimension for which PCA uses the exact covariance eigen-decomposition.
	PCAExactMaxDims = 256
	// PCAOversample is the number of extra random directions of the randomized SVD.
	PCAOversample = 10
	// pcaSeed seeds the randomized SVD's test matrix (fixed: PCA does not depend on Options.Seed).
	pcaSeed = 0x5eed_9ca
)

// pca projects the n×d row-major x on its m leading principal components (after centring) and returns the
// n×m scores, row-major. Each component's sign is fixed so that its largest-magnitude loading is positive,
// which makes the result deterministic. m must be ≤ d.
func pca(x []float64, n, d, m int) ([]float64, error) {
	if m > d {
		return nil, fmt.Errorf("tsne: PCA to %d components of %d-dimensional data", m, d)
	}
	xc := mat.NewDense(n, d, centred(x, n, d))
	var w *mat.Dense
	var err error
	if d > PCAExactMaxDims && m+PCAOversample < min(n, d) {
		w, err = randomizedComponents(xc, n, d, m)
	} else {
		w, err = exactComponents(xc, n, d, m)
	}
	if err != nil {
		return nil, err
	}
	fixSigns(w)
	out := mat.NewDense(n, m, nil)
	out.Mul(xc, w)
	return out.RawMatrix().Data, nil
}

// exactComponents returns the d×m leading eigenvectors of the covariance of the centred xc.
func exactComponents(xc *mat.Dense, n, d, m int) (*mat.Dense, error) {
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
		for r := 0; r < d; r++ {
			w.Set(r, c, vecs.At(r, d-1-c))
		}
	}
	return w, nil
}

// randomizedComponents returns the d×m leading right singular vectors of the centred xc by a randomized range
// finder with power iterations (scikit-learn's randomized_svd: 7 iterations when m < 0.1·min(n,d), else 4).
// Bases are kept as rows (l×n, l×d) and re-orthonormalised by Gram–Schmidt after every product.
func randomizedComponents(xc *mat.Dense, n, d, m int) (*mat.Dense, error) {
	l := m + PCAOversample
	iters := 4
	if float64(m) < 0.1*float64(min(n, d)) {
		iters = 7
	}
	rng := rand.New(rand.NewPCG(pcaSeed, uint64(d)))
	omega := mat.NewDense(l, d, nil) // rows are random directions in input space
	for i := range omega.RawMatrix().Data {
		omega.RawMatrix().Data[i] = rng.NormFloat64()
	}
	qn := mat.NewDense(l, n, nil) // orthonormal basis of the range, as rows
	qn.Mul(omega, xc.T())
	orthonormal.Rows(qn)
	qd := mat.NewDense(l, d, nil)
	for it := 0; it < iters; it++ {
		qd.Mul(qn, xc) // (xcᵀ q)ᵀ
		orthonormal.Rows(qd)
		qn.Mul(qd, xc.T())
		orthonormal.Rows(qn)
	}
	b := mat.NewDense(l, d, nil)
	b.Mul(qn, xc) // qᵀ xc, l×d
	var svd mat.SVD
	if !svd.Factorize(b, mat.SVDThin) {
		return nil, fmt.Errorf("tsne: PCA: SVD of the %d×%d projected matrix did not converge", l, d)
	}
	var v mat.Dense
	svd.VTo(&v) // d×l, singular values descending
	w := mat.NewDense(d, m, nil)
	w.Copy(v.Slice(0, d, 0, m))
	return w, nil
}

// fixSigns flips each column of w so that its largest-magnitude entry is positive.
func fixSigns(w *mat.Dense) {
	d, m := w.Dims()
	for c := 0; c < m; c++ {
		best, sign := 0.0, 1.0
		for r := 0; r < d; r++ {
			if v := w.At(r, c); math.Abs(v) > best {
				best, sign = math.Abs(v), math.Copysign(1, v)
			}
		}
		if sign < 0 {
			for r := 0; r < d; r++ {
				w.Set(r, c, -w.At(r, c))
			}
		}
	}
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
