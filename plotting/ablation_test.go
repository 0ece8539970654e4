package plotting

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// ablationResults mimics a sweep over representation subsets with three seeds each.
func ablationResults() []AblationResult {
	rng := rand.New(rand.NewPCG(3, 4))
	means := map[string]float64{
		"none": 0.952, "image": 0.961, "std": 0.957, "hog": 0.968, "lbp": 0.963,
		"scattering": 0.972, "image+std": 0.965, "all": 0.978, "all (L3 sign −)": 0.949,
	}
	var out []AblationResult
	for _, name := range []string{"none", "image", "std", "hog", "lbp", "scattering", "image+std", "all", "all (L3 sign −)"} {
		r := AblationResult{Name: name}
		for range 3 {
			r.Score = append(r.Score, means[name]+0.003*rng.NormFloat64())
		}
		out = append(out, r)
	}
	return out
}

func ExampleAblation() {
	p, err := Ablation(ablationResults(), AblationOptions{Baseline: "none", Percent: true, Metric: "linear-probe accuracy"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(p, "ablation.png"))
	// Output: ablation.png
}

func TestAblationFigure(t *testing.T) {
	results := ablationResults()
	p, err := Ablation(results, AblationOptions{Baseline: "none", Percent: true})
	if err != nil {
		t.Fatal(err)
	}
	none := results[0].Score
	names := []string{"Ablation", fmt.Sprintf("baseline: none (%.2f%%)", 100*(none[0]+none[1]+none[2])/3)}
	for _, r := range results {
		names = append(names, r.Name)
	}
	png := checkFigure(t, p, 0.03, 4, append(names, "95%", "97%")...)
	checkGolden(t, "ablation", png)

	// Sorted: the tick labels run from the worst mean (bottom, value 0) to the best (top).
	ticks := p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max)
	var order []string
	for _, tk := range ticks {
		if tk.Label != "" {
			order = append(order, tk.Label)
		}
	}
	if len(order) != len(results) || order[0] != "all (L3 sign −)" || order[len(order)-1] != "all" {
		t.Errorf("axis order %v; want worst (all (L3 sign −)) first and best (all) last", order)
	}
	// Unsorted keeps the given order, top to bottom.
	p, err = Ablation(results, AblationOptions{Unsorted: true, Spread: SpreadStd, BaselineLabel: "raw pixels", BaselineValue: 0.927})
	if err != nil {
		t.Fatal(err)
	}
	checkFigure(t, p, 0.03, 4, "baseline: raw pixels (0.927)", "none", "all")
	var unsorted []string
	for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if tk.Label != "" {
			unsorted = append(unsorted, tk.Label)
		}
	}
	if len(unsorted) != len(results) || unsorted[len(unsorted)-1] != "none" || unsorted[0] != "all (L3 sign −)" {
		t.Errorf("unsorted axis %v (bottom to top); want the first result, none, on top", unsorted)
	}
	// The value labels carry the mean and the spread: mean of {0.9, 0.91, 0.95} and its std.
	p, err = Ablation([]AblationResult{{"a", []float64{0.9, 0.91, 0.95}}, {"b", []float64{0.5}}}, AblationOptions{Spread: SpreadStd})
	if err != nil {
		t.Fatal(err)
	}
	mean := (0.9 + 0.91 + 0.95) / 3
	std := math.Sqrt(((0.9-mean)*(0.9-mean) + (0.91-mean)*(0.91-mean) + (0.95-mean)*(0.95-mean)) / 2)
	checkFigure(t, p, 0.01, 2, fmt.Sprintf("%.4g ± %.2g  n=3", mean, std), "0.5  n=1")
	p, err = Ablation([]AblationResult{{"a", []float64{0.9, 0.91, 0.95}}}, AblationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkFigure(t, p, 0.01, 2, fmt.Sprintf("%.4g [0.9, 0.95]  n=3", mean))
}

func TestAblationBadInput(t *testing.T) {
	for _, c := range []struct {
		name    string
		results []AblationResult
		opts    AblationOptions
		want    string
	}{
		{"empty", nil, AblationOptions{}, "no results"},
		{"no scores", []AblationResult{{"a", nil}}, AblationOptions{}, `"a" has no scores`},
		{"NaN", []AblationResult{{"a", []float64{0.9, math.NaN()}}}, AblationOptions{}, `"a", seed 1: score NaN`},
		{"duplicate", []AblationResult{{"a", []float64{1}}, {"a", []float64{1}}}, AblationOptions{}, `two results are named "a"`},
		{"unnamed", []AblationResult{{"", []float64{1}}}, AblationOptions{}, "result 0 has no name"},
		{"unknown baseline", []AblationResult{{"a", []float64{1}}}, AblationOptions{Baseline: "none"}, `baseline "none" is not among the results (a)`},
		{"NaN baseline", []AblationResult{{"a", []float64{1}}}, AblationOptions{BaselineLabel: "px", BaselineValue: math.Inf(1)}, `baseline "px" has value +Inf`},
	} {
		p, err := Ablation(c.results, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
		if p != nil {
			t.Errorf("%s: got a plot with the error", c.name)
		}
	}
}
