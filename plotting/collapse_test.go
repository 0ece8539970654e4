package plotting

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// collapseHistory mimics the collapse monitors of two runs' embeddings: z keeps its spread
// (healthy), h collapses after step 150 (its min std falls to 0 and its rank drops). The names
// are those of mvmr's collapse monitor.
func collapseHistory(steps int) *history.History {
	rng := rand.New(rand.NewPCG(7, 8))
	h := history.New()
	names := []string{"collapse/z_std_min", "collapse/z_std_mean", "collapse/z_below_margin", "collapse/z_rankme", "collapse/h_std_min", "collapse/h_std_mean", "collapse/h_rankme", "mse"}
	for s := range steps {
		fall := 1 / (1 + math.Exp(float64(s-150)/15))
		h.AppendOrdered(int64(s)-1, names, []float64{ // from the record before training, history.InitialStep
			0.8 + 0.02*rng.NormFloat64(), 1.1 + 0.02*rng.NormFloat64(), 0.3 + 0.02*rng.NormFloat64(), 180 + 3*rng.NormFloat64(),
			0.6 * fall, 0.2 + 0.8*fall, 10 + 150*fall,
			0.1,
		})
	}
	return h
}

func ExampleCollapse() {
	fig, err := Collapse(collapseHistory(300), CollapseOptions{Margin: 1, Dim: 256})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(fig, "collapse.png"))
	// Output: collapse.png
}

func TestCollapseFigure(t *testing.T) {
	h := collapseHistory(300)
	fig, err := Collapse(h, CollapseOptions{Margin: 1, Dim: 256})
	if err != nil {
		t.Fatal(err)
	}
	if len(fig.Plots) != 3 {
		t.Fatalf("%d panels; want std, rank and below-margin", len(fig.Plots))
	}
	png := checkFigure(t, fig, 0.01, 4, "Collapse monitors", "per-dimension std", "effective rank", "step",
		"z (embedding), min std", "z (embedding), mean std", "h (encoder features), min std", "h (encoder features), mean std", "dims below margin", "100%", "margin γ = 1", "dimension = 256")
	checkGolden(t, "collapse", png)
	svg, _ := Render(fig, FormatSVG)
	if strings.Contains(string(svg), ">mse<") || strings.Contains(string(svg), "collapse/") {
		t.Error("a loss term is drawn as a collapse monitor, or an internal series name is in the legend")
	}
	// The panels share the step range, and the rank axis reaches the dimension line.
	upper, lower := fig.Plots[0][0], fig.Plots[1][0]
	if upper.X.Min != lower.X.Min || upper.X.Max != lower.X.Max || lower.X.Max != 299 {
		t.Errorf("step axes [%v, %v] and [%v, %v]; want both [0, 299]", upper.X.Min, upper.X.Max, lower.X.Min, lower.X.Max)
	}
	if lower.Y.Max < 256 {
		t.Errorf("rank axis ends at %v, below the dimension line 256", lower.Y.Max)
	}
	// Only std series: one panel; a log std axis.
	fig, err = Collapse(h, CollapseOptions{Std: []string{"collapse/z_std_min"}, Rank: []string{}, Below: []string{}, LogStd: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(fig.Plots) != 1 {
		t.Errorf("%d panels for std alone; want 1", len(fig.Plots))
	}
	checkFigure(t, fig, 0.005, 2, "z (embedding)")
	// A log axis pins a fully collapsed std (0) a decade below the smallest positive value, and
	// a series never logged (NaN) is left out of the legend.
	dead := history.New()
	for s := range 50 {
		dead.Append(int64(s), map[string]float64{"a: z_std_min": 0, "b: z_std_min": 0.5 + 0.01*float64(s), "c: z_std_min": math.NaN()})
	}
	fig, err = Collapse(dead, CollapseOptions{LogStd: true})
	if err != nil {
		t.Fatal(err)
	}
	if p := fig.Plots[0][0]; math.Abs(p.Y.Min-0.05) > 1e-12 {
		t.Errorf("log std axis starts at %v; want 0.05, a decade below the smallest std 0.5", p.Y.Min)
	}
	svg, _ = Render(fig, FormatSVG)
	if !strings.Contains(string(svg), ">a<") || !strings.Contains(string(svg), ">b<") || strings.Contains(string(svg), ">c<") {
		t.Error("the collapsed series is missing or the unlogged one is in the legend")
	}
}

func TestCollapseBadInput(t *testing.T) {
	nan := history.New()
	nan.Append(0, map[string]float64{"z_std_min": math.NaN()})
	for _, c := range []struct {
		name string
		h    *history.History
		opts CollapseOptions
		want string
	}{
		{"nil", nil, CollapseOptions{}, "empty"},
		{"no monitors", syntheticHistory(10), CollapseOptions{}, "no std, rank or below-margin series"},
		{"unknown", collapseHistory(10), CollapseOptions{Rank: []string{"nope"}}, `no series "nope"`},
		{"NaN only", nan, CollapseOptions{}, `[z_std_min] have no finite values`},
	} {
		fig, err := Collapse(c.h, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
		if fig != nil {
			t.Errorf("%s: got a figure with the error", c.name)
		}
	}
}

func TestCollapseFamilyLabel(t *testing.T) {
	for key, want := range map[string]string{"z_": "z (embedding)", "h_": "h (encoder features)",
		"mse only: collapse/z_": "mse only", "all: image+std+hog: collapse/z_": "all: image+std+hog",
		"all: image+std+hog: collapse/h_": "all: image+std+hog: h"} {
		if got := familyLabel(key); got != want {
			t.Errorf("familyLabel(%q) = %q, want %q", key, got, want)
		}
	}
}
