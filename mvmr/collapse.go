package mvmr

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// RankMeEpsilon is the ε added to each normalised singular value in RankMe (Garrido et al.,
// "RankMe", ICML 2023: p_k = σ_k/‖σ‖₁ + ε).
const RankMeEpsilon = 1e-7

// RankMe returns the effective rank of the n×d row-major matrix x (Garrido et al. 2023):
// exp(−Σ p_k log p_k) with p_k = σ_k/‖σ‖₁ + ε over the singular values σ of x, computed in
// float64. It lies between 1 (one direction) and min(n, d) (all singular values equal); it is
// 0 for a zero matrix.
func RankMe(x []float32, n, d int) (float64, error) {
	if n < 1 || d < 1 || len(x) != n*d {
		return 0, fmt.Errorf("mvmr: RankMe of %d values as %d×%d; expected n·d values with n, d ≥ 1", len(x), n, d)
	}
	data := make([]float64, len(x))
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return 0, fmt.Errorf("mvmr: RankMe: value %v at row %d, column %d is not finite", v, i/d, i%d)
		}
		data[i] = float64(v)
	}
	var svd mat.SVD
	if !svd.Factorize(mat.NewDense(n, d, data), mat.SVDNone) {
		return 0, fmt.Errorf("mvmr: RankMe: the SVD of the %d×%d matrix did not converge", n, d)
	}
	sigma := svd.Values(nil)
	var l1 float64
	for _, s := range sigma {
		l1 += s
	}
	if l1 == 0 {
		return 0, nil
	}
	var entropy float64
	for _, s := range sigma {
		p := s/l1 + RankMeEpsilon
		entropy -= p * math.Log(p)
	}
	return math.Exp(entropy), nil
}

// CollapseStats summarises how much of its space a batch of embeddings uses.
type CollapseStats struct {
	// Dim is the number of dimensions, Rows the number of samples.
	Dim, Rows int
	// StdMin and StdMean are the smallest and the mean per-dimension standard deviation over the
	// batch (with n − 1, as the loss's variance term).
	StdMin, StdMean float64
	// BelowMargin is the fraction of dimensions whose standard deviation is below the margin of
	// the variance hinge (LossConfig.StdMargin): those the std term still pushes.
	BelowMargin float64
	// RankMe is the effective rank of the batch (see RankMe).
	RankMe float64
}

// CollapseStatsOf computes CollapseStats of n rows of d values (row-major) against a variance
// margin.
func CollapseStatsOf(x []float32, n, d int, margin float64) (CollapseStats, error) {
	if n < 2 {
		return CollapseStats{}, fmt.Errorf("mvmr: collapse statistics of %d rows; expected at least 2", n)
	}
	rank, err := RankMe(x, n, d)
	if err != nil {
		return CollapseStats{}, err
	}
	s := CollapseStats{Dim: d, Rows: n, StdMin: math.Inf(1), RankMe: rank}
	below := 0
	for j := range d {
		var sum, sumSq float64
		for i := range n {
			v := float64(x[i*d+j])
			sum += v
			sumSq += v * v
		}
		mean := sum / float64(n)
		std := math.Sqrt(max(sumSq-float64(n)*mean*mean, 0) / float64(n-1))
		s.StdMin = min(s.StdMin, std)
		s.StdMean += std / float64(d)
		if std < margin {
			below++
		}
	}
	s.BelowMargin = float64(below) / float64(d)
	return s, nil
}
