package mvmr

import (
	"math"
	"math/rand/v2"
	"testing"
)

// lowRank returns an n×d matrix A·B with A n×r and B r×d Gaussian: rank r, with unequal singular
// values.
func lowRank(rng *rand.Rand, n, d, r int, orthonormal bool) []float32 {
	a := make([]float64, n*r)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	x := make([]float32, n*d)
	if orthonormal {
		// Rows i < r carry the unit vector e_i scaled by 5: r equal singular values.
		for i := range r {
			x[i*d+i] = 5
		}
		return x
	}
	b := make([]float64, r*d)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	for i := range n {
		for j := range d {
			var s float64
			for k := range r {
				s += a[i*r+k] * b[k*d+j]
			}
			x[i*d+j] = float32(s)
		}
	}
	return x
}

func TestRankMe(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// r equal singular values: p_k = 1/r, so RankMe = r exactly (up to ε).
	for _, r := range []int{1, 5, 32} {
		got, err := RankMe(lowRank(rng, 64, 48, r, true), 64, 48)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-float64(r)) > 1e-3*float64(r) {
			t.Errorf("RankMe of %d equal singular values = %g; want %d", r, got, r)
		}
	}
	// A Gaussian rank-r product: at most r, and most of it (singular values of similar size).
	for _, r := range []int{4, 16} {
		got, err := RankMe(lowRank(rng, 256, 128, r, false), 256, 128)
		if err != nil {
			t.Fatal(err)
		}
		if got > float64(r)+1e-3 || got < 0.75*float64(r) {
			t.Errorf("RankMe of a Gaussian rank-%d matrix = %g; expected in [%g, %d]", r, got, 0.75*float64(r), r)
		}
	}
	if _, err := RankMe([]float32{1, float32(math.NaN())}, 1, 2); err == nil {
		t.Error("NaN accepted")
	}
	if _, err := RankMe([]float32{1, 2, 3}, 2, 2); err == nil {
		t.Error("3 values accepted as 2×2")
	}
}

func TestCollapseStats(t *testing.T) {
	// Column 0 (1, 2, 3, 4) has std sqrt(5/3), column 1 is constant, column 2 has std 0.5.
	x := []float32{
		1, 7, 0,
		2, 7, 0,
		3, 7, 0,
		4, 7, 1,
	}
	s, err := CollapseStatsOf(x, 4, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	std0, std2 := math.Sqrt(5.0/3), 0.5
	if s.StdMin != 0 || math.Abs(s.StdMean-(std0+std2)/3) > 1e-12 || math.Abs(s.BelowMargin-2.0/3) > 1e-12 {
		t.Errorf("stats %+v; want min 0, mean %g, below margin 2/3", s, (std0+std2)/3)
	}
	if s.RankMe < 1 || s.RankMe > 3 {
		t.Errorf("RankMe %g outside [1, 3]", s.RankMe)
	}
}
