package mvmr

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

func TestFineTuneLearnsAndLeavesTheTrainerAlone(t *testing.T) {
	train, test := testutil.MNIST(t, 2048, 500)
	tr := newTestTrainer(t, tinyConfig(4), train)
	if err := tr.Train(2); err != nil {
		t.Fatal(err)
	}
	before := snapshotVariables(t, tr)
	config := DefaultSemiSupConfig(0.1)
	config.Steps = 60
	config.BatchSize = 64
	// A 4-8 channel CNN and 60 steps: a larger step than the default, on the original images
	// (with the digit augmentation this budget reaches about 50 %).
	config.Optimizer.LR = 1e-2
	config.Augment = false
	r, err := tr.FineTune(test, config, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Labelled != 205 && (r.Labelled < 200 || r.Labelled > 210) {
		t.Errorf("labelled %d images; expected about 10 %% of 2048", r.Labelled)
	}
	// Chance is 10 %; 60 steps on ~200 labelled digits fit a small CNN well above it.
	if r.Top1 < 0.6 || r.Top5 < r.Top1 {
		t.Errorf("fine-tuned top-1 %.3f, top-5 %.3f; expected top-1 >= 0.6 and top-5 >= top-1", r.Top1, r.Top5)
	}
	for path, values := range snapshotVariables(t, tr) {
		if !slices.Equal(values, before[path]) {
			t.Errorf("FineTune changed the trainer's variable %s", path)
		}
	}
	config.Steps = 0
	if _, err := tr.FineTune(test, config, nil); err == nil {
		t.Error("0 steps accepted")
	}
}

// TestOfficialFineTuneSchedule: the official semi-supervised fine-tune draws int(fraction·n)+1
// indices with replacement, trains floor(labelled/batch) steps per epoch (drop_last) and each
// epoch at torch's CosineAnnealingLR(T_max = batches per epoch) stepped per epoch.
func TestOfficialFineTuneSchedule(t *testing.T) {
	train, test := testutil.MNIST(t, 300, 50)
	tr := newTestTrainer(t, tinyConfig(4), train)
	config := OfficialSemiSupConfig(0.1, 8, 4, 1e-4, 1e-6)
	r, err := tr.FineTune(test, config, nil)
	if err != nil {
		t.Fatal(err)
	}
	perEpoch := 31 / 8 // int(0.1·300)+1 = 31 labelled, batches of 8
	want := torchCosineAnnealing(1e-4, perEpoch, 4)
	if r.Labelled != 31 || r.Steps != 4*perEpoch || len(r.EpochLR) != 4 {
		t.Fatalf("labelled %d, steps %d, epoch lrs %v; want 31, %d, 4 epochs", r.Labelled, r.Steps, r.EpochLR, 4*perEpoch)
	}
	for e, w := range want {
		if math.Abs(r.EpochLR[e]-w) > 1e-15 {
			t.Errorf("epoch %d: lr %g; torch %g", e, r.EpochLR[e], w)
		}
	}
	// Past T_max the official schedule rises again (T_max = 3 batches, 8 epochs).
	config.Epochs = 8
	if r, err = tr.FineTune(test, config, nil); err != nil || math.Abs(r.EpochLR[6]-torchCosineAnnealing(1e-4, 3, 8)[6]) > 1e-15 || !(r.EpochLR[6] > r.EpochLR[3]) {
		t.Errorf("8 epochs: %v, lrs %v; want torch's periodic cosine", err, r.EpochLR)
	}
	config.BatchSize = 64 // 31 labelled images make no batch of 64
	if _, err := tr.FineTune(test, config, nil); err == nil || !strings.Contains(err.Error(), "make no batch of 64") {
		t.Errorf("batch larger than the labelled set: %v; want a refusal", err)
	}
}
