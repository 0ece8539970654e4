package notebooks

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/plotting"
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
	variants := []TermVariant{{AblationNone, func(c *mvmr.LossConfig) { c.Representations = nil }}}
	for _, r := range reps {
		variants = append(variants, TermVariant{r, func(c *mvmr.LossConfig) { c.Representations = terms([]string{r}, mvmr.ModeMaximize) }})
	}
	if len(reps) > 1 {
		variants = append(variants, TermVariant{AblationAll(reps), func(c *mvmr.LossConfig) { c.Representations = terms(reps, mvmr.ModeMaximize) }})
	}
	if len(reps) > 0 {
		variants = append(variants, TermVariant{"all, official sign (+dCor)", func(c *mvmr.LossConfig) {
			c.Representations = terms(reps, mvmr.ModeOfficial)
		}})
	}
	return variants
}

// AblationNone names the ablation variant without any L3 term, the baseline.
const AblationNone = "none"

// AblationAll names the ablation variant with every representation of reps in ModeMaximize
// ("all: image+std+hog"), or the one representation's name when there is one.
func AblationAll(reps []string) string {
	if len(reps) == 1 {
		return reps[0]
	}
	return "all: " + strings.Join(reps, "+")
}

// ResultsCSVHeader are the columns of WriteResultsCSV.
var ResultsCSVHeader = []string{"variant", "seed", "steps", "top1", "top5", "train_top1", "z_rankme", "z_std_mean"}

// WriteResultsCSV writes one row per run: the variant, its seed, the steps trained, the probe's
// accuracies (fractions) and the last collapse measurements of z (RankMe, mean std; NaN when
// not monitored).
func WriteResultsCSV(w io.Writer, results []VariantResult) error {
	out := csv.NewWriter(w)
	if err := out.Write(ResultsCSVHeader); err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
	for _, r := range results {
		if r.History == nil {
			return fmt.Errorf("results of %q (seed %d) hold no training history", r.Run, r.TrainSeed)
		}
		rank, _ := r.History.Last(mvmr.HistoryZRankMe)
		std, _ := r.History.Last(mvmr.HistoryZStdMean)
		if err := out.Write([]string{r.Run, strconv.FormatInt(r.TrainSeed, 10), strconv.FormatInt(r.Step, 10),
			f(r.Top1), f(r.Top5), f(r.Metrics["train_top1"]), f(rank), f(std)}); err != nil {
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

// AblationResults returns the summaries as plotting.Ablation bars (top-1 as fractions).
func AblationResults(summaries []Summary) []plotting.AblationResult {
	out := make([]plotting.AblationResult, len(summaries))
	for i, s := range summaries {
		out[i] = plotting.AblationResult{Name: s.Name}
		for _, v := range s.Top1 {
			out[i].Score = append(out[i].Score, v/100)
		}
	}
	return out
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
		i, ok := index[r.Run]
		if !ok {
			i = len(out)
			index[r.Run] = i
			out = append(out, Summary{Name: r.Run})
		}
		out[i].Top1 = append(out[i].Top1, 100*r.Top1)
	}
	for i := range out {
		s := &out[i]
		s.Min, s.Max = slices.Min(s.Top1), slices.Max(s.Top1)
		s.Mean = stat.Mean(s.Top1, nil)
		if len(s.Top1) > 1 {
			_, s.Std = stat.MeanStdDev(s.Top1, nil) // sample std (n − 1)
		}
	}
	return out
}
