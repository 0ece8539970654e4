package plotting

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// syntheticLabelCurves are three feature sets' accuracies rising with the labels per class, three
// label draws each.
func syntheticLabelCurves() []LabelEfficiencyCurve {
	counts := []int{10, 20, 50, 100, 500}
	var curves []LabelEfficiencyCurve
	for i, name := range []string{"MV-MR encoder", "random encoder", "raw pixels"} {
		c := LabelEfficiencyCurve{Name: name, PerClass: counts}
		for _, n := range counts {
			base := 99 - float64(2+3*i)*math.Pow(float64(n), -0.4)*4
			c.Top1 = append(c.Top1, []float64{base - 0.6, base, base + 0.4*float64(3-i)})
		}
		curves = append(curves, c)
	}
	return curves
}

func ExampleLabelEfficiency() {
	p, err := LabelEfficiency(syntheticLabelCurves(), LabelEfficiencyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(p, "label_efficiency.png"))
	// Output:
	// label_efficiency.png
}

func TestLabelEfficiencyFigure(t *testing.T) {
	p, err := LabelEfficiency(syntheticLabelCurves(), LabelEfficiencyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := checkFigure(t, p, 0.02, 4, "MV-MR encoder", "random encoder", "raw pixels", "500",
		"labelled training images per class (log scale)", "test top-1 accuracy (%)")
	checkGolden(t, "label_efficiency", got)
	x := p.Plots[0][0].X
	ticks := x.Tick.Marker.Ticks(x.Min, x.Max)
	var labels []string
	for _, tk := range ticks {
		labels = append(labels, tk.Label)
	}
	if strings.Join(labels, " ") != "10 20 50 100 500" {
		t.Errorf("x ticks %q; want the label counts", labels)
	}
	if x.Min >= 10 || x.Max <= 500 {
		t.Errorf("x axis %g..%g; want room around 10..500", x.Min, x.Max)
	}
}

func TestLabelEfficiencyRefusesBadCurves(t *testing.T) {
	for name, curves := range map[string][]LabelEfficiencyCurve{
		"no curve":       nil,
		"lengths differ": {{Name: "a", PerClass: []int{10, 20}, Top1: [][]float64{{90}}}},
		"empty":          {{Name: "a"}},
		"no draws":       {{Name: "a", PerClass: []int{10}, Top1: [][]float64{{}}}},
		"zero count":     {{Name: "a", PerClass: []int{0}, Top1: [][]float64{{90}}}},
		"NaN accuracy":   {{Name: "a", PerClass: []int{10}, Top1: [][]float64{{math.NaN()}}}},
	} {
		if _, err := LabelEfficiency(curves, LabelEfficiencyOptions{}); err == nil || !strings.Contains(err.Error(), "LabelEfficiency") {
			t.Errorf("%s: error %v; want one naming LabelEfficiency", name, err)
		}
	}
}
