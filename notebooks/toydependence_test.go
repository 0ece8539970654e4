package notebooks

import (
	"math"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// dcorReference is the sample distance correlation of Székely et al. (2007) in float64,
// written out from the definition: double-centred distance matrices A and B,
// dCov² = mean(A∘B), dCor² = dCov²(x,y) / sqrt(dCov²(x,x) dCov²(y,y)), with the loss's
// clamp of squared distances at mvmr.DistanceClamp.
func dcorReference(x, y []float64) float64 {
	n := len(x)
	centred := func(v []float64) [][]float64 {
		d := make([][]float64, n)
		rows := make([]float64, n)
		var all float64
		for i := range n {
			d[i] = make([]float64, n)
			for j := range n {
				d[i][j] = math.Sqrt(max((v[i]-v[j])*(v[i]-v[j]), mvmr.DistanceClamp))
				rows[i] += d[i][j] / float64(n)
				all += d[i][j] / float64(n*n)
			}
		}
		for i := range n {
			for j := range n {
				d[i][j] += all - rows[i] - rows[j]
			}
		}
		return d
	}
	a, b := centred(x), centred(y)
	var ab, aa, bb float64
	for i := range n {
		for j := range n {
			ab += a[i][j] * b[i][j]
			aa += a[i][j] * a[i][j]
			bb += b[i][j] * b[i][j]
		}
	}
	return math.Sqrt(ab / math.Sqrt(aa*bb))
}

func TestToyPairsPearsonFailsDCorDoesNot(t *testing.T) {
	backend, err := mvmr.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	pairs := ToyPairs(300, 1)
	if err := Measure(backend, pairs); err != nil {
		t.Fatal(err)
	}
	byName := map[string]ToyPair{}
	for _, p := range pairs {
		byName[p.Name] = p
		if want := dcorReference(p.X, p.Y); math.Abs(p.DCor-want) > 1e-3 {
			t.Errorf("%s: dCor %.5f, float64 reference %.5f", p.Name, p.DCor, want)
		}
		t.Logf("%-12s Pearson %+.3f dCor %.3f", p.Name, p.Pearson, p.DCor)
	}
	if p := byName["line"]; p.Pearson < 0.95 || p.DCor < 0.9 {
		t.Errorf("line: Pearson %.3f, dCor %.3f; both should be near 1", p.Pearson, p.DCor)
	}
	for _, name := range []string{"parabola", "circle", "cross", "sine"} {
		if p := byName[name]; math.Abs(p.Pearson) > 0.15 || p.DCor < 0.2 {
			t.Errorf("%s: Pearson %.3f, dCor %.3f; want |Pearson| < 0.15 (blind) and dCor > 0.2", name, p.Pearson, p.DCor)
		}
	}
	if p := byName["independent"]; math.Abs(p.Pearson) > 0.15 || p.DCor > 0.15 {
		t.Errorf("independent: Pearson %.3f, dCor %.3f; both should be near 0", p.Pearson, p.DCor)
	}
	if err := Measure(backend, []ToyPair{{Name: "bad", X: []float64{1, 2}, Y: []float64{1}}}); err == nil {
		t.Error("Measure accepted x and y of different lengths")
	}
}
