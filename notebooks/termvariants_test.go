package notebooks

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

func TestTermVariantsSwitchTermsOff(t *testing.T) {
	byName := map[string]mvmr.LossConfig{}
	for _, v := range TermVariants() {
		c := mvmr.DefaultLossConfig()
		v.Apply(&c)
		byName[v.Name] = c
	}
	if c := byName["mse only"]; c.MSEWeight != 1 || c.StdWeight != 0 || c.DCorZZWeight != 0 || len(c.Representations) != 0 {
		t.Errorf("mse only: %+v", c)
	}
	if c := byName["L1 + L2"]; c.StdWeight != 1 || c.DCorZZWeight != 1 || len(c.Representations) != 0 {
		t.Errorf("L1 + L2: %+v", c)
	}
	if c := byName["full without std"]; c.StdWeight != 0 || c.DCorZZWeight != 1 || len(c.Representations) != 2 {
		t.Errorf("full without std: %+v", c)
	}
	if c := mvmr.DefaultLossConfig(); len(c.Representations) != 2 {
		t.Errorf("Apply changed the defaults: %+v", c)
	}
}

func TestRunVariantMeasuresAndRoundTrips(t *testing.T) {
	if testing.Short() {
		t.Skip("trains an encoder; skipped with -short")
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		t.Fatal(err)
	}
	train, test = train.Subset(512), test.Subset(300)
	s := Settings{Steps: 4, Batch: 16, Reps: []string{"image"}, Seeds: 1, ProbeTrain: 256, Dir: t.TempDir()}
	r, err := RunVariantTraced(TermVariants()[4], s, 3, train, test, []string{"image", "hog"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Step != 4 || r.TrainSeed != 3 || r.Run != "full without std" {
		t.Errorf("result %s seed %d steps %d", r.Run, r.TrainSeed, r.Step)
	}
	// Every loss term is logged, switched off or not, with the monitors' series at every step
	// (MonitorChecks > steps: the monitors run each step) and before training (the first row,
	// history.InitialStep, where the loss terms have no value).
	if steps := r.History.Steps(); !slices.Equal(steps, []int64{history.InitialStep, 0, 1, 2, 3}) {
		t.Errorf("history steps %v; want the record before training and 0-3", steps)
	}
	for _, name := range []string{mvmr.TermStd, "dcor/image", mvmr.HistoryZRankMe, mvmr.HistoryDCorDiagPrefix + "hog"} {
		values := r.History.Series(name)
		monitor := name == mvmr.HistoryZRankMe || strings.HasPrefix(name, mvmr.HistoryDCorDiagPrefix)
		if len(values) != 5 || slices.ContainsFunc(values[1:], math.IsNaN) || math.IsNaN(values[0]) == monitor {
			t.Errorf("history %s: %v; want 4 values, and one before training for a monitor", name, values)
		}
	}
	if !(r.Top1 > 0.1) || r.Top1 > 1 || r.Protocol != mvmr.ProtocolLinear || r.Dim() == 0 {
		t.Errorf("probe top-1 %.3f, protocol %q, dim %d", r.Top1, r.Protocol, r.Dim())
	}
	path := filepath.Join(s.Dir, "variants.json")
	if err := SaveResults(path, []VariantResult{r}); err != nil {
		t.Fatal(err)
	}
	back, err := LoadResults(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 1 || back[0].Top1 != r.Top1 || back[0].History.Len() != 5 || back[0].Step != 4 || back[0].TrainSeed != 3 {
		t.Errorf("results changed in a round trip: %+v", back)
	}
	// A loss that turns non-finite stops the run, which is still probed and reported.
	blowUp := TermVariant{"infinite weight", func(c *mvmr.LossConfig) { c.MSEWeight = math.Inf(1) }}
	stopped, err := RunVariant(blowUp, s, 1, train, test, nil)
	if err != nil {
		t.Fatalf("a non-finite loss should stop the run, not fail it: %v", err)
	}
	if !strings.Contains(stopped.Stopped, "not finite") || stopped.Step != 0 || !(stopped.Top1 > 0) {
		t.Errorf("stopped run: %q after %d steps, probe %.3f", stopped.Stopped, stopped.Step, stopped.Top1)
	}
	if _, err := LoadResults(filepath.Join(s.Dir, "missing.json")); err == nil {
		t.Error("LoadResults of a missing file: no error")
	}
}

func TestMergeSeries(t *testing.T) {
	a, b := history.New(), history.New()
	_ = a.Append(0, map[string]float64{"x": 1, "y": 10})
	_ = a.Append(1, map[string]float64{"x": math.NaN(), "y": 11})
	_ = a.Append(2, map[string]float64{"x": 3, "y": 12})
	_ = b.Append(1, map[string]float64{"x": 5})
	_ = b.Append(4, map[string]float64{"x": 6})
	h := MergeSeries([]VariantResult{{Run: "a", History: a}, {Run: "b", History: b}, {Run: "empty"}}, "x")
	if !slices.Equal(h.Names(), []string{"a: x", "b: x", "empty: x"}) || !slices.Equal(h.Steps(), []int64{0, 1, 2, 4}) {
		t.Fatalf("names %v steps %v", h.Names(), h.Steps())
	}
	ax, bx := h.Series("a: x"), h.Series("b: x")
	if ax[0] != 1 || !math.IsNaN(ax[1]) || ax[2] != 3 || !math.IsNaN(ax[3]) || !math.IsNaN(bx[0]) || bx[1] != 5 || bx[3] != 6 {
		t.Errorf("a: x = %v, b: x = %v", ax, bx)
	}
}

// TestLoadResultsOfTodaysCode loads a variants.json written before VariantResult became a
// runs.Row (commit de19f61): the notebooks' later cells read it as before.
func TestLoadResultsOfTodaysCode(t *testing.T) {
	results, err := LoadResults(filepath.Join("..", "runs", "testdata", "legacy", "variants_de19f61.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || results[0].Run != "L1 + L2" || results[0].Top1 != 0.65625 || results[0].History.Len() != 4 {
		t.Fatalf("results %+v", results)
	}
	if s := Summarize(results); len(s) != 2 || s[1].Mean != 68.75 {
		t.Errorf("summaries %+v", s)
	}
	var buf bytes.Buffer
	if err := WriteResultsCSV(&buf, results); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(filepath.Join("..", "runs", "testdata", "legacy", "results_de19f61.csv"))
	if err != nil || buf.String() != string(old) {
		t.Errorf("results.csv from the old variants.json:\n%s\nthe old code wrote:\n%s (%v)", buf.String(), old, err)
	}
}
