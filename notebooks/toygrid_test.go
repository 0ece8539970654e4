package notebooks

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

func TestToyGridNoiseHidesDependence(t *testing.T) {
	backend, err := mvmr.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	noises := []float64{0, 0.3, 1}
	g, err := MeasureToyGrid(backend, 300, noises, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Pairs) != len(ToyRelations) || len(g.Pairs[0]) != len(noises) {
		t.Fatalf("grid of %d × %d; want %d relations × %d noise levels", len(g.Pairs), len(g.Pairs[0]), len(ToyRelations), len(noises))
	}
	for i, row := range g.Pairs {
		for j, p := range row {
			if p.Name != ToyRelations[i].Name {
				t.Errorf("cell (%d, %d) is %s; want %s", i, j, p.Name, ToyRelations[i].Name)
			}
			if want := dcorReference(p.X, p.Y); abs64(p.DCor-want) > 1e-3 {
				t.Errorf("%s at σ %.1f: dCor %.5f, float64 reference %.5f", p.Name, noises[j], p.DCor, want)
			}
		}
		// Noise on y weakens every real dependence: dCor falls from σ = 0 to σ = 1.
		if row[0].Name != "independent" && row[2].DCor >= row[0].DCor {
			t.Errorf("%s: dCor %.3f without noise, %.3f at σ = 1; want it to fall", row[0].Name, row[0].DCor, row[2].DCor)
		}
	}
	if line := g.Pairs[0]; line[0].DCor < 0.999 {
		t.Errorf("noiseless line: dCor %.4f; want 1 (y = x is a similarity transform)", line[0].DCor)
	}
	var out bytes.Buffer
	if err := g.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"parabola", "1.00: r, dCor"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := g.Figure("grid"); err != nil {
		t.Error(err)
	}
	if _, err := MeasureToyGrid(backend, 300, nil, 1); err == nil {
		t.Error("MeasureToyGrid accepted no noise levels")
	}
	if _, err := ToyPairOf("spiral", 10, 0.1, 1); err == nil || !strings.Contains(err.Error(), "parabola") {
		t.Errorf("unknown relation: %v; want an error listing the relations", err)
	}
}

func abs64(x float64) float64 { return max(x, -x) }
