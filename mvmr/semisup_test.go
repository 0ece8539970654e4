package mvmr

import (
	"slices"
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
