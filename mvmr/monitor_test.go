package mvmr

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
	"github.com/mvmr-ssl/mvmr-go/mvmr/dcorstat"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

func TestMonitorsWriteHistory(t *testing.T) {
	train, test := testutil.MNIST(t, 512, 64)
	tr := newTestTrainer(t, tinyConfig(8), train)
	var progress bytes.Buffer
	tr.Progress = &progress
	collapse, err := NewCollapseMonitor(test, 2)
	if err != nil {
		t.Fatal(err)
	}
	collapse.RankFraction = 2 // always "collapsed": the warning must appear, once
	reps := []string{"image", "std", "hog", "augmented", "scatnet"}
	dcor, err := NewDCorMonitor(tr, test, 2, reps)
	if err != nil {
		t.Fatal(err)
	}
	online, err := NewOnlineProbe(10, 2, test, 1)
	if err != nil {
		t.Fatal(err)
	}
	tr.AddMonitor(collapse)
	tr.AddMonitor(dcor)
	tr.AddMonitor(online)
	if err := tr.Train(4); err != nil {
		t.Fatal(err)
	}
	h := tr.History()
	names := []string{HistoryZStdMin, HistoryZStdMean, HistoryZBelowMargin, HistoryZRankMe, HistoryHStdMin,
		HistoryHStdMean, HistoryHRankMe, HistoryOnlineTop1, HistoryOnlineTop5, HistoryOnlineTestTop1, HistoryOnlineTestTop5}
	for _, rep := range reps {
		names = append(names, HistoryDCorDiagPrefix+rep, history.DCorUnbiased(rep), history.DCorPValue(rep))
		if rep != PartialGiven {
			names = append(names, history.PartialDCor(rep), history.PartialDCorPValue(rep))
		}
	}
	if s := h.Series(history.PartialDCor(PartialGiven)); s != nil {
		t.Errorf("pdCor(z, image; image) recorded: %v", s)
	}
	for _, name := range names {
		s := h.Series(name)
		// Steps −1 (before training: not the online probe, which trains on the steps' batches), 0 … 3.
		initial := !strings.HasPrefix(name, "online")
		if len(s) != 5 || math.IsNaN(s[0]) == initial || !math.IsNaN(s[1]) || !math.IsNaN(s[3]) || math.IsNaN(s[2]) || math.IsNaN(s[4]) {
			t.Errorf("%s = %v; want values at steps 1 and 3 only, and before training unless it is the online probe's", name, s)
		}
	}
	if v := h.Series(HistoryZRankMe)[4]; v < 1 || v > 16 {
		t.Errorf("RankMe(z) = %g outside [1, 16] for a 16-d z", v)
	}
	for _, rep := range reps {
		if v := h.Series(HistoryDCorDiagPrefix + rep)[4]; !(v > 0 && v <= 1) {
			t.Errorf("dcor_diag/%s = %g outside (0, 1]", rep, v)
		}
		if v := h.Series(history.DCorUnbiased(rep))[4]; !(v >= -1 && v <= 1) {
			t.Errorf("dcor_u/%s = %g outside [-1, 1]", rep, v)
		}
		// A p-value is (1 + k) / (1 + permutations) for an integer k.
		if p := h.Series(history.DCorPValue(rep))[4] * (1 + DCorPermutations); p < 1 || p > 1+DCorPermutations || math.Abs(p-math.Round(p)) > 1e-9 {
			t.Errorf("dcor_p/%s = %g; not (1 + k)/%d", rep, p/(1+DCorPermutations), 1+DCorPermutations)
		}
	}
	if n := strings.Count(progress.String(), "WARNING: rank collapse before the first step"); n != 1 || strings.Count(progress.String(), "WARNING") != 1 {
		t.Errorf("rank-collapse warnings in the progress output: %q; want exactly one, before the first step", progress.String())
	}
	if got := h.Steps(); !slices.Equal(got, []int64{history.InitialStep, 0, 1, 2, 3}) {
		t.Errorf("history steps %v; want the record before training (%d) and steps 0-3", got, history.InitialStep)
	}
	// The monitored dCor of the image is the graph's DistanceCorrelation of (image/32, z/32).
	z, zDim, err := tr.Embeddings(test)
	if err != nil {
		t.Fatal(err)
	}
	// The collapse series are CollapseStatsOf the evaluation-mode z and h of the held-out images.
	hf, hDim, err := tr.Features(test)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		x         []float32
		dim       int
		std, rank string
	}{{z, zDim, HistoryZStdMean, HistoryZRankMe}, {hf, hDim, HistoryHStdMean, HistoryHRankMe}} {
		want, err := CollapseStatsOf(c.x, 64, c.dim, tr.Config().Loss.StdMargin)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.Series(c.std)[4]; testutil.RelDiff(got, want.StdMean) > 1e-5 {
			t.Errorf("%s = %g; CollapseStatsOf gives %g", c.std, got, want.StdMean)
		}
		if got := h.Series(c.rank)[4]; testutil.RelDiff(got, want.RankMe) > 1e-5 {
			t.Errorf("%s = %g; CollapseStatsOf gives %g", c.rank, got, want.RankMe)
		}
	}
	pixels := test.NormalizedImages()
	zm, im := testutil.Matrix{Rows: 64, Cols: zDim}, testutil.Matrix{Rows: 64, Cols: test.ImageSize()}
	for _, v := range z {
		zm.Data = append(zm.Data, float64(v)/32)
	}
	for _, v := range pixels {
		im.Data = append(im.Data, float64(v)/32)
	}
	want := testutil.ScalarOf(t, testutil.Call1(t, testBackend(t), func(in []*Node) *Node { return DistanceCorrelation(in[0], in[1]) },
		testutil.TensorOf(zm, dtypes.Float64), testutil.TensorOf(im, dtypes.Float64)))
	if got := h.Series(HistoryDCorDiagPrefix + "image")[4]; testutil.RelDiff(got, want) > 1e-4 {
		t.Errorf("dcor_diag/image = %g; DistanceCorrelation(z/32, image/32) = %g", got, want)
	}
	// The unbiased series and the partial dCor are dcorstat's, on the same z and representations.
	zs, is := dcorstat.Sample{N: 64, D: zDim, Data: zm.Data}, dcorstat.Sample{N: 64, D: test.ImageSize(), Data: im.Data}
	wantU, err := dcorstat.IndependenceTest(zs, is, dcorstat.Unbiased, DCorPermutations, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Series(history.DCorUnbiased("image"))[4]; testutil.RelDiff(got, wantU.Estimate) > 1e-4 {
		t.Errorf("dcor_u/image = %g; dcorstat u-dCor² = %g", got, wantU.Estimate)
	}
	if got := h.Series(history.DCorPValue("image"))[4]; got != wantU.PValue {
		t.Errorf("dcor_p/image = %g; dcorstat's test seeded by the step (3) gives %g", got, wantU.PValue)
	}
	hog, err := Representations().New("hog", nil)
	if err != nil {
		t.Fatal(err)
	}
	hogFeatures, err := hog.OnImages(testBackend(t), pixels, 64, test.Height, test.Width, test.Channels)
	if err != nil {
		t.Fatal(err)
	}
	hs := dcorstat.Sample{N: 64, D: len(hogFeatures) / 64}
	for _, v := range hogFeatures {
		hs.Data = append(hs.Data, float64(v))
	}
	wantP, err := dcorstat.PartialDCor(zs, hs, is)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Series(history.PartialDCor("hog"))[4]; math.Abs(got-wantP) > 1e-4 {
		t.Errorf("pdcor/hog = %g; dcorstat pdCor(z, hog; image) = %g", got, wantP)
	}
}

func TestHostDCorMatchesGraph(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	x, y := testutil.RandomMatrix(rng, 40, 7), testutil.RandomMatrix(rng, 40, 3)
	for i := range y.Data {
		y.Data[i] += x.Data[(i/3)*7]
	}
	f32 := func(m testutil.Matrix) []float32 {
		out := make([]float32, len(m.Data))
		for i, v := range m.Data {
			out[i] = float32(v)
		}
		return out
	}
	a, b := centredDistances(f32(x), 40, 7), centredDistances(f32(y), 40, 3)
	got := dcorFromCentred(meanProduct(a, b), meanProduct(a, a), meanProduct(b, b), 40)
	want := testutil.ScalarOf(t, testutil.Call1(t, testBackend(t), func(in []*Node) *Node { return DistanceCorrelation(in[0], in[1]) },
		testutil.TensorOf(x, dtypes.Float64), testutil.TensorOf(y, dtypes.Float64)))
	if testutil.RelDiff(got, want) > 1e-5 {
		t.Errorf("host dCor %g; graph DistanceCorrelation %g", got, want)
	}
}

func TestOnlineProbeLearns(t *testing.T) {
	train, test := testutil.MNIST(t, 2048, 256)
	tr := newTestTrainer(t, tinyConfig(40), train)
	online, err := NewOnlineProbe(10, 40, test, 1)
	if err != nil {
		t.Fatal(err)
	}
	online.LR = 1e-2 // the test's 40 steps are too few for the official 1e-4
	tr.AddMonitor(online)
	if err := tr.Train(40); err != nil {
		t.Fatal(err)
	}
	// Chance is 0.10; a linear head on even a barely trained CNN's h separates MNIST digits well.
	if acc, _ := tr.History().Last(HistoryOnlineTestTop1); acc < 0.5 {
		t.Errorf("online probe held-out top-1 after 40 steps = %.3f; expected > 0.5", acc)
	}
	if acc, _ := tr.History().Last(HistoryOnlineTop1); acc < 0.3 {
		t.Errorf("online probe training top-1 over 40 steps = %.3f; expected > 0.3", acc)
	}
}

func TestDCorMonitorDefaultSkipsRepresentationsNeedingSettings(t *testing.T) {
	train, test := testutil.MNIST(t, 256, 16)
	tr := newTestTrainer(t, tinyConfig(8), train)
	m, err := NewDCorMonitor(tr, test, 1, nil)
	if err != nil {
		t.Fatalf("monitor of every registered representation: %v", err)
	}
	if _, ok := m.Skipped["teacher"]; !ok {
		t.Errorf("teacher (needs kind and path) not among the skipped representations %v", m.Skipped)
	}
	if _, ok := m.Skipped["image"]; ok {
		t.Errorf("image skipped: %v", m.Skipped["image"])
	}
	if _, err := NewDCorMonitor(tr, test, 1, []string{"teacher"}); err == nil {
		t.Error("a teacher named without its settings was accepted")
	}
}

func TestCollapseMonitorOnDivergedEncoderWarnsWithoutStopping(t *testing.T) {
	train, test := testutil.MNIST(t, 256, 16)
	tr := newTestTrainer(t, tinyConfig(8), train)
	var progress bytes.Buffer
	tr.Progress = &progress
	collapse, err := NewCollapseMonitor(test, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(1); err != nil {
		t.Fatal(err)
	}
	v := tr.Store().GetVariable("/encoder/projector/layer_1/weights")
	if v == nil {
		t.Fatal("no projector weights variable")
	}
	nan := make([]float32, v.Shape().Size())
	for i := range nan {
		nan[i] = float32(math.NaN())
	}
	if err := v.SetValue(tensors.FromFlatDataAndDimensions(nan, v.Shape().Dimensions...)); err != nil {
		t.Fatal(err)
	}
	for step := int64(1); step <= 2; step++ {
		values, err := collapse.Observe(tr.view(step, nil))
		if err != nil || values != nil {
			t.Fatalf("step %d: Observe = %v, %v; want nothing recorded and no error", step, values, err)
		}
	}
	if n := strings.Count(progress.String(), "WARNING: z of the held-out images is not finite at step 1"); n != 1 {
		t.Errorf("progress %q; want one warning of a non-finite z at step 1", progress.String())
	}
}
