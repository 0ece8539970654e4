package notebooks

import (
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// AblationVariants are the representation subsets of notebook 03, each a TermVariant of the
// full loss (L1 + L2) with a different set of L3 terms: none, each of reps alone, all of them in
// mvmr.ModeMaximize (1 − dCor, as the paper writes L3), and all of them in mvmr.ModeOfficial
// (+dCor, as the official training code adds it).
func AblationVariants(reps []string) []TermVariant {
	terms := func(names []string, mode mvmr.TermMode) []mvmr.RepresentationTerm {
		var out []mvmr.RepresentationTerm
		for _, n := range names {
			out = append(out, mvmr.RepresentationTerm{Name: n, Weight: 1, Mode: mode})
		}
		return out
	}
	variants := []TermVariant{{"none", func(c *mvmr.LossConfig) { c.Representations = nil }}}
	for _, r := range reps {
		variants = append(variants, TermVariant{r, func(c *mvmr.LossConfig) { c.Representations = terms([]string{r}, mvmr.ModeMaximize) }})
	}
	if len(reps) > 1 {
		all := "all: " + strings.Join(reps, "+")
		variants = append(variants, TermVariant{all, func(c *mvmr.LossConfig) { c.Representations = terms(reps, mvmr.ModeMaximize) }})
	}
	if len(reps) > 0 {
		variants = append(variants, TermVariant{"all, official sign (+dCor)", func(c *mvmr.LossConfig) {
			c.Representations = terms(reps, mvmr.ModeOfficial)
		}})
	}
	return variants
}

// ResultsCSVHeader are the columns of WriteResultsCSV.
var ResultsCSVHeader = []string{"variant", "seed", "steps", "top1", "top5", "train_top1", "effective_rank", "mean_std", "dim"}

// WriteResultsCSV writes one row per run: the variant, its seed, the steps trained, the probe's
// accuracies (fractions) and the spread of z after training.
func WriteResultsCSV(w io.Writer, results []VariantResult) error {
	out := csv.NewWriter(w)
	if err := out.Write(ResultsCSVHeader); err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
	for _, r := range results {
		if len(r.Spreads) == 0 || r.Losses == nil {
			return fmt.Errorf("results of %q (seed %d) hold no measurement", r.Name, r.Seed)
		}
		last := r.Spreads[len(r.Spreads)-1]
		steps := r.SpreadSteps[len(r.SpreadSteps)-1]
		if err := out.Write([]string{r.Name, strconv.FormatInt(r.Seed, 10), strconv.FormatInt(steps, 10),
			f(r.Probe.Top1), f(r.Probe.Top5), f(r.Probe.TrainTop1), f(last.EffectiveRank), f(last.MeanStd), strconv.Itoa(len(last.Stds))}); err != nil {
			return err
		}
	}
	out.Flush()
	return out.Error()
}

// SaveResultsCSV writes WriteResultsCSV to path, atomically.
func SaveResultsCSV(path string, results []VariantResult) error {
	return atomicfile.Write(path, func(w io.Writer) error { return WriteResultsCSV(w, results) })
}

// Summary is the probe accuracy of one variant over its seeds.
type Summary struct {
	Name string
	// Top1 are the seeds' top-1 accuracies in percent; Mean, Std (sample, 0 for one seed), Min
	// and Max summarise them.
	Top1                []float64
	Mean, Std, Min, Max float64
}

// Summarize groups results by variant, in their first-seen order.
func Summarize(results []VariantResult) []Summary {
	var out []Summary
	index := map[string]int{}
	for _, r := range results {
		i, ok := index[r.Name]
		if !ok {
			i = len(out)
			index[r.Name] = i
			out = append(out, Summary{Name: r.Name})
		}
		out[i].Top1 = append(out[i].Top1, 100*r.Probe.Top1)
	}
	for i := range out {
		s := &out[i]
		s.Min, s.Max = slices.Min(s.Top1), slices.Max(s.Top1)
		for _, v := range s.Top1 {
			s.Mean += v / float64(len(s.Top1))
		}
		if n := len(s.Top1); n > 1 {
			var ss float64
			for _, v := range s.Top1 {
				ss += (v - s.Mean) * (v - s.Mean)
			}
			s.Std = math.Sqrt(ss / float64(n-1))
		}
	}
	return out
}

// TraceHistory returns, for plotting with plotting.LossComponents, one series per traced
// representation k named "dcor/k": dCor(z, z*_k) of r at each of its SpreadSteps. Names are
// sorted.
func TraceHistory(r VariantResult) *history.History {
	names := slices.Sorted(maps.Keys(r.DCor))
	series := make([]string, len(names))
	for i, n := range names {
		series[i] = mvmr.RepresentationTermPrefix + n
	}
	h := history.New()
	for i, step := range r.SpreadSteps {
		values := make([]float64, len(names))
		for k, n := range names {
			values[k] = math.NaN()
			if i < len(r.DCor[n]) {
				values[k] = r.DCor[n][i]
			}
		}
		_ = h.AppendOrdered(step, series, values) // steps increase, names fixed: no error
	}
	return h
}
