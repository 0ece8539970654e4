package notebooks

import (
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// PartialQuestionRep is the representation notebook 03 asks about: does the embedding z depend
// on HOG beyond what the raw image explains?
const PartialQuestionRep = "hog"

// PartialAlpha is the significance level of PartialDCorAnswer.
const PartialAlpha = 0.05

// TracedReps returns reps followed by mvmr.PartialGiven and each of extra that reps lacks: the
// representations notebook 03's runs trace (mvmr.DCorMonitor), so that every run records
// pdCor(z, rep; image) for rep in extra whether its loss uses them or not.
func TracedReps(reps []string, extra ...string) []string {
	out := slices.Clone(reps)
	for _, name := range append([]string{mvmr.PartialGiven}, extra...) {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// PartialDCorRow is the last record of one run's dCor monitor for one representation: the
// bias-corrected dCor²(z, rep) and the partial dCor of z and rep given the image, each with its
// permutation p-value (NaN where not recorded).
type PartialDCorRow struct {
	Variant string
	Seed    int64
	Step    int64
	// DCor2 and DCor2P are history.DCorUnbiased(rep) and history.DCorPValue(rep).
	DCor2, DCor2P float64
	// PDCor and PDCorP are history.PartialDCor(rep) and history.PartialDCorPValue(rep).
	PDCor, PDCorP float64
}

// PartialDCorRows returns, for each result that recorded the partial dCor of rep, its last
// record; an error when none did (the runs did not trace rep and mvmr.PartialGiven).
func PartialDCorRows(results []VariantResult, rep string) ([]PartialDCorRow, error) {
	var rows []PartialDCorRow
	for _, r := range results {
		if r.History == nil {
			continue
		}
		pd, ok := r.History.Last(history.PartialDCor(rep))
		if !ok {
			continue
		}
		row := PartialDCorRow{Variant: r.Run, Seed: r.TrainSeed, Step: r.Step, PDCor: pd}
		row.PDCorP = lastOrNaN(r.History, history.PartialDCorPValue(rep))
		row.DCor2 = lastOrNaN(r.History, history.DCorUnbiased(rep))
		row.DCor2P = lastOrNaN(r.History, history.DCorPValue(rep))
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no run recorded %s: trace %s and %s (TracedReps)", history.PartialDCor(rep), rep, mvmr.PartialGiven)
	}
	return rows, nil
}

// lastOrNaN is the last value of h's series name, NaN when it has none.
func lastOrNaN(h *history.History, name string) float64 {
	if v, ok := h.Last(name); ok {
		return v
	}
	return math.NaN()
}

// PartialDCorAnswer prints, for each run, the last records of u-dCor²(z, rep) and
// pdCor(z, rep; image) with their p-values, then answers the question "does z depend on rep
// beyond what the raw image explains, and is it real at n = mvmr.MonitorHeldOut?" from them:
// yes for a run whose pdCor is positive with p <= PartialAlpha, otherwise not shown.
func PartialDCorAnswer(w io.Writer, results []VariantResult, rep string) error {
	rows, err := PartialDCorRows(results, rep)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "dependence of z on %s on %d held-out test digits, last record of each run (%d permutations):\n",
		rep, mvmr.MonitorHeldOut, mvmr.DCorPermutations)
	fmt.Fprintf(w, "%-28s %4s %6s  %12s %7s  %20s %7s\n", "run", "seed", "step",
		"u-dCor²(z,"+rep+")", "p", "pdCor(z,"+rep+"|image)", "p")
	for _, r := range rows {
		fmt.Fprintf(w, "%-28s %4d %6d  %12.4f %7.3f  %20.4f %7.3f\n", r.Variant, r.Seed, r.Step, r.DCor2, r.DCor2P, r.PDCor, r.PDCorP)
	}
	yes := 0
	for _, r := range rows {
		if PartialDependence(r) {
			yes++
		}
	}
	switch {
	case yes == len(rows):
		fmt.Fprintf(w, "answer: yes, in every run (%d of %d): z follows %s beyond what the image's distances explain (pdCor > 0, p <= %g at n = %d)\n",
			yes, len(rows), rep, PartialAlpha, mvmr.MonitorHeldOut)
	case yes == 0:
		fmt.Fprintf(w, "answer: not shown in any run (0 of %d): no pdCor(z, %s | image) > 0 with p <= %g at n = %d\n",
			len(rows), rep, PartialAlpha, mvmr.MonitorHeldOut)
	default:
		fmt.Fprintf(w, "answer: in %d of %d runs: z follows %s beyond the image (pdCor > 0, p <= %g at n = %d); not shown in the others\n",
			yes, len(rows), rep, PartialAlpha, mvmr.MonitorHeldOut)
	}
	return nil
}

// PartialDependence reports whether a row shows a dependence beyond the image: pdCor > 0 with
// p-value <= PartialAlpha.
func PartialDependence(r PartialDCorRow) bool {
	return r.PDCor > 0 && r.PDCorP <= PartialAlpha
}
