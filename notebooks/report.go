package notebooks

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
	"github.com/mvmr-ssl/mvmr-go/mvmr/tsne"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

// The readings of notebook 05_report: each figure and table of the report is followed by a
// sentence printed from its numbers, and the report ends with a conclusion printed from all of
// them (WriteConclusion), so that no sentence of the report is static text about a result.

// AnatomyPairs are the comparisons of notebook 02's loss variants, each variant against the one
// it adds a term to (and the full loss against the same without the variance hinge).
var AnatomyPairs = [][2]string{
	{"L1 (mse + std)", "mse only"}, {"L1 + L2", "L1 (mse + std)"},
	{"L1 + L2 + L3 (full)", "L1 + L2"}, {"L1 + L2 + L3 (full)", "full without std"},
}

// AblationPairs are the comparisons of notebook 03's sets of L3 terms: each set against the run
// without L3 terms (AblationNone), in the summaries' order.
func AblationPairs(summaries []Summary) [][2]string {
	var pairs [][2]string
	for _, s := range summaries {
		if s.Name != AblationNone {
			pairs = append(pairs, [2]string{s.Name, AblationNone})
		}
	}
	return pairs
}

// lossTerm says whether a History series is a loss term (not the learning rate, not a monitor).
func lossTerm(name string) bool {
	switch name {
	case mvmr.TermMSE, mvmr.TermStd, mvmr.TermDCorZZ, mvmr.TermTotal:
		return true
	}
	return strings.HasPrefix(name, history.DCorTermPrefix)
}

// WriteLossReading prints, for each loss term of h, its value at the first step and its mean
// over the last tenth of the steps (the end, smoothed over the batches' noise): what a loss
// figure shows, as numbers. A term of weight 0 is logged too; the reading names every term.
func WriteLossReading(w io.Writer, h *history.History) error {
	if h == nil || h.Len() == 0 {
		return fmt.Errorf("notebooks: WriteLossReading: the history is empty")
	}
	fmt.Fprintln(w, "loss terms, first step → mean of the last tenth of the steps:")
	for _, name := range h.Names() {
		if !lossTerm(name) {
			continue
		}
		var finite []float64
		for _, v := range h.Series(name) {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				finite = append(finite, v)
			}
		}
		if len(finite) == 0 {
			fmt.Fprintf(w, "  %-26s never finite\n", plotting.TermLabel(name))
			continue
		}
		tail := finite[len(finite)-max(1, len(finite)/10):]
		end := 0.0
		for _, v := range tail {
			end += v
		}
		end /= float64(len(tail))
		change := "fell"
		if end > finite[0] {
			change = "rose"
		}
		fmt.Fprintf(w, "  %-26s %.4g → %.4g (%s by %.0f %%)\n", plotting.TermLabel(name), finite[0], end, change,
			100*math.Abs(end-finite[0])/math.Max(math.Abs(finite[0]), 1e-12))
	}
	return nil
}

// findResult returns the result of the features and protocol (and variant), or false.
func findResult(results []mvmr.Result, features, protocol, variant string) (mvmr.Result, bool) {
	i := slices.IndexFunc(results, func(r mvmr.Result) bool {
		return r.Features == features && r.Protocol == protocol && r.Variant == variant
	})
	if i < 0 {
		return mvmr.Result{}, false
	}
	return results[i], true
}

// EvaluationReading is the reading of EvaluateCheckpoint's table: the linear probe on the trained
// encoder's h beside its two baselines, the same encoder untrained ("random h") and raw pixels,
// and kNN on h against kNN on pixels at each k. One encoder and one probe per row: differences
// without an interval (EvaluateCheckpoint prints kNN's fold-paired intervals).
func EvaluationReading(results []mvmr.Result) (string, error) {
	h, okH := findResult(results, "h", mvmr.ProtocolLinear, "")
	random, okR := findResult(results, "random h", mvmr.ProtocolLinear, "")
	pixels, okP := findResult(results, "pixels", mvmr.ProtocolLinear, "")
	if !okH || !okR || !okP {
		return "", fmt.Errorf("notebooks: EvaluationReading: the results lack the linear probe on h, random h or pixels")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "linear probe: the trained encoder's h scores %.2f %%, %+.2f points against the same encoder untrained (%.2f %%) "+
		"and %+.2f against raw pixels (%.2f %%): training added %.2f points to what the architecture gives at random",
		100*h.Top1, 100*(h.Top1-random.Top1), 100*random.Top1, 100*(h.Top1-pixels.Top1), 100*pixels.Top1, 100*(h.Top1-random.Top1))
	for _, r := range results {
		if r.Features != "h" || r.Protocol != mvmr.ProtocolKNN {
			continue
		}
		if p, ok := findResult(results, "pixels", mvmr.ProtocolKNN, r.Variant); ok {
			fmt.Fprintf(&b, "\nkNN %s: h %.2f %% against pixels %.2f %% (%+.2f points)", r.Variant, 100*r.Top1, 100*p.Top1, 100*(r.Top1-p.Top1))
		}
	}
	b.WriteString("\n(one trained encoder, one probe each: these differences carry no interval; the fold-paired kNN readings above do)")
	return b.String(), nil
}

// EmbedTSNE is the t-SNE map of 05_report: Barnes–Hut t-SNE (tsne.DefaultOptions, seed 1) of
// the features, run for iterations.
func EmbedTSNE(f mvmr.Features, iterations int) (*tsne.Result, error) {
	x := make([]float64, len(f.Data))
	for i, v := range f.Data {
		x[i] = float64(v)
	}
	options := tsne.DefaultOptions()
	options.Seed, options.Iterations = 1, iterations
	return tsne.Embed(x, f.N, f.Dim, options)
}

// MapReading is the reading of a 2-D map of labelled points (MapAgreement), one line.
func MapReading(y []float64, labels []int32) (string, error) {
	a, err := MapAgreement(y, labels)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("in the map, %.1f %% of the %d digits have their own class as the most frequent among their %d nearest map neighbours: "+
		"the share the map's clusters get right", 100*a, len(labels), MapAgreementK), nil
}

// MapAgreementK is the neighbourhood of MapAgreement.
const MapAgreementK = 10

// MapAgreement is the share of the n points of a 2-D map y (row-major [n, 2]) whose
// MapAgreementK nearest neighbours in the map have their label as the most frequent one (ties:
// not counted): how well the map's clusters follow the classes, the reading of a t-SNE figure.
func MapAgreement(y []float64, labels []int32) (float64, error) {
	n := len(labels)
	if len(y) != 2*n || n <= MapAgreementK {
		return 0, fmt.Errorf("notebooks: MapAgreement: %d coordinates for %d labels; expected 2 per point and more than %d points", len(y), n, MapAgreementK)
	}
	type neighbour struct {
		d float64
		i int
	}
	agree := 0
	near := make([]neighbour, 0, n-1)
	for i := range n {
		near = near[:0]
		for j := range n {
			if j != i {
				dx, dy := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
				near = append(near, neighbour{dx*dx + dy*dy, j})
			}
		}
		slices.SortFunc(near, func(a, b neighbour) int { return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.i, b.i)) })
		votes := map[int32]int{}
		for _, nb := range near[:MapAgreementK] {
			votes[labels[nb.i]]++
		}
		own, best := votes[labels[i]], 0
		for l, v := range votes {
			if l != labels[i] {
				best = max(best, v)
			}
		}
		if own > best {
			agree++
		}
	}
	return float64(agree) / float64(n), nil
}

// WriteCollapseReading prints, for seed 1 of each loss variant, RankMe(z) and the mean
// per-dimension std of z at the first and the last record of the collapse monitor: what the
// collapse figure shows, as numbers, and which variant ends with the lowest and the highest rank.
func WriteCollapseReading(w io.Writer, results []VariantResult) error {
	runs := OfSeed(results, 1)
	if len(runs) == 0 {
		return fmt.Errorf("notebooks: WriteCollapseReading: no run of seed 1")
	}
	fmt.Fprintln(w, "collapse of z (seed 1), first record → last: RankMe(z); mean std(z)")
	lowest, highest := -1, -1
	var ends []float64
	for i, r := range runs {
		if r.History == nil {
			return fmt.Errorf("notebooks: WriteCollapseReading: %q holds no history", r.Run)
		}
		rank0, rank1 := firstLast(r.History, mvmr.HistoryZRankMe)
		std0, std1 := firstLast(r.History, mvmr.HistoryZStdMean)
		fmt.Fprintf(w, "  %-24s RankMe %6.1f → %6.1f; mean std %.3f → %.3f\n", r.Run, rank0, rank1, std0, std1)
		ends = append(ends, rank1)
		if !math.IsNaN(rank1) && (lowest < 0 || rank1 < ends[lowest]) {
			lowest = i
		}
		if !math.IsNaN(rank1) && (highest < 0 || rank1 > ends[highest]) {
			highest = i
		}
	}
	if lowest >= 0 {
		fmt.Fprintf(w, "lowest final RankMe(z): %s (%.1f); highest: %s (%.1f)\n", runs[lowest].Run, ends[lowest], runs[highest].Run, ends[highest])
	}
	return nil
}

// firstLast returns the first and last finite values of a series (NaN when it has none).
func firstLast(h *history.History, name string) (first, last float64) {
	first, last = math.NaN(), math.NaN()
	for _, v := range h.Series(name) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if math.IsNaN(first) {
			first = v
		}
		last = v
	}
	return first, last
}

// Sweep is one notebook's runs for the conclusion: their results, the pairs compared and whether
// the notebook ran its quick settings.
type Sweep struct {
	Notebook string
	Results  []VariantResult
	Pairs    [][2]string
	Quick    bool
}

// WriteConclusion prints the report's conclusion from the numbers: the evaluation reading of the
// quickstart encoder (when evaluation is not empty), then for each sweep its best variant, the
// comparisons its seeds resolve (the paired interval excludes 0) and those they do not. A sweep
// run with the quick settings is marked as showing only that the pipeline works.
func WriteConclusion(w io.Writer, evaluation []mvmr.Result, sweeps ...Sweep) error {
	fmt.Fprintln(w, "Conclusion (printed from the numbers above):")
	if len(evaluation) > 0 {
		reading, err := EvaluationReading(evaluation)
		if err != nil {
			return err
		}
		first, _, _ := strings.Cut(reading, "\n")
		fmt.Fprintf(w, "• 01_quickstart: %s.\n", first)
	}
	for _, s := range sweeps {
		if len(s.Results) == 0 {
			fmt.Fprintf(w, "• %s: no runs (run that notebook first).\n", s.Notebook)
			continue
		}
		summaries := Summarize(s.Results)
		best := slices.MaxFunc(summaries, func(a, b Summary) int { return cmp.Compare(a.Mean, b.Mean) })
		seeds := "seeds"
		if len(best.Top1) == 1 {
			seeds = "seed"
		}
		fmt.Fprintf(w, "• %s: best mean linear-probe top-1: %s, %.2f %% over %d %s.", s.Notebook, best.Name, best.Mean, len(best.Top1), seeds)
		if s.Quick {
			fmt.Fprint(w, " [quick settings: these runs show that the pipeline works, not a result]")
		}
		fmt.Fprintln(w)
		var resolved, open []string
		for _, p := range s.Pairs {
			c, err := CompareVariants(s.Results, p[0], p[1], false)
			if err != nil {
				return err
			}
			if c.Significant() {
				resolved = append(resolved, c.String())
			} else {
				open = append(open, fmt.Sprintf("%s vs %s (%+.2f)", c.A, c.B, c.Diff))
			}
		}
		for _, r := range resolved {
			fmt.Fprintf(w, "    resolved: %s\n", r)
		}
		if len(open) > 0 {
			fmt.Fprintf(w, "    not resolved by these seeds (interval includes 0, or one seed): %s\n", strings.Join(open, "; "))
		}
	}
	return nil
}

// ReadAnatomySweep reads notebook 02's runs from its run directory (variants.json and its
// settings) as a Sweep of AnatomyPairs; a notebook not run yet gives a Sweep without results.
func ReadAnatomySweep(dir string) (Sweep, error) {
	return readSweep("02_loss_anatomy", dir, "variants.json", func([]VariantResult) [][2]string { return AnatomyPairs })
}

// ReadAblationSweep reads notebook 03's runs from its run directory (results.json and its
// settings) as a Sweep of AblationPairs; a notebook not run yet gives a Sweep without results.
func ReadAblationSweep(dir string) (Sweep, error) {
	return readSweep("03_ablation_K", dir, "results.json", func(r []VariantResult) [][2]string { return AblationPairs(Summarize(r)) })
}

// readSweep reads a notebook's results file and settings in dir.
func readSweep(notebook, dir, file string, pairs func([]VariantResult) [][2]string) (Sweep, error) {
	s := Sweep{Notebook: notebook}
	path := filepath.Join(dir, file)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	results, err := LoadResults(path)
	if err != nil {
		return s, err
	}
	settings, err := ReadSettings(dir)
	if err != nil {
		return s, err
	}
	s.Results, s.Pairs, s.Quick = results, pairs(results), settings.Quick
	return s, nil
}

// ReadEvaluation reads the evaluation results 05_report saved as JSON (mvmr.SaveResults to a
// .json path; mvmr.LoadResults reads JSON only, so the report saves evaluation.json beside the
// reader's evaluation.csv); none, without an error, when the file does not exist
// (01_quickstart has not run).
func ReadEvaluation(path string) ([]mvmr.Result, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return mvmr.LoadResults(path)
}
