package notebooks

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSpreadClosedForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, d = 400, 6
	// k = 3 orthogonal directions with equal variance: effective rank 3. Each row is ±1 on
	// three coordinates, balanced, so every singular value is the same.
	z := make([]float32, n*d)
	for i := range n {
		for j := range 3 {
			sign := float32(1)
			if (i>>j)&1 == 1 {
				sign = -1
			}
			z[i*d+2*j] = 2 * sign // dimensions 0, 2, 4; 1, 3, 5 stay constant
		}
		z[i*d+1] = 7
	}
	s, err := SpreadOf(z, n, d)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(s.EffectiveRank-3) > 1e-9 {
		t.Errorf("three equal directions: effective rank %.6f, want 3", s.EffectiveRank)
	}
	wantStd := 2 * math.Sqrt(float64(n)/float64(n-1)) // ±2, balanced, unbiased std
	for i, want := range []float64{wantStd, wantStd, wantStd, 0, 0, 0} {
		if math.Abs(s.Stds[i]-want) > 1e-9 {
			t.Errorf("std %d = %.6f, want %.6f (sorted largest first)", i, s.Stds[i], want)
		}
	}
	if math.Abs(s.MeanStd-wantStd/2) > 1e-9 {
		t.Errorf("mean std %.6f, want %.6f", s.MeanStd, wantStd/2)
	}

	// Isotropic Gaussian in d dimensions: effective rank close to d; identical rows: 0.
	for i := range z {
		z[i] = float32(rng.NormFloat64())
	}
	if s, _ := SpreadOf(z, n, d); s.EffectiveRank < d-0.3 || s.EffectiveRank > d {
		t.Errorf("isotropic: effective rank %.3f, want about %d", s.EffectiveRank, d)
	}
	for i := range z {
		z[i] = 1.5
	}
	if s, _ := SpreadOf(z, n, d); s.EffectiveRank != 0 || s.MeanStd != 0 {
		t.Errorf("collapsed: effective rank %.3f, mean std %.3f; want 0, 0", s.EffectiveRank, s.MeanStd)
	}
	z[7] = float32(math.NaN())
	if _, err := SpreadOf(z, n, d); err == nil {
		t.Error("NaN accepted")
	}
	if _, err := SpreadOf(z[:5], n, d); err == nil {
		t.Error("wrong length accepted")
	}
}
