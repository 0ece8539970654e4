package plotting

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// diagHistory mimics a run that logs the loss every step and the dCor diagnostics every 25
// steps: the embedding picks up "hog" and "image" (in the loss) and drifts from "lbp".
func diagHistory(steps int) *history.History { return diagHistoryRising(steps, 1) }

// diagHistoryRising is diagHistory with each trace's rise from its start scaled by rise.
func diagHistoryRising(steps int, rise float64) *history.History {
	rng := rand.New(rand.NewPCG(5, 6))
	h := history.New()
	reps := []string{"image", "hog", "lbp", "scattering"}
	for s := range steps {
		values := map[string]float64{"total": 2 * math.Exp(-float64(s)/100)}
		if s%25 == 0 {
			t := float64(s) / float64(steps)
			targets := map[string]float64{"image": 0.85, "hog": 0.7, "lbp": 0.25, "scattering": 0.55}
			for _, r := range reps {
				start := 0.4
				values[history.DCorDiag(r)] = start + rise*(targets[r]-start)*(1-math.Exp(-4*t)) + 0.01*rng.NormFloat64()
			}
		}
		h.Append(int64(s)-1, values) // the monitors' first record is before training (history.InitialStep)
	}
	return h
}

func ExampleDCorTraces() {
	fig, err := DCorTraces(diagHistory(500), DCorTracesOptions{InLoss: []string{"image", "hog"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(fig, "dcor_traces.png"))
	// Output: dcor_traces.png
}

func TestDCorTracesFigure(t *testing.T) {
	h := diagHistory(500)
	fig, err := DCorTraces(h, DCorTracesOptions{InLoss: []string{"image", "hog"}})
	if err != nil {
		t.Fatal(err)
	}
	png := checkFigure(t, fig, 0.01, 5, "image", "HOG", "LBP", "scattering", "step", "distance correlation")
	checkGolden(t, "dcor_traces", png)
	svg, _ := Render(fig, FormatSVG)
	if strings.Contains(string(svg), ">total<") {
		t.Error("the loss total is drawn as a dCor trace")
	}
	// Without InLoss, the history's loss terms dcor/<rep> say which lines are solid.
	withTerms := history.New()
	for s := range 100 {
		withTerms.Append(int64(s), map[string]float64{"dcor/hog": 0.5, "dcor_diag/hog": 0.6, "dcor_diag/lbp": 0.3})
	}
	fig, err = DCorTraces(withTerms, DCorTracesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkFigure(t, fig, 0.005, 2, "dCor(embedding, representation) during training; solid: in the loss", "HOG", "LBP")
	svg, _ = Render(fig, FormatSVG)
	if strings.Contains(string(svg), ">dcor/hog<") || strings.Contains(string(svg), ">HOG (dcor/hog)<") {
		t.Error("a loss term is drawn as a dCor trace")
	}
	// Explicit names, in the order given.
	fig, err = DCorTraces(h, DCorTracesOptions{Names: []string{"dcor_diag/lbp"}})
	if err != nil {
		t.Fatal(err)
	}
	svg, _ = Render(fig, FormatSVG)
	if !strings.Contains(string(svg), ">LBP<") || strings.Contains(string(svg), ">HOG<") {
		t.Error("Names does not select the series")
	}
}

// ExampleDCorTraces_compare draws two runs in one figure: the run with the L3 terms (solid) and
// the run without them (dashed), each representation in its colour.
func ExampleDCorTraces_compare() {
	without := diagHistoryRising(500, 0.4)
	fig, err := DCorTraces(diagHistory(500), DCorTracesOptions{Compare: without, Name: "L3 terms: all", CompareName: "L3 terms: none"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(fig, "dcor_traces_compare.png"))
	// Output: dcor_traces_compare.png
}

func TestDCorTracesCompareFigure(t *testing.T) {
	without := diagHistoryRising(300, 0.4)
	fig, err := DCorTraces(diagHistory(300), DCorTracesOptions{Compare: without, Name: "all", CompareName: "none"})
	if err != nil {
		t.Fatal(err)
	}
	png := checkFigure(t, fig, 0.01, 5, "image", "HOG", "all", "none")
	checkGolden(t, "dcor_traces_compare", png)
}

func TestDCorTracesBadInput(t *testing.T) {
	bad := history.New()
	bad.Append(0, map[string]float64{"dcor_diag/hog": 1.5})
	for _, c := range []struct {
		name string
		h    *history.History
		opts DCorTracesOptions
		want string
	}{
		{"nil", nil, DCorTracesOptions{}, "empty"},
		{"no diagnostics", syntheticHistory(10), DCorTracesOptions{}, "no series named dcor_diag/<representation>"},
		{"unknown", diagHistory(30), DCorTracesOptions{Names: []string{"dcor_diag/nope"}}, `no series "dcor_diag/nope"`},
		{"out of range", bad, DCorTracesOptions{}, "dcor_diag/hog is 1.5 at step 1; a distance correlation lies in [0, 1]"},
		{"all NaN", diagHistory(30), DCorTracesOptions{Names: []string{"total"}, Prefix: "x"}, ""},
	} {
		fig, err := DCorTraces(c.h, c.opts)
		if c.want == "" {
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
		if fig != nil {
			t.Errorf("%s: got a figure with the error", c.name)
		}
	}
	nanOnly := history.New()
	nanOnly.Append(0, map[string]float64{"dcor_diag/hog": math.NaN()})
	if _, err := DCorTraces(nanOnly, DCorTracesOptions{}); err == nil || !strings.Contains(err.Error(), "no finite values") {
		t.Errorf("NaN-only series: %v", err)
	}
}

func TestLossTermSeries(t *testing.T) {
	for name, want := range map[string]bool{"dcor/hog": true, "image+std 1 dcor/hog": true, "dcor_diag/hog": false,
		"image+std 1 dcor_diag/hog": false, "pdcor/hog": false, "run: pdcor/hog": false} {
		if got := lossTermSeries(name); got != want {
			t.Errorf("lossTermSeries(%q) = %v, want %v", name, got, want)
		}
	}
}
