package notebooks

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Spread describes how an embedding fills its space: a collapsed encoder maps every image to
// (nearly) the same point (all Stds ≈ 0), a dimensionally collapsed one to a low-dimensional
// subspace (EffectiveRank much below the number of dimensions).
type Spread struct {
	// Stds is the standard deviation of each dimension over the rows, largest first.
	Stds []float64 `json:"stds"`
	// MeanStd is the mean of Stds.
	MeanStd float64 `json:"mean_std"`
	// EffectiveRank is exp(entropy) of the normalised singular values of the centred rows
	// (Roy and Vetterli, 2007): d for d equal directions, 1 for a line, between for the rest.
	EffectiveRank float64 `json:"effective_rank"`
}

// SpreadOf computes the Spread of n rows of d values (row-major).
func SpreadOf(z []float32, n, d int) (Spread, error) {
	if n < 2 || d < 1 || len(z) != n*d {
		return Spread{}, fmt.Errorf("spread: %d values for %d rows of %d; expected n*d values with n >= 2, d >= 1", len(z), n, d)
	}
	centred := mat.NewDense(n, d, nil)
	var s Spread
	for j := range d {
		var mean float64
		for i := range n {
			mean += float64(z[i*d+j])
		}
		mean /= float64(n)
		var ss float64
		for i := range n {
			v := float64(z[i*d+j]) - mean
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Spread{}, fmt.Errorf("spread: row %d, dimension %d is %v; expected finite values", i, j, z[i*d+j])
			}
			centred.Set(i, j, v)
			ss += v * v
		}
		s.Stds = append(s.Stds, math.Sqrt(ss/float64(n-1)))
		s.MeanStd += s.Stds[j] / float64(d)
	}
	slices.SortFunc(s.Stds, func(a, b float64) int { return -cmpFloat(a, b) })
	var svd mat.SVD
	if !svd.Factorize(centred, mat.SVDNone) {
		return Spread{}, fmt.Errorf("spread: the SVD of the %dx%d embedding did not converge", n, d)
	}
	values := svd.Values(nil)
	var sum float64
	for _, v := range values {
		sum += v
	}
	if sum == 0 {
		s.EffectiveRank = 0 // every row identical: fully collapsed
		return s, nil
	}
	var entropy float64
	for _, v := range values {
		if p := v / sum; p > 0 {
			entropy -= p * math.Log(p)
		}
	}
	s.EffectiveRank = math.Exp(entropy)
	return s, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
