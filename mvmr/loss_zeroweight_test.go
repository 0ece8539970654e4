package mvmr

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// nanRepresentation is a graph representation whose features are all NaN: its dCor term is NaN
// on every batch, as a logged-only representation's can be on a degenerate batch.
type nanRepresentation struct{}

func (nanRepresentation) Name() string { return "test_nan" }

func (nanRepresentation) Shape(height, width, channels int) ([]int, error) {
	return []int{channels, height, width}, nil
}

func (nanRepresentation) Features(images *Node) *Node {
	return MulScalar(Reshape(images, images.Shape().Dim(0), -1), math.NaN())
}

// registerForTest adds a representation to reps.Known for the duration of one test (the
// package's tests do not run in parallel), as a program adds its own.
func registerForTest(t *testing.T, rep reps.Representation) {
	t.Helper()
	reps.Known[rep.Name()] = reps.Entry{New: func(string, reps.Params) (reps.Representation, error) { return rep, nil }}
	t.Cleanup(func() { delete(reps.Known, rep.Name()) })
}

func TestZeroWeightNonFiniteTermIsLoggedOnly(t *testing.T) {
	registerForTest(t, nanRepresentation{})
	train, _ := testutil.MNIST(t, 512, 0)
	const steps = 3
	base := tinyConfig(8)
	withNaN := base
	withNaN.Loss.Representations = append(slices.Clone(base.Loss.Representations), RepresentationTerm{Name: "test_nan", Weight: 0, Mode: ModeMaximize})

	plain := newTestTrainer(t, base, train)
	if err := plain.Train(steps); err != nil {
		t.Fatal(err)
	}
	logged := newTestTrainer(t, withNaN, train)
	if err := logged.Train(steps); err != nil {
		t.Fatalf("a NaN term of weight 0 stopped training: %v", err)
	}
	if logged.Step() != steps {
		t.Fatalf("step counter %d after %d steps: steps were not applied", logged.Step(), steps)
	}
	// The term is out of the total and its gradient: the weights are exactly those of the run
	// without it.
	want, got := snapshotVariables(t, plain), snapshotVariables(t, logged)
	if len(want) == 0 {
		t.Fatal("no variables")
	}
	for path, w := range want {
		if !slices.Equal(w, got[path]) {
			t.Errorf("variable %s differs from the run without the weight-0 term", path)
		}
	}
	h := logged.History()
	for _, v := range h.Series("dcor/test_nan") {
		if !math.IsNaN(v) {
			t.Fatalf("dcor/test_nan = %v; want NaN recorded as it is", h.Series("dcor/test_nan"))
		}
	}
	for _, name := range plain.History().Names() {
		if a, b := plain.History().Series(name), h.Series(name); !slices.Equal(a, b) {
			t.Errorf("%s = %v; without the weight-0 term %v", name, b, a)
		}
	}

	// History's writers take the NaN: an empty CSV cell, and a checkpoint (JSON null) that
	// reloads it as NaN.
	var buf bytes.Buffer
	if err := h.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "dcor/test_nan")
	if col < 0 || len(rows) != steps+1 || rows[1][col] != "" || rows[1][slices.Index(rows[0], TermTotal)] == "" {
		t.Errorf("history CSV %q; want an empty dcor/test_nan cell and a total on each row", rows)
	}
	path := filepath.Join(t.TempDir(), "ckpt.mvmr")
	if err := logged.Save(path); err != nil {
		t.Fatalf("saving a history holding NaN: %v", err)
	}
	resumed, err := LoadTrainerWithBackend(testBackend(t), path, train)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(resumed.Close)
	if s := resumed.History().Series("dcor/test_nan"); len(s) != steps || !math.IsNaN(s[0]) {
		t.Errorf("reloaded dcor/test_nan = %v; want %d NaN", s, steps)
	}
	if err := resumed.Train(1); err != nil {
		t.Errorf("resumed run with the weight-0 NaN term: %v", err)
	}

	// With a non-zero weight the same term stops training, naming it, without applying the step.
	weighted := withNaN
	weighted.Loss.Representations = slices.Clone(withNaN.Loss.Representations)
	weighted.Loss.Representations[len(weighted.Loss.Representations)-1].Weight = 0.5
	stopped := newTestTrainer(t, weighted, train)
	err = stopped.Train(steps)
	var nonFinite *NonFiniteLossError
	if !errors.As(err, &nonFinite) {
		t.Fatalf("weight 0.5: error %v; want a NonFiniteLossError", err)
	}
	if _, ok := nonFinite.Terms["dcor/test_nan"]; !ok || nonFinite.Step != 0 || !strings.Contains(err.Error(), "dcor/test_nan") {
		t.Errorf("error %q (terms %v, step %d); want it to name dcor/test_nan at step 0", err, nonFinite.Terms, nonFinite.Step)
	}
	if stopped.Step() != 0 || stopped.History().Len() != 0 {
		t.Errorf("the non-finite step was applied: step counter %d, %d history rows", stopped.Step(), stopped.History().Len())
	}
}

func TestEveryWeightZeroTotalIsZero(t *testing.T) {
	config := DefaultLossConfig()
	config.MSEWeight, config.StdWeight, config.DCorZZWeight = 0, 0, 0
	config.Representations = []RepresentationTerm{{Name: "image", Weight: 0, Mode: ModeMaximize}}
	loss, err := NewLoss(config)
	if err != nil {
		t.Fatal(err)
	}
	if w := loss.Weights(); !slices.Equal(w, []float64{0, 0, 0, 0, 1}) {
		t.Errorf("Weights() = %v; want [0 0 0 0 1]", w)
	}
	const n = 8
	images := make([]float32, n*4*4)
	z := make([]float32, n*4)
	for i := range images {
		images[i] = float32(i%7) - 3
	}
	for i := range z {
		z[i] = float32(i%5) * 0.3
	}
	values := testutil.Flat64(t, testutil.Call1(t, testBackend(t), func(in []*Node) *Node {
		views := reps.Views{Original: Reshape(in[0], n, 4, 4, 1), Augmented: Reshape(in[0], n, 4, 4, 1)}
		zs := Reshape(in[1], n, 4)
		c := loss.Components(views, zs, MulScalar(zs, 2))
		return Stack(append(c, ConvertDType(loss.FiniteInTotal(c), c[0].DType())), 0)
	}, images, z))
	if values[4] != 0 || values[5] != 1 {
		t.Errorf("total %v, finite %v; want 0 and true with every weight 0 (terms %v)", values[4], values[5], values[:4])
	}
}

func TestTrainerWithEveryWeightZeroLeavesWeights(t *testing.T) {
	train, _ := testutil.MNIST(t, 256, 0)
	config := tinyConfig(4)
	config.Optimizer.WeightDecay = 0 // decay alone would move the weights
	config.Loss.MSEWeight, config.Loss.StdWeight, config.Loss.DCorZZWeight = 0, 0, 0
	for i := range config.Loss.Representations {
		config.Loss.Representations[i].Weight = 0
	}
	tr := newTestTrainer(t, config, train)
	if err := tr.Train(1); err != nil {
		t.Fatal(err)
	}
	before := snapshotVariables(t, tr)
	if err := tr.Train(2); err != nil {
		t.Fatal(err)
	}
	after := snapshotVariables(t, tr)
	for path, v := range before {
		if !strings.Contains(path, "running_") && !slices.Equal(v, after[path]) {
			t.Errorf("%s changed with a total of 0", path)
		}
	}
	if total := tr.History().Series(TermTotal); !slices.Equal(total, []float64{0, 0, 0}) {
		t.Errorf("total = %v; want 0 at every step", total)
	}
}
