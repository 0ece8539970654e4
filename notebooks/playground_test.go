package notebooks

import (
	"bytes"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func TestPlaygroundSampleMatchesTheSliders(t *testing.T) {
	// Menu entry 1 (parabola), noise slider 5 (σ = 0.10), n slider 10 (200 points).
	p, err := playgroundSample(1, 5, 10)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "parabola" || len(p.X) != 200 {
		t.Errorf("sample %s of %d points; want parabola of 200", p.Name, len(p.X))
	}
	want, err := ToyPairOf("parabola", 200, 0.10, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Y[7] != want.Y[7] {
		t.Errorf("y[7] = %v; want %v (the same draw as ToyPairOf)", p.Y[7], want.Y[7])
	}
	// Exact dCor against the written-out reference (whose clamp moves it by far less than 1e-3 here).
	if ref := dcorReference(p.X, p.Y); abs64(p.DCor-ref) > 1e-3 {
		t.Errorf("dCor %.5f, float64 reference %.5f", p.DCor, ref)
	}
	if r := stat.Correlation(p.X, p.Y, nil); p.Pearson != r {
		t.Errorf("Pearson %v; want %v", p.Pearson, r)
	}
	if png, err := playgroundPNG(p, 5); err != nil || len(png) < 1000 {
		t.Fatalf("figure: %d bytes, %v", len(png), err)
	}
	if _, err := playgroundSample(len(ToyRelations), 0, 1); err == nil {
		t.Error("playgroundSample accepted a relation past the menu")
	}
	// Under the kit's runner, and outside a notebook, the playground says so and returns at once.
	t.Setenv(HeadlessEnv, "1")
	var headless bytes.Buffer
	if live, err := Playground(&headless, PlaygroundOptions{}); err != nil || live || !strings.Contains(headless.String(), "executed headless") {
		t.Errorf("headless: live %v, err %v, output %q", live, err, headless.String())
	}
	t.Setenv(HeadlessEnv, "")
	var out bytes.Buffer
	live, err := Playground(&out, PlaygroundOptions{})
	if err != nil || live || !strings.Contains(out.String(), "not running in a GoNB notebook") {
		t.Errorf("outside a notebook: live %v, err %v, output %q", live, err, out.String())
	}
}
