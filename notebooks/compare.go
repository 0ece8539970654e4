package notebooks

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// ConfidenceLevel is the level of the intervals Compare reports.
const ConfidenceLevel = 0.95

// Comparison is a paired comparison of two variants, A − B, over matched units (seeds, or folds
// of the test digits): the mean difference and its Student-t confidence interval. Its String is
// the reading a notebook prints, so that a sentence about which variant wins always comes from
// the numbers just measured.
type Comparison struct {
	// A and B name the variants; Unit names what the differences are paired over ("seeds").
	A, B, Unit string
	// N is the number of pairs; Diff the mean of A − B; Lo and Hi the ConfidenceLevel interval
	// of the mean (NaN for one pair: no spread to estimate).
	N            int
	Diff, Lo, Hi float64
	// Quick says the notebook ran its quick settings (fewer seeds, fewer steps): the reading says so.
	Quick bool
}

// Compare pairs a[i] with b[i] (the same seed, or fold, for both variants), in the scores' own
// units (percentage points for accuracies in percent), and returns the mean difference a − b
// with its two-sided ConfidenceLevel t-interval on n − 1 degrees of freedom.
func Compare(nameA, nameB, unit string, a, b []float64) (Comparison, error) {
	if len(a) != len(b) || len(a) == 0 {
		return Comparison{}, fmt.Errorf("notebooks: Compare %s with %s: %d and %d scores; expected the same number, at least one",
			nameA, nameB, len(a), len(b))
	}
	n := len(a)
	d := make([]float64, n)
	for i := range a {
		d[i] = a[i] - b[i]
		if math.IsNaN(d[i]) || math.IsInf(d[i], 0) {
			return Comparison{}, fmt.Errorf("notebooks: Compare %s with %s: %s %d has scores %g and %g; expected finite numbers",
				nameA, nameB, unit, i+1, a[i], b[i])
		}
	}
	c := Comparison{A: nameA, B: nameB, Unit: unit, N: n, Lo: math.NaN(), Hi: math.NaN()}
	for _, v := range d {
		c.Diff += v
	}
	c.Diff /= float64(n)
	if n < 2 {
		return c, nil
	}
	var ss float64
	for _, v := range d {
		ss += (v - c.Diff) * (v - c.Diff)
	}
	se := math.Sqrt(ss / float64(n-1) / float64(n))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(1 - (1-ConfidenceLevel)/2)
	c.Lo, c.Hi = c.Diff-t*se, c.Diff+t*se
	return c, nil
}

// CompareVariants compares two variants of results (VariantResult.Run) by their linear-probe
// top-1 in percentage points, paired by training seed; seeds that only one of them has are left
// out. quick marks the reading as made with the quick settings.
func CompareVariants(results []VariantResult, a, b string, quick bool) (Comparison, error) {
	scores := map[string]map[int64]float64{a: {}, b: {}}
	for _, r := range results {
		if m, ok := scores[r.Run]; ok {
			m[r.TrainSeed] = 100 * r.Top1
		}
	}
	var seeds []int64
	for seed := range scores[a] {
		if _, ok := scores[b][seed]; ok {
			seeds = append(seeds, seed)
		}
	}
	slices.Sort(seeds)
	var sa, sb []float64
	for _, seed := range seeds {
		sa, sb = append(sa, scores[a][seed]), append(sb, scores[b][seed])
	}
	if len(seeds) == 0 {
		return Comparison{}, fmt.Errorf("notebooks: no seed has results of both %q and %q", a, b)
	}
	c, err := Compare(a, b, "seeds", sa, sb)
	c.Quick = quick
	return c, err
}

// Significant reports whether the interval excludes 0 (and exists).
func (c Comparison) Significant() bool {
	return c.N >= 2 && (c.Lo > 0 || c.Hi < 0)
}

// String is the reading: "A beats B by d points over n seeds (paired, 95 % CI [lo, hi])", or
// "no difference between A and B at this budget ... (paired 95 % CI [lo, hi] includes 0)", or,
// for one pair, the difference with a note that one seed gives no interval.
func (c Comparison) String() string {
	unit := c.Unit
	if c.N == 1 {
		unit = singular(unit)
	}
	var s string
	switch {
	case c.N < 2:
		s = fmt.Sprintf("%s against %s: %+.2f points on %d %s: one %s gives no confidence interval, so no conclusion (use more)",
			c.A, c.B, c.Diff, c.N, unit, unit)
	case c.Significant():
		winner, loser, d, lo, hi := c.A, c.B, c.Diff, c.Lo, c.Hi
		if c.Diff < 0 {
			winner, loser, d, lo, hi = c.B, c.A, -c.Diff, -c.Hi, -c.Lo
		}
		s = fmt.Sprintf("%s beats %s by %.2f points over %d %s (paired, %.0f %% CI [%.2f, %.2f])",
			winner, loser, d, c.N, unit, 100*ConfidenceLevel, lo, hi)
	default:
		s = fmt.Sprintf("no difference between %s and %s at this budget: the first minus the second is %+.2f points over %d %s (paired %.0f %% CI [%.2f, %.2f] includes 0)",
			c.A, c.B, c.Diff, c.N, unit, 100*ConfidenceLevel, c.Lo, c.Hi)
	}
	if c.Quick {
		s += " [quick settings: few steps and seeds, not a result]"
	}
	return s
}

// singular drops a plural "s" ("seeds" → "seed").
func singular(unit string) string {
	if len(unit) > 1 && unit[len(unit)-1] == 's' {
		return unit[:len(unit)-1]
	}
	return unit
}
