package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// tinyData is a 4-image, 2×2 grey data set.
func tinyData(name string) *datasets.Dataset {
	return &datasets.Dataset{Name: name, Height: 2, Width: 2, Channels: 1, NumClasses: 2,
		Images: []uint8{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, Labels: []int32{0, 1, 0, 1},
		Mean: []float32{0.5}, Std: []float32{0.25}}
}

func baseKey() baselineKey {
	return newBaselineKey(mvmr.QuickstartConfig(300), mvmr.DefaultProbeConfig(), quickstartKNNConfigs(), tinyData("t/train"), tinyData("t/test"))
}

// TestBaselineKeyChangesWithEachInput: the cache key of the quickstart's baselines is the same for
// the same inputs and differs when anything that determines the baselines changes.
func TestBaselineKeyChangesWithEachInput(t *testing.T) {
	base := baseKey()
	if again := baseKey(); again.hash() != base.hash() {
		t.Fatalf("the same inputs give two keys: %s and %s", base.hash(), again.hash())
	}
	key := func(edit func(c *mvmr.Config, p *mvmr.ProbeConfig, k *mvmr.KNNConfig, train, test *datasets.Dataset)) baselineKey {
		c, p, k := mvmr.QuickstartConfig(300), mvmr.DefaultProbeConfig(), quickstartKNNConfigs()
		train, test := tinyData("t/train"), tinyData("t/test")
		edit(&c, &p, &k[1], train, test) // the whitened kNN's settings
		return newBaselineKey(c, p, k, train, test)
	}
	type edit = func(c *mvmr.Config, p *mvmr.ProbeConfig, k *mvmr.KNNConfig, train, test *datasets.Dataset)
	for name, e := range map[string]edit{
		"seed": func(c *mvmr.Config, _ *mvmr.ProbeConfig, _ *mvmr.KNNConfig, _, _ *datasets.Dataset) { c.Seed = 2 },
		"encoder channels": func(c *mvmr.Config, _ *mvmr.ProbeConfig, _ *mvmr.KNNConfig, _, _ *datasets.Dataset) {
			c.Encoder.Channels = []int{32, 64, 64}
		},
		"projector": func(c *mvmr.Config, _ *mvmr.ProbeConfig, _ *mvmr.KNNConfig, _, _ *datasets.Dataset) {
			c.Encoder.Projector = "256-256"
		},
		"batch size": func(c *mvmr.Config, _ *mvmr.ProbeConfig, _ *mvmr.KNNConfig, _, _ *datasets.Dataset) {
			c.BatchSize = 128
		},
		"probe epochs": func(_ *mvmr.Config, p *mvmr.ProbeConfig, _ *mvmr.KNNConfig, _, _ *datasets.Dataset) { p.Epochs = 10 },
		"probe seed":   func(_ *mvmr.Config, p *mvmr.ProbeConfig, _ *mvmr.KNNConfig, _, _ *datasets.Dataset) { p.Seed = 3 },
		"probe lr":     func(_ *mvmr.Config, p *mvmr.ProbeConfig, _ *mvmr.KNNConfig, _, _ *datasets.Dataset) { p.LR = 1e-3 },
		"kNN k":        func(_ *mvmr.Config, _ *mvmr.ProbeConfig, k *mvmr.KNNConfig, _, _ *datasets.Dataset) { k.Ks = []int{10} },
		"kNN temperature": func(_ *mvmr.Config, _ *mvmr.ProbeConfig, k *mvmr.KNNConfig, _, _ *datasets.Dataset) {
			k.Temperature = 0.1
		},
		"kNN whitening": func(_ *mvmr.Config, _ *mvmr.ProbeConfig, k *mvmr.KNNConfig, _, _ *datasets.Dataset) {
			k.Whiten = 128
		},
		"a training pixel": func(_ *mvmr.Config, _ *mvmr.ProbeConfig, _ *mvmr.KNNConfig, train, _ *datasets.Dataset) {
			train.Images[5]++
		},
		"a test label": func(_ *mvmr.Config, _ *mvmr.ProbeConfig, _ *mvmr.KNNConfig, _, test *datasets.Dataset) {
			test.Labels[0] = 1
		},
		"normalisation": func(_ *mvmr.Config, _ *mvmr.ProbeConfig, _ *mvmr.KNNConfig, train, _ *datasets.Dataset) {
			train.Mean[0] = 0.4
		},
		"training set name": func(_ *mvmr.Config, _ *mvmr.ProbeConfig, _ *mvmr.KNNConfig, train, _ *datasets.Dataset) {
			train.Name = "u/train"
		},
	} {
		if got := key(e); got.hash() == base.hash() {
			t.Errorf("changing the %s leaves the key %s unchanged", name, base.hash())
		}
	}
	for name, k := range map[string]baselineKey{"code version": base, "backend": base} {
		if name == "code version" {
			k.Version++
		} else {
			k.Backend = "xla:cpu"
		}
		if k.hash() == base.hash() {
			t.Errorf("changing the %s leaves the key unchanged", name)
		}
	}
	// Training settings that do not touch the baselines leave the key alone.
	if k := key(func(c *mvmr.Config, _ *mvmr.ProbeConfig, _ *mvmr.KNNConfig, _, _ *datasets.Dataset) {
		c.Optimizer.LR = 1e-2
		c.Loss.Representations = nil
	}); k.hash() != base.hash() {
		t.Error("the learning rate and the loss terms, which the baselines do not depend on, change the key")
	}
}

func TestBaselineCacheRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cache := baselineCache{Dir: dir}
	key := baseKey()
	rows := []runs.Row{{Run: featuresPixels, Result: mvmr.Result{Protocol: mvmr.ProtocolLinear, Top1: 0.9236}}}
	if _, ok, notice := cache.Load(key); ok || notice != "" {
		t.Fatalf("an empty cache has rows (ok %v, notice %q)", ok, notice)
	}
	if err := cache.Save(key, rows); err != nil {
		t.Fatal(err)
	}
	got, ok, _ := cache.Load(key)
	if !ok || len(got) != 1 || got[0].Top1 != 0.9236 || got[0].Run != featuresPixels {
		t.Fatalf("Load after Save: ok %v, rows %+v", ok, got)
	}
	other := key
	other.Seed = 7
	if _, ok, _ := cache.Load(other); ok {
		t.Error("another seed's key finds the rows")
	}
	// A file that holds another key under this key's name (edited, or a collision) is not used.
	raw, err := os.ReadFile(cache.path(key))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cache.path(key), []byte(strings.Replace(string(raw), `"seed": 1,`, `"seed": 9,`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok, notice := cache.Load(key); ok || !strings.Contains(notice, "other settings") {
		t.Errorf("a file of another key: ok %v, notice %q", ok, notice)
	}
	if err := os.WriteFile(cache.path(key), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok, notice := cache.Load(key); ok || !strings.Contains(notice, "unreadable") {
		t.Errorf("a damaged file: ok %v, notice %q", ok, notice)
	}
	if filepath.Dir(cache.path(key)) != filepath.Join(dir, "quickstart-baselines") {
		t.Errorf("cache file %s; want it in %s/quickstart-baselines", cache.path(key), dir)
	}
	if err := (baselineCache{}).Save(key, rows); err != nil {
		t.Error(err)
	}
	if _, ok, _ := (baselineCache{}).Load(key); ok {
		t.Error("the disabled cache returned rows")
	}
}

// seedRows are one seed's quickstart rows with the given accuracies (in %): pixels, random and
// trained encoder, each linear then (whitened) kNN k=20; the raw kNN k=20 reads 1 point less.
func seedRows(seed int64, acc [6]float64) []runs.Row {
	var rows []runs.Row
	for i, name := range []string{featuresPixels, featuresRandom, featuresTrained} {
		dim := 2048.
		if name == featuresPixels {
			dim = 784
		}
		rows = append(rows,
			runs.Row{Run: name, Result: mvmr.Result{Protocol: mvmr.ProtocolLinear, TrainSeed: seed, Top1: acc[2*i] / 100, Metrics: map[string]float64{"dim": dim}}},
			runs.Row{Run: name, Result: mvmr.Result{Protocol: mvmr.ProtocolKNN, Variant: "k=20", TrainSeed: seed, Top1: (acc[2*i+1] - 1) / 100}},
			runs.Row{Run: name, Result: mvmr.Result{Protocol: mvmr.ProtocolKNN, Variant: "k=200", TrainSeed: seed, Top1: 0.5}},
			runs.Row{Run: name, Result: mvmr.Result{Protocol: mvmr.ProtocolKNN, Variant: quickstartKNN, TrainSeed: seed, Top1: acc[2*i+1] / 100}})
	}
	return rows
}

func TestQuickstartReading(t *testing.T) {
	one := strings.Join(quickstartReading([][]runs.Row{seedRows(1, [6]float64{92.36, 97.10, 96.81, 96.00, 98.45, 97.36})}), "\n")
	for _, want := range []string{
		"all on h, the encoder's 2048-d representation, and on the 784 normalised pixels",
		"PCA-whitened to 256 components",
		"MV-MR encoder:             linear 98.45 %, kNN k=20 97.36 %, raw kNN k=20 96.36 %",
		"MV-MR over raw pixels:     linear +6.09 points; kNN k=20 +0.26 points; raw kNN k=20 +0.26 points",
		"MV-MR over random encoder: linear +1.64 points; kNN k=20 +1.36 points",
		"Seed-to-seed spread: unknown with one seed (1); run `mvmr quickstart -seeds 1,2,3` to measure it.",
	} {
		if !strings.Contains(one, want) {
			t.Errorf("one seed: the reading lacks %q:\n%s", want, one)
		}
	}
	three := strings.Join(quickstartReading([][]runs.Row{
		seedRows(1, [6]float64{92.36, 97.10, 96.81, 97.30, 98.45, 97.36}),
		seedRows(2, [6]float64{92.39, 97.10, 97.16, 97.00, 98.59, 97.10}),
		seedRows(3, [6]float64{92.36, 97.10, 96.71, 97.60, 98.47, 97.40}),
	}), "\n")
	// Linear gains over random: 1.64, 1.43, 1.76: mean 1.61, sd 0.167 → above. kNN gains over
	// random: 0.06, 0.10, −0.20: mean −0.013, sd 0.16 → within.
	for _, want := range []string{
		"MV-MR encoder:             linear 98.50 ± 0.08 %",
		"MV-MR over random encoder: linear +1.61 ± 0.17 points, above the seed-to-seed spread; kNN k=20 -0.01 ± 0.16 points, within the seed-to-seed spread",
		"Mean ± standard deviation over seeds 1,2,3",
	} {
		if !strings.Contains(three, want) {
			t.Errorf("three seeds: the reading lacks %q:\n%s", want, three)
		}
	}
}

func TestParseSeeds(t *testing.T) {
	got, err := parseSeeds("1, 2,3")
	if err != nil || len(got) != 3 || got[0] != 1 || got[2] != 3 {
		t.Errorf("parseSeeds(1, 2,3) = %v, %v", got, err)
	}
	for _, bad := range []string{"1,x", "1,1", ""} {
		if _, err := parseSeeds(bad); err == nil {
			t.Errorf("parseSeeds(%q) accepted", bad)
		}
	}
	q, err := parseQuickstartFlags([]string{"-seeds", "3,1", "-out", "o", "-no-baseline-cache"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.seeds) != 2 || q.seedDir(3) != filepath.Join("o", "seed-3") || q.cache.Dir != "" {
		t.Errorf("-seeds 3,1: seeds %v, folder of seed 3 %s, cache %q", q.seeds, q.seedDir(3), q.cache.Dir)
	}
	q, err = parseQuickstartFlags([]string{"-seed", "2", "-out", "o"}, os.Stderr)
	if err != nil || len(q.seeds) != 1 || q.seeds[0] != 2 || q.seedDir(2) != "o" {
		t.Errorf("-seed 2: %+v, %v", q, err)
	}
}

// TestQuickstartFeatureProbesMatchSeparateProbes: the quickstart's probes on one extraction of h
// give the rows (accuracies, dimension, step) that the linear probe and the kNN give each on its
// own extraction (runs.LinearProbe, mvmr.Trainer.Evaluate, raw then whitened), and a linear row
// then one row per kNN protocol and k.
func TestQuickstartFeatureProbesMatchSeparateProbes(t *testing.T) {
	trainer := tinyTrainer(t, 600, 32)
	if err := trainer.Train(2); err != nil {
		t.Fatal(err)
	}
	test, err := datasets.LoadMNIST(datasets.SplitTest)
	if err != nil {
		t.Fatal(err)
	}
	test = test.Subset(200)
	probe := mvmr.DefaultProbeConfig()
	probe.Epochs = 3
	rows, err := featureProbes("enc", "h", encoderFeatures, trainer.Data(), test, probe)(trainer)
	if err != nil {
		t.Fatal(err)
	}
	lin, err := runs.LinearProbe("enc", trainer.Data(), test, probe)(trainer)
	if err != nil {
		t.Fatal(err)
	}
	want := []runs.Row{lin[0]}
	for _, config := range quickstartKNNConfigs() {
		opts := mvmr.DefaultEvalOptions()
		opts.KNN = config
		knn, _, err := trainer.Evaluate(mvmr.ProtocolKNN, test, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range knn {
			want = append(want, runs.Row{Run: "enc", Result: r})
		}
	}
	if len(rows) != len(want) || len(rows) != 1+2*len(mvmr.KNNDefaultKs) || rows[len(rows)-1].Variant != "k=200 whitened-256" {
		t.Fatalf("%d rows, want %d (linear and one per kNN protocol and k, the last k=200 whitened-256)", len(rows), len(want))
	}
	for i, r := range rows {
		w := want[i]
		if r.Run != "enc" || r.Protocol != w.Protocol || r.Variant != w.Variant || r.Top1 != w.Top1 || r.Top5 != w.Top5 ||
			r.Dim() != w.Dim() || r.Step != 2 || r.Features != "h" {
			t.Errorf("row %d: %s %s %s top-1 %v top-5 %v dim %d step %d; want %s %s top-1 %v top-5 %v dim %d step 2",
				i, r.Run, r.Protocol, r.Variant, r.Top1, r.Top5, r.Dim(), r.Step, w.Protocol, w.Variant, w.Top1, w.Top5, w.Dim())
		}
	}
}

// TestQuickstartBudgetSetsTheSteps: -budget times the quickstart's step on this machine and sets
// the steps to whole hundreds that fit budgetLoopShare of the budget at that rate, and says so.
func TestQuickstartBudgetSetsTheSteps(t *testing.T) {
	// An hour: enough for 100 steps even in a build without GOEXPERIMENT=simd (1.7 s a step here).
	q, err := parseQuickstartFlags([]string{"-budget", "1h", "-out", t.TempDir()}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	train, err := datasets.LoadMNIST(datasets.SplitTrain)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := q.stepsForBudget(train, &out); err != nil {
		t.Fatal(err)
	}
	var median float64
	var steps, again int
	if _, err := fmt.Sscanf(out.String(), "budget 1h0m0s of training: %d steps (the step timed at %f s", &steps, &median); err != nil {
		t.Fatalf("the budget line %q: %v", out.String(), err)
	}
	if _, err := fmt.Sscanf(out.String()[strings.Index(out.String(), "-steps"):], "-steps %d", &again); err != nil || again != steps {
		t.Errorf("the line names -steps %d; want %d (%v)", again, steps, err)
	}
	// The printed median has 3 decimals: the steps it implies may differ by one hundred.
	want := float64(budgetLoopShare * 3600 / median)
	if q.steps != steps || math.Abs(float64(steps)-want) > 100+want*0.0005/median || steps%100 != 0 || steps < 100 {
		t.Errorf("steps %d (printed %d) at %.3f s a step; want about %.0f, whole hundreds", q.steps, steps, median, want)
	}
	for _, args := range [][]string{{"-budget", "20m", "-steps", "300"}, {"-budget", "30s"}, {"-budget", "-1m"}} {
		if _, err := parseQuickstartFlags(args, io.Discard); err == nil || !strings.Contains(err.Error(), "-budget") {
			t.Errorf("%v: err = %v; want one naming -budget", args, err)
		}
	}
}

// TestQuickstartReadingWhenWhiteningLowersABaseline: the reading says when the whitening lowers a
// baseline's kNN (the raw pixels') and compares the trained encoder with that baseline's raw kNN.
func TestQuickstartReadingWhenWhiteningLowersABaseline(t *testing.T) {
	rows := seedRows(1, [6]float64{92.36, 93.12, 96.81, 96.18, 99.03, 98.64})
	for i, r := range rows {
		if r.Run == featuresPixels && r.Variant == quickstartRawKNN {
			rows[i].Top1 = 0.9710
		}
	}
	reading := strings.Join(quickstartReading([][]runs.Row{rows}), "\n")
	want := "Whitening lowers the raw pixels' kNN k=20 (97.10 → 93.12 %); against their raw kNN k=20 the MV-MR encoder's kNN k=20 gains +1.54 points"
	if !strings.Contains(reading, want) || strings.Contains(reading, "Whitening lowers the random encoder") {
		t.Errorf("the reading lacks %q (and should say nothing of the random encoder, whose kNN the whitening raises):\n%s", want, reading)
	}
}

// TestRecipeSearchBaseIsTheQuickstart: bench/recipe-search/quickstart-base.yaml, the base of every
// recipe-search sweep, resolves to the configuration `mvmr quickstart` trains (seed, batch, steps
// and schedule, encoder, loss and its L3 terms, augmentation) and evaluates kNN raw and whitened
// as the quickstart does.
func TestRecipeSearchBaseIsTheQuickstart(t *testing.T) {
	l, err := runs.Load(filepath.Join("..", "..", "bench", "recipe-search", "quickstart-base.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	train := &datasets.Dataset{Name: "mnist/train", Height: 28, Width: 28, Channels: 1, NumClasses: 10,
		Images: make([]uint8, 300*28*28), Labels: make([]int32, 300), Mean: []float32{0.1307}, Std: []float32{0.3081}}
	got, err := l.Config.Resolve(train)
	if err != nil {
		t.Fatal(err)
	}
	q := &quickstart{steps: mvmr.QuickstartSteps, batch: mvmr.DefaultConfig(0).BatchSize} // the flags' defaults
	want, err := q.config(1)
	if err != nil {
		t.Fatal(err)
	}
	if l.Config.Steps != mvmr.QuickstartSteps {
		t.Errorf("steps %d; the quickstart trains %d", l.Config.Steps, mvmr.QuickstartSteps)
	}
	for _, c := range []struct {
		field     string
		got, want any
	}{
		{"seed", got.Seed, want.Seed}, {"batch", got.BatchSize, want.BatchSize}, {"encoder", got.Encoder, want.Encoder},
		{"optimizer", got.Optimizer, want.Optimizer}, {"augment", got.Augment, want.Augment},
		{"L1/L2 weights", [3]float64{got.Loss.MSEWeight, got.Loss.StdWeight, got.Loss.DCorZZWeight},
			[3]float64{want.Loss.MSEWeight, want.Loss.StdWeight, want.Loss.DCorZZWeight}},
		{"loss settings", [2]float64{got.Loss.StdMargin, got.Loss.DCorScale}, [2]float64{want.Loss.StdMargin, want.Loss.DCorScale}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: the sweep base gives %+v; the quickstart %+v", c.field, c.got, c.want)
		}
	}
	term := func(r mvmr.RepresentationTerm) string { return fmt.Sprintf("%s/%s/%g", r.Name, r.Mode, r.Weight) }
	var gotTerms, wantTerms []string
	for _, r := range got.Loss.Representations {
		gotTerms = append(gotTerms, term(r))
	}
	for _, r := range want.Loss.Representations {
		wantTerms = append(wantTerms, term(r))
	}
	if !reflect.DeepEqual(gotTerms, wantTerms) {
		t.Errorf("L3 terms %v; the quickstart's %v", gotTerms, wantTerms)
	}
	if w := l.Config.Eval.KNN.Whiten; !reflect.DeepEqual(w, []int{0, mvmr.KNNWhitenDims}) {
		t.Errorf("eval.knn.whiten %v; the quickstart reads kNN raw and whitened to %d", w, mvmr.KNNWhitenDims)
	}
}
