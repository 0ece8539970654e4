package plotting

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// syntheticCurves are two frameworks' linear and kNN accuracies rising over four minutes.
func syntheticCurves() []AccuracyCurve {
	var curves []AccuracyCurve
	for g, framework := range []string{"kit (Go)", "PyTorch"} {
		for p, probe := range []string{"linear probe", "kNN k=20"} {
			c := AccuracyCurve{Name: framework + ", " + probe, Group: g, Probe: p}
			for i := range 6 {
				s := float64(i) * 48 * (1 + 0.3*float64(g))
				c.Seconds = append(c.Seconds, s)
				c.Accuracy = append(c.Accuracy, 0.97-0.01*float64(p)+0.02*(1-math.Exp(-s/60)))
			}
			curves = append(curves, c)
		}
	}
	return curves
}

func ExampleAccuracyCurves() {
	p, err := AccuracyCurves(syntheticCurves(), AccuracyCurvesOptions{Title: "MV-MR quickstart on MNIST, 2 CPU threads"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(p, "accuracy_curves.png"))
	// Output:
	// accuracy_curves.png
}

func TestAccuracyCurvesFigure(t *testing.T) {
	p, err := AccuracyCurves(syntheticCurves(), AccuracyCurvesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := checkFigure(t, p, 0.02, 4, "kit (Go), linear probe", "PyTorch, kNN k=20",
		"training wall clock (minutes)", "test top-1 accuracy (%)")
	checkGolden(t, "accuracy_curves", got)
	if p.Y.Min < 95 || p.Y.Min > 96 || p.Y.Max > 100 {
		t.Errorf("accuracy axis %g..%g; want it fitted to the curves (96-99 %%) with a margin", p.Y.Min, p.Y.Max)
	}
}

func TestAccuracyCurvesRefusesBadCurves(t *testing.T) {
	for name, curves := range map[string][]AccuracyCurve{
		"no curve":       nil,
		"lengths differ": {{Name: "a", Seconds: []float64{0, 1}, Accuracy: []float64{0.5}}},
		"empty":          {{Name: "a"}},
		"NaN accuracy":   {{Name: "a", Seconds: []float64{0}, Accuracy: []float64{math.NaN()}}},
		"negative time":  {{Name: "a", Seconds: []float64{-1}, Accuracy: []float64{0.5}}},
	} {
		if _, err := AccuracyCurves(curves, AccuracyCurvesOptions{}); err == nil || !strings.Contains(err.Error(), "AccuracyCurves") {
			t.Errorf("%s: error %v; want one naming AccuracyCurves", name, err)
		}
	}
}
