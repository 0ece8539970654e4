package notebooks

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestFitSimilarityRecoversAKnownTransform(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 50
	x := make([]float64, 2*n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	// y = 1.7·x·R + (3, −2), R a rotation by 0.6 rad followed by a reflection of the first axis.
	c, s := math.Cos(0.6), math.Sin(0.6)
	r := []float64{-c, s, s, c}
	apply := func(sx, sy float64) []float64 {
		y := make([]float64, 2*n)
		for i := range n {
			a, b := sx*x[2*i], sy*x[2*i+1]
			y[2*i] = 1.7*(a*r[0]+b*r[2]) + 3
			y[2*i+1] = 1.7*(a*r[1]+b*r[3]) - 2
		}
		return y
	}
	fit, err := FitSimilarity(x, apply(1, 1), 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(fit.Scale-1.7) > 1e-9 || fit.Residual > 1e-9 || math.Abs(fit.Shift[0]-3) > 1e-9 || math.Abs(fit.Shift[1]+2) > 1e-9 {
		t.Errorf("fit %+v; want scale 1.7, shift (3, -2), residual 0", fit)
	}
	for i := range r {
		if math.Abs(fit.R[i]-r[i]) > 1e-9 {
			t.Errorf("R = %v; want %v", fit.R, r)
			break
		}
	}
	// A non-uniform scale is not a similarity transform: part of y stays unexplained.
	stretched, err := FitSimilarity(x, apply(2, 0.5), 2)
	if err != nil {
		t.Fatal(err)
	}
	if stretched.Residual < 0.3 {
		t.Errorf("residual %.3f for a 2 : 0.5 stretch; want a large one", stretched.Residual)
	}
	if got := similarityReading(fit); !strings.Contains(got, "rotated and mirrored, scaled by 1.700") {
		t.Errorf("reading %q; want a mirrored rotation scaled by 1.700", got)
	}
	if got := similarityReading(stretched); !strings.Contains(got, "not a similarity transform") {
		t.Errorf("reading of a stretch: %q", got)
	}
	if _, err := FitSimilarity(x, x[:10], 2); err == nil {
		t.Error("FitSimilarity accepted clouds of different sizes")
	}
	if _, err := FitSimilarity(make([]float64, 2*n), x, 2); err == nil {
		t.Error("FitSimilarity accepted a constant x")
	}
}
