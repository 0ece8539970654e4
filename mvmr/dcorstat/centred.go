package dcorstat

import (
	"fmt"
	"math"
)

// Estimator chooses the estimator of the squared distance covariance.
type Estimator int

const (
	// Biased is the V-statistic: double-centred distances, dCov² = (1/n²) Σ_ij A_ij B_ij.
	// It needs 2 observations or more.
	Biased Estimator = iota
	// Unbiased is the bias-corrected U-statistic: U-centred distances,
	// dCov² = Σ_{i≠j} Ã_ij B̃_ij / (n(n−3)). It needs 4 observations or more.
	Unbiased
)

// Estimators maps each estimator's name to it.
var Estimators = map[string]Estimator{"biased": Biased, "unbiased": Unbiased}

// String is the estimator's name in Estimators.
func (e Estimator) String() string {
	switch e {
	case Biased:
		return "biased"
	case Unbiased:
		return "unbiased"
	}
	return fmt.Sprintf("Estimator(%d)", int(e))
}

// MinN is the smallest number of observations the estimator is defined for.
func (e Estimator) MinN() int {
	if e == Unbiased {
		return 4
	}
	return 2
}

// Centred is a centred [N, N] distance matrix, double-centred (Biased) or U-centred (Unbiased),
// the form every statistic of this package is an inner product of.
type Centred struct {
	N         int
	Estimator Estimator
	// M is the row-major matrix; for Unbiased its diagonal is 0.
	M []float64
}

// Centre returns the centred distance matrix of s for estimator e.
func Centre(s Sample, e Estimator) (Centred, error) {
	if err := s.Check(); err != nil {
		return Centred{}, err
	}
	if s.N < e.MinN() {
		return Centred{}, fmt.Errorf("dcorstat: %d observations; the %s estimator needs at least %d", s.N, e, e.MinN())
	}
	return CentreDistances(Distances(s), s.N, e), nil
}

// CentreDistances centres the [n, n] distance matrix dist for estimator e (it needs
// n >= e.MinN()): A_ij = a_ij − ā_i· − ā_·j + ā_·· for Biased, and for Unbiased
// Ã_ij = a_ij − a_i·/(n−2) − a_·j/(n−2) + a_··/((n−1)(n−2)) off the diagonal and 0 on it,
// with a_i· the row sums and a_·· the total.
func CentreDistances(dist []float64, n int, e Estimator) Centred {
	rows := make([]float64, n)
	cols := make([]float64, n)
	var total float64
	for i := range n {
		for j, v := range dist[i*n : (i+1)*n] {
			rows[i] += v
			cols[j] += v
		}
		total += rows[i]
	}
	out := make([]float64, n*n)
	nf := float64(n)
	if e == Unbiased {
		for i := range n {
			for j := range n {
				if i != j {
					out[i*n+j] = dist[i*n+j] - rows[i]/(nf-2) - cols[j]/(nf-2) + total/((nf-1)*(nf-2))
				}
			}
		}
	} else {
		for i := range n {
			for j := range n {
				out[i*n+j] = dist[i*n+j] - rows[i]/nf - cols[j]/nf + total/(nf*nf)
			}
		}
	}
	return Centred{N: n, Estimator: e, M: out}
}

// Product is the inner product of two centred matrices of the same estimator and size:
// (1/n²) Σ A_ij B_ij (Biased) or Σ_{i≠j} Ã_ij B̃_ij / (n(n−3)) (Unbiased). Product(a, b) is
// dCov²(x, y), Product(a, a) dVar²(x).
func (a Centred) Product(b Centred) float64 {
	var s float64
	for i, v := range a.M {
		s += v * b.M[i]
	}
	return s / a.norm()
}

// permutedProduct is Product(a permuted, b): a's rows and columns reordered by perm
// (a'_ij = a_{perm[i] perm[j]}), the centred matrix of the permuted sample.
func (a Centred) permutedProduct(b Centred, perm []int) float64 {
	n := a.N
	var s float64
	for i := range n {
		ai := a.M[perm[i]*n : (perm[i]+1)*n]
		bi := b.M[i*n : (i+1)*n]
		for j, p := range perm {
			s += ai[p] * bi[j]
		}
	}
	return s / a.norm()
}

// norm is the divisor of Product: n² or n(n−3).
func (a Centred) norm() float64 {
	n := float64(a.N)
	if a.Estimator == Unbiased {
		return n * (n - 3)
	}
	return n * n
}

// Correlation is Product(a, b) / sqrt(Product(a, a) · Product(b, b)), dCor² for the two
// estimators; 0 when either variance is not positive (a constant sample), as the dcor package
// returns.
func (a Centred) Correlation(b Centred) float64 {
	return correlation(a.Product(b), a.Product(a), b.Product(b))
}

func correlation(ab, aa, bb float64) float64 {
	den := aa * bb
	if den <= 0 {
		return 0
	}
	return ab / math.Sqrt(den)
}

// checkCentred checks that a and b are of the same estimator and size.
func checkCentred(a, b Centred) error {
	if a.N != b.N || a.Estimator != b.Estimator || len(a.M) != a.N*a.N || len(b.M) != b.N*b.N {
		return fmt.Errorf("dcorstat: centred matrices of %d (%s) and %d (%s) observations; expected the same size and estimator",
			a.N, a.Estimator, b.N, b.Estimator)
	}
	return nil
}
