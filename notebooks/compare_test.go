package notebooks

import (
	"math"
	"strings"
	"testing"
)

// TestCompareHandComputed checks the interval against a hand computation: differences 1, 2, 3
// have mean 2 and sample standard deviation 1, so the standard error is 1/√3; on 2 degrees of
// freedom the t quantile has the closed form t = (2p−1)/√(2p(1−p)), 4.302652729749464 at p = 0.975.
func TestCompareHandComputed(t *testing.T) {
	c, err := Compare("A", "B", "seeds", []float64{91, 92, 93}, []float64{90, 90, 90})
	if err != nil {
		t.Fatal(err)
	}
	p := 0.975
	q := (2*p - 1) / math.Sqrt(2*p*(1-p))
	half := q / math.Sqrt(3)
	if c.N != 3 || math.Abs(c.Diff-2) > 1e-12 || math.Abs(c.Lo-(2-half)) > 1e-9 || math.Abs(c.Hi-(2+half)) > 1e-9 {
		t.Fatalf("Compare = %+v; want diff 2, CI [%.6f, %.6f]", c, 2-half, 2+half)
	}
	// The interval includes 0 (−0.484, 4.484): no difference.
	if c.Significant() || !strings.Contains(c.String(), "no difference between A and B at this budget") ||
		!strings.Contains(c.String(), "[-0.48, 4.48] includes 0") {
		t.Errorf("reading %q; want no difference with CI [-0.48, 4.48]", c.String())
	}
}

// TestCompareDF1 uses the Cauchy closed form of the t quantile on 1 degree of freedom,
// tan(π(p − ½)), and a difference that B wins.
func TestCompareDF1(t *testing.T) {
	c, err := Compare("A", "B", "folds", []float64{10, 10.2}, []float64{11, 11.1})
	if err != nil {
		t.Fatal(err)
	}
	// differences −1, −0.9: mean −0.95, sd 0.0707107, se 0.05.
	half := math.Tan(math.Pi*(0.975-0.5)) * 0.05
	if math.Abs(c.Lo-(-0.95-half)) > 1e-9 || math.Abs(c.Hi-(-0.95+half)) > 1e-9 {
		t.Fatalf("CI [%g, %g]; want [%g, %g]", c.Lo, c.Hi, -0.95-half, -0.95+half)
	}
	// [−1.585, −0.315] excludes 0: B wins.
	if !c.Significant() || !strings.HasPrefix(c.String(), "B beats A by 0.95 points over 2 folds (paired, 95 % CI [0.31, 1.59])") {
		t.Errorf("reading %q; want B beats A by 0.95 with CI [0.31, 1.59]", c.String())
	}
}

func TestCompareReadings(t *testing.T) {
	c, err := Compare("distilled", "alone", "seeds", []float64{92, 92.5, 92.2, 92.4}, []float64{91, 91.3, 91.1, 91.2})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.String(); !strings.HasPrefix(got, "distilled beats alone by 1.13 points over 4 seeds (paired, 95 % CI [") {
		t.Errorf("reading %q", got)
	}
	c, _ = Compare("h", "pixels", "seeds", []float64{90, 90.5, 90.2}, []float64{92, 92.4, 92.3})
	if got := c.String(); !strings.HasPrefix(got, "pixels beats h by 2.00 points over 3 seeds") {
		t.Errorf("reading %q", got)
	}
	c, _ = Compare("x", "y", "seeds", []float64{90}, []float64{91})
	c.Quick = true
	if got := c.String(); !strings.Contains(got, "on 1 seed: one seed gives no confidence interval") || !strings.Contains(got, "quick settings") {
		t.Errorf("reading %q", got)
	}
	if _, err := Compare("x", "y", "seeds", []float64{1, 2}, []float64{1}); err == nil {
		t.Error("unequal lengths accepted")
	}
	if _, err := Compare("x", "y", "seeds", []float64{math.NaN()}, []float64{1}); err == nil {
		t.Error("NaN accepted")
	}
}

func TestCompareVariantsPairsBySeed(t *testing.T) {
	results := []VariantResult{
		{Run: "a", TrainSeed: 1, Top1: 0.90}, {Run: "b", TrainSeed: 1, Top1: 0.89},
		{Run: "a", TrainSeed: 2, Top1: 0.92}, {Run: "b", TrainSeed: 2, Top1: 0.90},
		{Run: "a", TrainSeed: 3, Top1: 0.50}, // no b for seed 3: left out
	}
	c, err := CompareVariants(results, "a", "b", false)
	if err != nil {
		t.Fatal(err)
	}
	if c.N != 2 || math.Abs(c.Diff-1.5) > 1e-9 {
		t.Errorf("N %d diff %g; want 2 pairs, mean difference 1.5 points", c.N, c.Diff)
	}
	if _, err := CompareVariants(results, "a", "c", false); err == nil {
		t.Error("a variant without results accepted")
	}
}
