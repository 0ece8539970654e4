package mvmr

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	"github.com/gomlx/compute/dtypes"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"

	"github.com/mvmr-ssl/mvmr-go/datasets"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// tinyConfig is a small but complete configuration for fast tests.
func tinyConfig(totalSteps int64) Config {
	c := DefaultConfig(totalSteps)
	c.BatchSize = 32
	c.Encoder = nn.EncoderConfig{Channels: []int{4, 8}, Strides: []int{2, 2}, Head: nn.HeadFlatten, Projector: "32-16"}
	c.Optimizer.WarmupSteps = 2
	return c
}

func newTestTrainer(t *testing.T, config Config, data *datasets.Dataset) *Trainer {
	t.Helper()
	tr, err := NewTrainerWithBackend(testBackend(t), config, data)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.Close)
	return tr
}

func historyEqual(t *testing.T, a, b *Trainer, tol float64) {
	t.Helper()
	ha, hb := a.History(), b.History()
	if !slices.Equal(ha.Steps(), hb.Steps()) || !slices.Equal(ha.Names(), hb.Names()) {
		t.Fatalf("histories differ in steps %v / %v or names %v / %v", ha.Steps(), hb.Steps(), ha.Names(), hb.Names())
	}
	for _, name := range ha.Names() {
		va, vb := ha.Series(name), hb.Series(name)
		for i := range va {
			if math.Abs(va[i]-vb[i]) > tol*(1+math.Abs(va[i])) {
				t.Fatalf("%s at step %d: %.9g vs %.9g", name, ha.Steps()[i], va[i], vb[i])
			}
		}
	}
}

func TestTrainContinuesAcrossCallsAndCheckpoints(t *testing.T) {
	train, _ := testutil.MNIST(t, 1024, 0)
	config := tinyConfig(12)

	whole := newTestTrainer(t, config, train)
	if err := whole.Train(12); err != nil {
		t.Fatal(err)
	}

	split := newTestTrainer(t, config, train)
	for _, n := range []int{3, 3} {
		if err := split.Train(n); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "run", "checkpoint.mvmr")
	if err := split.Save(path); err != nil {
		t.Fatal(err)
	}
	resumed, err := LoadTrainerWithBackend(testBackend(t), path, train)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(resumed.Close)
	if resumed.Step() != 6 || resumed.History().Len() != 6 {
		t.Fatalf("resumed at step %d with %d history rows, want 6 and 6", resumed.Step(), resumed.History().Len())
	}
	if err := resumed.Train(6); err != nil {
		t.Fatal(err)
	}
	// Same loss curve, same learning-rate schedule, whether trained in one call, in several, or
	// across a save and a load.
	historyEqual(t, whole, resumed, 0)
	lr := whole.History().Series(HistoryLearningRate)
	for i, v := range lr {
		if want := config.Optimizer.LearningRate(int64(i + 1)); math.Abs(v-want) > 1e-7 {
			t.Fatalf("lr at step %d = %g, want %g", i, v, want)
		}
	}
	total := whole.History().Series(TermTotal)
	if !(total[len(total)-1] < total[0]) {
		t.Errorf("total loss did not decrease over 12 steps: %v", total)
	}
	wantNames := []string{"mse", "std", "dcor_zz", "dcor/image", "dcor/std", "total", "lr"}
	if got := whole.History().Names(); !slices.Equal(got, wantNames) {
		t.Errorf("history names %v, want %v", got, wantNames)
	}
}

func TestCheckpointRejectsDamagedFiles(t *testing.T) {
	train, _ := testutil.MNIST(t, 256, 0)
	tr := newTestTrainer(t, tinyConfig(4), train)
	if err := tr.Train(1); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.mvmr")
	if err := tr.Save(path); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", raw[:len(raw)-100], "truncated or corrupt"},
		{"flipped byte", append(slices.Clone(raw[:len(raw)-1]), raw[len(raw)-1]^0xff), "data_sha256 mismatch"},
		{"header cut", raw[:40], "truncated"},
		{"not a checkpoint", []byte("hello, this is not a checkpoint at all"), "not an mvmr checkpoint"},
	} {
		bad := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
		os.WriteFile(bad, tc.data, 0o644)
		_, err := LoadTrainerWithBackend(testBackend(t), bad, train)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), bad) {
			t.Errorf("%s: LoadTrainer error = %v; want one naming %s and saying %q", tc.name, err, bad, tc.want)
		}
	}
	wrongShape := &datasets.Dataset{Name: "rgb", Height: 28, Width: 28, Channels: 3}
	if _, err := LoadTrainerWithBackend(testBackend(t), path, wrongShape); err == nil || !strings.Contains(err.Error(), "28x28x3") {
		t.Errorf("loading on 3-channel data: %v", err)
	}
}

func TestNonFiniteLossStopsWithoutApplyingTheStep(t *testing.T) {
	train, _ := testutil.MNIST(t, 512, 0)
	config := tinyConfig(50)
	config.Optimizer.LR = 1e30 // diverges within a few steps
	config.Optimizer.WarmupSteps = 0
	tr := newTestTrainer(t, config, train)
	var nonFinite *NonFiniteLossError
	var before map[string][]float32
	for step := range 20 {
		before = snapshotVariables(t, tr)
		err := tr.Train(1)
		if err == nil {
			continue
		}
		if !errors.As(err, &nonFinite) {
			t.Fatalf("step %d: error %v, want a NonFiniteLossError", step, err)
		}
		break
	}
	if nonFinite == nil {
		t.Fatal("the loss never became non-finite with lr = 1e30")
	}
	if !strings.Contains(nonFinite.Error(), "step") || len(nonFinite.Terms) == 0 {
		t.Errorf("error %q should name the step and the non-finite terms", nonFinite)
	}
	if tr.Step() != nonFinite.Step || int64(tr.History().Len()) != nonFinite.Step {
		t.Errorf("after the failed step %d: step counter %d, %d history rows", nonFinite.Step, tr.Step(), tr.History().Len())
	}
	after := snapshotVariables(t, tr)
	for path, values := range before {
		if !slices.Equal(values, after[path]) {
			t.Errorf("variable %s changed in the step that was not applied", path)
		}
	}
}

func snapshotVariables(t *testing.T, tr *Trainer) map[string][]float32 {
	out := map[string][]float32{}
	for v := range tr.Store().IterVariables() {
		if v.HasValue() && v.Shape().DType.String() == "Float32" {
			out[v.Path()] = testutil.Flat32(v)
		}
	}
	return out
}

func TestTrainWithEveryRepresentation(t *testing.T) {
	train, _ := testutil.MNIST(t, 512, 0)
	config := tinyConfig(4)
	config.Loss.Representations = nil
	names := reps.Known.Names() // every one but the teacher, which needs a file: teacher_test.go
	for _, name := range names {
		config.Loss.Representations = append(config.Loss.Representations, RepresentationTerm{Name: name, Weight: 0.5, Mode: ModeMaximize})
	}
	tr := newTestTrainer(t, config, train)
	if err := tr.Train(2); err != nil {
		t.Fatal(err)
	}
	h := tr.History()
	for _, name := range names {
		values := h.Series(history.DCorTerm(name))
		if len(values) != 2 || !(values[0] > 0 && values[0] < 1) {
			t.Errorf("%s: recorded %v; want two values of 1 − dCor in (0, 1)", name, values)
		}
	}
	// A fresh augmented view differs from the original: dcor/augmented ≠ dcor/image.
	if a, b := h.Series("dcor/augmented")[0], h.Series("dcor/image")[0]; a == b {
		t.Errorf("dcor/augmented = dcor/image = %g: the fresh view is not used", a)
	}
}

func TestNewTrainerRejectsRepresentationsThatDoNotFit(t *testing.T) {
	train, _ := testutil.MNIST(t, 256, 0)
	for _, term := range []RepresentationTerm{
		{Name: "aug_hog", Params: reps.Params{"pool": 40.0}, Weight: 1, Mode: ModeMaximize},
		{Name: "scatnet", Params: reps.Params{"J": 5.0}, Weight: 1, Mode: ModeMaximize},
	} {
		config := tinyConfig(4)
		config.Loss.Representations = append(config.Loss.Representations, term)
		_, err := NewTrainerWithBackend(testBackend(t), config, train)
		if err == nil || !strings.Contains(err.Error(), "loss.representations[2] ("+term.Name+")") {
			t.Errorf("%s %v on 28x28 images: error %v, want one naming the term", term.Name, term.Params, err)
		}
	}
}

func TestTrainerWithResNet8x4(t *testing.T) {
	train, _ := testutil.MNIST(t, 16, 0)
	config := tinyConfig(10)
	config.BatchSize = 8
	config.Encoder = nn.ResNetConfig(nn.ArchResNet8x4, false, "32-16")
	tr := newTestTrainer(t, config, train)
	if err := tr.Train(1); err != nil {
		t.Fatal(err)
	}
	before := snapshotVariables(t, tr)
	if err := tr.Train(1); err != nil {
		t.Fatal(err)
	}
	if got := tr.History().Steps(); len(got) != 2 {
		t.Fatalf("history has steps %v, want 2", got)
	}
	after := snapshotVariables(t, tr)
	conv := "/encoder/backbone/layer3/0/conv2/weights"
	if len(before[conv]) != 9*256*256 || slices.Equal(before[conv], after[conv]) {
		t.Errorf("%s did not change in the second step", conv)
	}
	features, dim, err := tr.Features(train)
	if err != nil {
		t.Fatal(err)
	}
	if dim != 256 || len(features) != 16*256 {
		t.Errorf("features: dim %d, %d values; want 256 and %d", dim, len(features), 16*256)
	}
}

// A bfloat16 encoder trains with float32 master weights.
func TestTrainerBFloat16KeepsFloat32MasterWeights(t *testing.T) {
	train, _ := testutil.MNIST(t, 32, 0)
	tc := tinyConfig(10)
	tc.BatchSize = 16
	tc.Encoder.Precision = nn.PrecisionBFloat16
	tr := newTestTrainer(t, tc, train)
	if err := tr.Train(2); err != nil {
		t.Fatal(err)
	}
	if v := tr.Store().GetVariable("/encoder/backbone/block_0/conv/weights"); v.Shape().DType != dtypes.Float32 {
		t.Errorf("master weights are %s, want float32", v.Shape().DType)
	}

}

func TestNonFiniteLossErrorNamesTermsInOneOrder(t *testing.T) {
	err := &NonFiniteLossError{Step: 7, Terms: map[string]float64{"total": math.NaN(), "dcor/hog": math.Inf(1), "mse": math.NaN()}}
	want := "mvmr: loss is not finite at step 7 (dcor/hog = +Inf, mse = NaN, total = NaN); the step was not applied"
	for range 20 { // map iteration order changes from one range to the next
		if got := err.Error(); got != want {
			t.Fatalf("got %q\nwant %q", got, want)
		}
	}
}
