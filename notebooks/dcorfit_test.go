package notebooks

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/dcorstat"
)

func TestFitByDCorReachesASimilarityTransform(t *testing.T) {
	backend, err := mvmr.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	const n = 100
	x := ToyShape(n, 1)
	steps, err := FitByDCor(backend, x, DCorFitOptions{Steps: 300, LR: 0.05, Keep: []int{0, 10, 50}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 4 || steps[0].Step != 0 || steps[3].Step != 300 {
		t.Fatalf("kept steps %v; want 0, 10, 50, 300", stepNumbers(steps))
	}
	first, last := steps[0], steps[len(steps)-1]
	xs := dcorstat.Sample{N: n, D: 2, Data: x}
	d0, err := dcorstat.DCor(xs, dcorstat.Sample{N: n, D: 2, Data: first.Y})
	if err != nil {
		t.Fatal(err)
	}
	d1, err := dcorstat.DCor(xs, dcorstat.Sample{N: n, D: 2, Data: last.Y})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		t.Logf("step %3d: dCor (loss graph) %.5f", s.Step, s.DCor)
	}
	t.Logf("float64 reference: dCor %.4f at the start, %.5f at the end", d0, d1)
	// The loss graph floors squared distances at mvmr.DistanceClamp, the diagonal's included:
	// against exact distances that moves dCor by about 2e-3 for these points.
	if math.Abs(first.DCor-d0) > 5e-3 || math.Abs(last.DCor-d1) > 5e-3 {
		t.Errorf("loss graph's dCor %.5f / %.5f, float64 reference %.5f / %.5f", first.DCor, last.DCor, d0, d1)
	}
	if d0 > 0.5 || d1 < 0.99 {
		t.Errorf("dCor %.4f → %.4f; want a start below 0.5 (independent points) and an end above 0.99", d0, d1)
	}
	start, err := FitSimilarity(x, first.Y, 2)
	if err != nil {
		t.Fatal(err)
	}
	end, err := FitSimilarity(x, last.Y, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Procrustes residual %.4f at the start, %.4f at the end (scale %.3f)", start.Residual, end.Residual, end.Scale)
	if start.Residual < 0.8 || end.Residual > 0.01 {
		t.Errorf("Procrustes residual %.4f → %.4f; want above 0.8 at the start and below 0.01 at the end", start.Residual, end.Residual)
	}
	var out bytes.Buffer
	if err := WriteDCorFit(&out, x, steps); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", out.String())
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 6 || !strings.HasPrefix(strings.TrimSpace(lines[4]), "300 ") ||
		!strings.Contains(lines[5], "reading: after 300 steps dCor(x, y) = 1.00000 (exact) and y is x rotated") {
		t.Errorf("WriteDCorFit printed %d lines; want a header, 4 steps (the last 300) and a reading that y is a rotated copy of x:\n%s", len(lines), out.String())
	}
	fig, err := DCorFitFigure(x, steps, "toy")
	if err != nil {
		t.Fatal(err)
	}
	if len(fig.Plots[0]) != 5 {
		t.Errorf("figure of %d panels; want x and 4 steps", len(fig.Plots[0]))
	}
	if _, err := FitByDCor(backend, x[:3], DCorFitOptions{Steps: 1, LR: 0.1}); err == nil {
		t.Error("FitByDCor accepted an odd number of coordinates")
	}
	if _, err := FitByDCor(backend, x, DCorFitOptions{Steps: 0, LR: 0.1}); err == nil {
		t.Error("FitByDCor accepted 0 steps")
	}
}

func stepNumbers(steps []CloudStep) []int {
	var out []int
	for _, s := range steps {
		out = append(out, s.Step)
	}
	return out
}
