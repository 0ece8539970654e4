package mvmr

import (
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// fakeStepView drives a monitor with a given batch and its h, without a trainer.
type fakeStepView struct {
	backend compute.Backend
	batch   *datasets.TwoViewBatch
	h       []float32
	dim     int
	// features, when set, computes h of any images (Features).
	features func(images []float32, n int) []float32
}

func (v *fakeStepView) Step() int64                   { return 0 }
func (v *fakeStepView) Batch() *datasets.TwoViewBatch { return v.batch }
func (v *fakeStepView) Config() Config                { return Config{} }
func (v *fakeStepView) Backend() compute.Backend      { return v.backend }
func (v *fakeStepView) Warnings() io.Writer           { return io.Discard }
func (v *fakeStepView) Features(images []float32, n int) ([]float32, int, error) {
	if v.features == nil {
		panic("fakeStepView: Features not used")
	}
	return v.features(images, n), v.dim, nil
}
func (v *fakeStepView) Embeddings([]float32, int) ([]float32, int, error) {
	panic("fakeStepView: Embeddings not used")
}
func (v *fakeStepView) Encode([]float32, int) ([]float32, []float32, int, int, error) {
	panic("fakeStepView: Encode not used")
}
func (v *fakeStepView) BatchFeatures() ([]float32, int, error) { return v.h, v.dim, nil }

// probeParams returns the online probe's trainable variables, by name.
func probeParams(t *testing.T, p *OnlineProbe) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for v := range p.store.IterVariables() {
		if v.Trainable && v.HasValue() {
			out[v.Path()] = tensors.MustCopyFlatData[float32](v.MustValue())
		}
	}
	if len(out) == 0 {
		t.Fatal("the online probe has no trainable variables after a step")
	}
	return out
}

// TestOnlineProbeIgnoresUnlabelledRows: one step on a batch of 4 labelled and 4 unlabelled
// images (placeholder label 0, their own h) leaves the head exactly as one step on the 4
// labelled images alone, and the recorded accuracy counts the labelled images only.
func TestOnlineProbeIgnoresUnlabelledRows(t *testing.T) {
	const dim, classes = 6, 3
	rng := rand.New(rand.NewPCG(3, 4))
	mixedH := make([]float32, 8*dim)
	for i := range mixedH {
		mixedH[i] = float32(rng.NormFloat64()) * 3
	}
	mixed := &datasets.TwoViewBatch{Size: 8, Labels: []int32{1, 2, 1, 2, 0, 0, 0, 0},
		Labeled: []bool{true, true, true, true, false, false, false, false}}
	only := &datasets.TwoViewBatch{Size: 4, Labels: []int32{1, 2, 1, 2}, Labeled: []bool{true, true, true, true}}
	backend := testBackend(t)
	step := func(batch *datasets.TwoViewBatch, h []float32) (*OnlineProbe, map[string]float64) {
		p, err := NewOnlineProbe(classes, 1, nil, 7)
		if err != nil {
			t.Fatal(err)
		}
		out, err := p.Observe(&fakeStepView{backend: backend, batch: batch, h: h, dim: dim})
		if err != nil {
			t.Fatal(err)
		}
		return p, out
	}
	pMixed, outMixed := step(mixed, mixedH)
	pOnly, outOnly := step(only, mixedH[:4*dim])
	a, b := probeParams(t, pMixed), probeParams(t, pOnly)
	for name, want := range b {
		got := a[name]
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-6 {
				t.Fatalf("%s[%d] = %g after the mixed batch, %g after its labelled rows alone: the unlabelled rows moved the head", name, i, got[i], want[i])
			}
		}
	}
	if outMixed[HistoryOnlineTop1] != outOnly[HistoryOnlineTop1] || outMixed[HistoryOnlineTop5] != 1 {
		t.Errorf("accuracy on the mixed batch %v, on its labelled rows %v: expected the same (top-5 of 3 classes is 1)", outMixed, outOnly)
	}
	// A batch of unlabelled images only changes nothing and records nothing.
	none := &datasets.TwoViewBatch{Size: 4, Labels: make([]int32, 4), Labeled: make([]bool, 4)}
	p, out := step(none, mixedH[4*dim:])
	if out != nil || p.store.GetVariable("/online_probe/weights") != nil && p.store.GetVariable("/online_probe/weights").HasValue() {
		t.Errorf("a batch without labelled images: record %v, head created; expected neither", out)
	}
}

// TestLabelUsingStepsRefuseUnlabelledImages: the linear probe, kNN, fine-tuning and the online
// probe's held-out set refuse a data set that holds unlabelled images, naming it.
func TestLabelUsingStepsRefuseUnlabelledImages(t *testing.T) {
	train, test := testutil.MNIST(t, 64, 32)
	tr := newTestTrainer(t, tinyConfig(8), train)
	mixed := *test
	mixed.Unlabeled, mixed.LabeledMask = true, make([]bool, test.Len())
	mixed.LabeledMask[0] = true
	for _, protocol := range []string{ProtocolLinear, ProtocolKNN, ProtocolSemi1} {
		if _, _, err := tr.Evaluate(protocol, &mixed, DefaultEvalOptions()); err == nil || !strings.Contains(err.Error(), "image 1 has a placeholder label") {
			t.Errorf("%s on a test set with unlabelled images: %v; want an error naming image 1", protocol, err)
		}
	}
	if _, err := tr.ProbeEncoder("probe", train, &mixed, DefaultProbeConfig()); err == nil || !strings.Contains(err.Error(), "linear probe") {
		t.Errorf("ProbeEncoder: %v; want the linear probe's refusal", err)
	}
	if _, err := NewOnlineProbe(10, 1, &mixed, 1); err == nil || !strings.Contains(err.Error(), "held-out") {
		t.Errorf("NewOnlineProbe: %v; want the held-out set refused", err)
	}
}

// TestOnlineProbeReadsItsLabelledSplit: with SetLabelled the probe trains on its own batches of
// the labelled split, even when the step's batch holds no labelled image; each epoch's batches
// cover the split once (drop_last), and batch k is the same whenever it is drawn (resume).
func TestOnlineProbeReadsItsLabelledSplit(t *testing.T) {
	train, _ := testutil.MNIST(t, 64, 8)
	p, err := NewOnlineProbe(10, 1, nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetLabelled(train); err != nil {
		t.Fatal(err)
	}
	seen := map[int]int{}
	for step := range int64(4) { // 64 images, batches of 16: one epoch
		b, _ := p.labelledBatch(step, 16)
		for j, idx := range b.Indices {
			seen[idx]++
			if b.Labels[j] != train.Labels[idx] {
				t.Fatalf("step %d row %d: label %d; image %d is labelled %d", step, j, b.Labels[j], idx, train.Labels[idx])
			}
		}
	}
	if len(seen) != 64 {
		t.Errorf("one epoch of batches covered %d distinct images; want all 64 once", len(seen))
	}
	a, _ := p.labelledBatch(5, 16)
	b, _ := p.labelledBatch(5, 16)
	if !slices.Equal(a.Indices, b.Indices) {
		t.Errorf("batch 5 drawn twice: %v then %v", a.Indices, b.Indices)
	}
	unlabelled := &datasets.TwoViewBatch{Size: 16, Labels: make([]int32, 16), Labeled: make([]bool, 16)}
	const dim = 4
	view := &fakeStepView{backend: testBackend(t), batch: unlabelled, dim: dim, features: func(images []float32, n int) []float32 {
		h := make([]float32, n*dim)
		size := len(images) / n
		for i := range n {
			copy(h[i*dim:(i+1)*dim], images[i*size+300:i*size+300+dim])
		}
		return h
	}}
	out, err := p.Observe(view)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out[HistoryOnlineTop1]; !ok {
		t.Errorf("record %v after a step on an unlabelled batch: want the probe trained on its labelled split", out)
	}
	mixed := *train
	mixed.Unlabeled, mixed.LabeledMask = true, make([]bool, train.Len())
	if err := p.SetLabelled(&mixed); err == nil {
		t.Error("SetLabelled accepted a split holding unlabelled images")
	}
}
