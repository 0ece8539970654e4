package notebooks

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// partialResult is a run whose dCor monitor recorded the given last values for hog.
func partialResult(t *testing.T, name string, seed int64, u, up, pd, pp float64) VariantResult {
	t.Helper()
	h := history.New()
	for step, scale := range []float64{0.5, 1} { // the last record counts
		if err := h.Append(int64(step), map[string]float64{
			history.DCorUnbiased("hog"): u * scale, history.DCorPValue("hog"): up,
			history.PartialDCor("hog"): pd * scale, history.PartialDCorPValue("hog"): pp,
		}); err != nil {
			t.Fatal(err)
		}
	}
	r := VariantResult{Run: name, History: h}
	r.TrainSeed, r.Step = seed, 2
	return r
}

func TestPartialDCorAnswerReadsTheLastRecords(t *testing.T) {
	real := partialResult(t, "none", 1, 0.30, 0.005, 0.12, 0.005)
	weak := partialResult(t, "hog", 1, 0.20, 0.005, 0.01, 0.4)
	negative := partialResult(t, "image", 1, 0.20, 0.005, -0.05, 0.005)
	untraced := VariantResult{Run: "untraced", History: history.New()}
	for _, tc := range []struct {
		results []VariantResult
		answer  string
	}{
		{[]VariantResult{real, untraced}, "answer: yes, in every run (1 of 1): z follows hog beyond what the image's distances explain (pdCor > 0, p <= 0.05 at n = 256)"},
		{[]VariantResult{weak, negative}, "answer: not shown in any run (0 of 2): no pdCor(z, hog | image) > 0 with p <= 0.05 at n = 256"},
		{[]VariantResult{real, weak}, "answer: in 1 of 2 runs: z follows hog beyond the image"},
	} {
		var out bytes.Buffer
		if err := PartialDCorAnswer(&out, tc.results, "hog"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), tc.answer) {
			t.Errorf("printed %q; want %q", out.String(), tc.answer)
		}
	}
	var out bytes.Buffer
	if err := PartialDCorAnswer(&out, []VariantResult{real}, "hog"); err != nil {
		t.Fatal(err)
	}
	// The table row holds the last record (the step-1 values), not the first.
	if !strings.Contains(out.String(), "none                            1      2        0.3000   0.005                0.1200   0.005") {
		t.Errorf("table:\n%s", out.String())
	}
	if err := PartialDCorAnswer(&out, []VariantResult{untraced}, "hog"); err == nil || !strings.Contains(err.Error(), "pdcor/hog") {
		t.Errorf("no run traced hog: error %v", err)
	}
	rows, err := PartialDCorRows([]VariantResult{real}, "hog")
	if err != nil || len(rows) != 1 || rows[0].PDCor != 0.12 || math.IsNaN(rows[0].DCor2P) {
		t.Errorf("rows %+v, %v", rows, err)
	}
}

func TestTracedRepsAddsTheImageAndTheAskedRepresentation(t *testing.T) {
	if got := TracedReps([]string{"std", "image"}, "hog"); !slices.Equal(got, []string{"std", "image", "hog"}) {
		t.Errorf("TracedReps(std, image; hog) = %v", got)
	}
	if got := TracedReps([]string{"hog"}, "hog"); !slices.Equal(got, []string{"hog", mvmr.PartialGiven}) {
		t.Errorf("TracedReps(hog; hog) = %v", got)
	}
}
