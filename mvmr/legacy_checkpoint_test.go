package mvmr

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// The fixtures under testdata/legacy and testdata/v1 were written by older code with
//
//	MVMR_WRITE_LEGACY_FIXTURE=testdata/DIR go test -run TestLegacyCheckpointLoadsAndEvaluates ./mvmr
//
// testdata/legacy by commit 26a6be5 (2026-12-02, before issue 14 moved the layers and
// representations into mvmr/nn and mvmr/reps); testdata/v1 by commit a4da28b (2026-12-03, the
// last checkpoint format version 1, before issue 20 added the header checksum of version 2).
// Each is a small CNN trained 3 steps with image, std (graph) and hog, lbp (host) terms and Adam.
// The test loads it with today's code and checks that the checkpoint format, Config JSON keys,
// variable paths, optimizer scopes and history series names still read back into the same
// numbers: the history, the encoder's features of 64 test digits, kNN accuracy, and the loss
// of one more training step (which needs the optimizer state and the representations).
var legacyFixtureDirs = []string{"testdata/legacy", "testdata/v1"}

// legacyFixtureConfig is the configuration the fixture was trained with.
func legacyFixtureConfig() Config {
	c := QuickstartConfig(10)
	c.BatchSize = 16
	c.Encoder = nn.EncoderConfig{Channels: []int{8, 16}, Strides: []int{2, 2}, Head: nn.HeadFlatten, Projector: "32-32"}
	c.Loss.Representations = []RepresentationTerm{
		{Name: "image", Weight: 1, Mode: ModeMaximize},
		{Name: "std", Weight: 1, Mode: ModeMaximize},
		{Name: "hog", Weight: 1, Mode: ModeMaximize},
		{Name: "lbp", Weight: 0.5, Mode: ModeOfficial},
	}
	return c
}

// legacyReadings are the numbers the fixture's checkpoint evaluates to.
type legacyReadings struct {
	Step        int64              `json:"step"`
	History     map[string]float64 `json:"history_last"`
	FeatureDim  int                `json:"feature_dim"`
	Features    []float64          `json:"features"` // the first 512 values
	FeatureSum  float64            `json:"feature_sum"`
	KNNTop1     float64            `json:"knn_top1"`
	NextLoss    map[string]float64 `json:"next_step"`
	HistoryRows int                `json:"history_rows"`
}

func legacyData(t *testing.T) (train, test *datasets.Dataset) {
	t.Helper()
	tr, te, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		t.Skipf("MNIST: %v", err)
	}
	return tr.Subset(512), te.Subset(64)
}

func legacyRead(t *testing.T, trainer *Trainer, test *datasets.Dataset) legacyReadings {
	t.Helper()
	r := legacyReadings{Step: trainer.Step(), History: map[string]float64{}, HistoryRows: trainer.History().Len()}
	for _, name := range trainer.History().Names() {
		if v, ok := trainer.History().Last(name); ok && !math.IsNaN(v) {
			r.History[name] = v
		}
	}
	tr, err := trainer.EncoderFeatures(trainer.Data())
	if err != nil {
		t.Fatal(err)
	}
	te, err := trainer.EncoderFeatures(test)
	if err != nil {
		t.Fatal(err)
	}
	r.FeatureDim = te.Dim
	for i, v := range te.Data {
		if i < 512 {
			r.Features = append(r.Features, float64(v))
		}
		r.FeatureSum += float64(v)
	}
	knn, err := KNN(trainer.Backend(), tr, te, KNNConfig{Ks: []int{5}, Temperature: 0.07, QueryBlock: 32}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.KNNTop1 = knn[0].Top1
	if err := trainer.Train(1); err != nil {
		t.Fatal(err)
	}
	r.NextLoss = map[string]float64{}
	for _, name := range trainer.ComponentNames() {
		if v, ok := trainer.History().Last(name); ok {
			r.NextLoss[name] = v
		}
	}
	return r
}

func TestLegacyCheckpointLoadsAndEvaluates(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small encoder")
	}
	train, test := legacyData(t)
	if dir := os.Getenv("MVMR_WRITE_LEGACY_FIXTURE"); dir != "" {
		writeLegacyFixture(t, dir, train, test)
		return
	}
	for _, dir := range legacyFixtureDirs {
		t.Run(filepath.Base(dir), func(t *testing.T) { checkLegacyFixture(t, dir, train, test) })
	}
}

// writeLegacyFixture trains the fixture's encoder 3 steps and writes its checkpoint and readings
// into dir.
func writeLegacyFixture(t *testing.T, dir string, train, test *datasets.Dataset) {
	ckpt := filepath.Join(dir, "small.mvmr")
	want := filepath.Join(dir, "small_readings.json")
	{
		trainer, err := NewTrainerWithBackend(testBackend(t), legacyFixtureConfig(), train)
		if err != nil {
			t.Fatal(err)
		}
		trainer.Cache = reps.NewFeatureCache("") // memory only
		defer trainer.Close()
		if err := trainer.Train(3); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := trainer.Save(ckpt); err != nil {
			t.Fatal(err)
		}
		loaded, err := LoadTrainerWithBackend(testBackend(t), ckpt, train)
		if err != nil {
			t.Fatal(err)
		}
		defer loaded.Close()
		b, err := json.MarshalIndent(legacyRead(t, loaded, test), "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(want, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s and %s", ckpt, want)
	}
}

// checkLegacyFixture loads the checkpoint in dir and compares its readings with the fixture's.
func checkLegacyFixture(t *testing.T, dir string, train, test *datasets.Dataset) {
	ckpt := filepath.Join(dir, "small.mvmr")
	want := filepath.Join(dir, "small_readings.json")
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	var expected legacyReadings
	if err := json.Unmarshal(b, &expected); err != nil {
		t.Fatal(err)
	}
	trainer, err := LoadTrainerWithBackend(testBackend(t), ckpt, train)
	if err != nil {
		t.Fatalf("the checkpoint %s no longer loads: %v", ckpt, err)
	}
	trainer.Cache = reps.NewFeatureCache("") // memory only
	defer trainer.Close()
	got := legacyRead(t, trainer, test)
	if got.Step != expected.Step || got.HistoryRows != expected.HistoryRows || got.FeatureDim != expected.FeatureDim {
		t.Fatalf("step %d, %d history rows, feature dim %d; want %d, %d, %d", got.Step, got.HistoryRows, got.FeatureDim,
			expected.Step, expected.HistoryRows, expected.FeatureDim)
	}
	close := func(what string, a, b, tol float64) {
		t.Helper()
		if math.Abs(a-b) > tol*(1+math.Abs(b)) {
			t.Errorf("%s = %.9g; the fixture reads %.9g", what, a, b)
		}
	}
	for name, v := range expected.History {
		g, ok := got.History[name]
		if !ok {
			t.Errorf("history series %q of the fixture is missing", name)
			continue
		}
		close("history "+name, g, v, 0)
	}
	if len(got.Features) != len(expected.Features) {
		t.Fatalf("%d feature values; want %d", len(got.Features), len(expected.Features))
	}
	for i := range expected.Features {
		close("feature", got.Features[i], expected.Features[i], 1e-5)
	}
	close("feature sum", got.FeatureSum, expected.FeatureSum, 1e-5)
	close("kNN top-1", got.KNNTop1, expected.KNNTop1, 0)
	for name, v := range expected.NextLoss {
		g, ok := got.NextLoss[name]
		if !ok {
			t.Errorf("loss term %q of the fixture is missing after one more step", name)
			continue
		}
		close("next step "+name, g, v, 1e-4)
	}
}
