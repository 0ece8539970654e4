package notebooks

import (
	"fmt"
	"io"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// OfSeed returns the results of one training seed, in their order: a figure draws one seed's runs.
func OfSeed(results []VariantResult, seed int64) []VariantResult {
	var out []VariantResult
	for _, r := range results {
		if r.TrainSeed == seed {
			out = append(out, r)
		}
	}
	return out
}

// variantNames returns the variants' names in first-seen order.
func variantNames(results []VariantResult) []string {
	var names []string
	for _, r := range results {
		if !slices.Contains(names, r.Run) {
			names = append(names, r.Run)
		}
	}
	return names
}

// lastMean returns the mean over runs of each run's last finite value of a History series (NaN
// when no run has one).
func lastMean(runs []VariantResult, name string) float64 {
	var values []float64
	for _, r := range runs {
		if r.History == nil {
			continue
		}
		if v, ok := r.History.Last(name); ok && !math.IsNaN(v) {
			values = append(values, v)
		}
	}
	if len(values) == 0 {
		return math.NaN()
	}
	return stat.Mean(values, nil)
}

// WriteVariantTable writes one line per variant: the linear-probe top-1 in percent as the mean
// over its seeds with the lowest and highest seed, and, at the last monitored step, RankMe(z) and
// the mean per-dimension std of z, each averaged over the seeds.
func WriteVariantTable(w io.Writer, results []VariantResult) error {
	if _, err := fmt.Fprintf(w, "%-28s %8s %15s %6s %10s %12s\n", "variant", "top-1 %", "seeds min–max", "seeds", "RankMe(z)", "mean std(z)"); err != nil {
		return err
	}
	for _, name := range variantNames(results) {
		var runs []VariantResult
		var top1 []float64
		for _, r := range results {
			if r.Run == name {
				runs = append(runs, r)
				top1 = append(top1, 100*r.Top1)
			}
		}
		spread := fmt.Sprintf("%.2f–%.2f", slices.Min(top1), slices.Max(top1))
		if len(top1) == 1 {
			spread = "(one seed)"
		}
		if _, err := fmt.Fprintf(w, "%-28s %8.2f %15s %6d %10.1f %12.3f\n", name, stat.Mean(top1, nil), spread, len(top1),
			lastMean(runs, mvmr.HistoryZRankMe), lastMean(runs, mvmr.HistoryZStdMean)); err != nil {
			return err
		}
	}
	return nil
}

// WriteComparisons writes the paired reading (CompareVariants) of each pair {A, B} of variants:
// which is better by how many points over how many seeds, with its confidence interval, or that
// this budget shows no difference.
func WriteComparisons(w io.Writer, results []VariantResult, pairs [][2]string, quick bool) error {
	for _, p := range pairs {
		c, err := CompareVariants(results, p[0], p[1], quick)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintln(w, "•", c); err != nil {
			return err
		}
	}
	return nil
}

// WriteStops writes, for each run of the variant, whether it trained all its steps or stopped
// early (a loss term that turned non-finite), and the last finite value of each named series with
// the number of steps where it was not finite, for the text around a figure of that run.
func WriteStops(w io.Writer, results []VariantResult, variant string, steps int, series ...string) error {
	found := false
	for _, r := range results {
		if r.Run != variant {
			continue
		}
		found = true
		line := fmt.Sprintf("%s, seed %d: trained all %d steps", r.Run, r.TrainSeed, steps)
		if r.Stopped != "" {
			line = fmt.Sprintf("%s, seed %d: stopped after %d of %d steps (%s)", r.Run, r.TrainSeed, r.Step, steps, r.Stopped)
		}
		for _, name := range series {
			if r.History == nil {
				continue
			}
			nonFinite, logged := 0, 0
			steps := r.History.Steps()
			for i, v := range r.History.Series(name) {
				if steps[i] == history.InitialStep {
					continue // the monitors' record before training: no loss value
				}
				logged++
				if math.IsNaN(v) || math.IsInf(v, 0) {
					nonFinite++
				}
			}
			if nonFinite > 0 {
				line += fmt.Sprintf("; %s not finite at %d of %d logged steps", name, nonFinite, logged)
			} else if v, ok := r.History.Last(name); ok {
				line += fmt.Sprintf("; %s finite throughout, last %.4g", name, v)
			}
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	if !found {
		return fmt.Errorf("notebooks: no results of variant %q", variant)
	}
	return nil
}

// FindRun returns the first result of the variant named name.
func FindRun(results []VariantResult, name string) (VariantResult, error) {
	for _, r := range results {
		if r.Run == name {
			return r, nil
		}
	}
	return VariantResult{}, fmt.Errorf("notebooks: no result of variant %q (have %v)", name, variantNames(results))
}
