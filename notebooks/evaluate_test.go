package notebooks

import (
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

func TestEvaluateCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("trains an encoder; skipped with -short")
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		t.Fatal(err)
	}
	train, test = train.Subset(400), test.Subset(250)
	s := Settings{Steps: 2, Batch: 16, Reps: []string{"image"}, Seeds: 1}
	trainer, err := mvmr.NewTrainer(s.Config(1), train)
	if err != nil {
		t.Fatal(err)
	}
	defer trainer.Close()
	if err := trainer.Train(2); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	results, err := EvaluateCheckpoint(trainer, "x.mvmr", train, test, true, &b)
	if err != nil {
		t.Fatal(err)
	}
	ks := mvmr.DefaultKNNConfig().Ks
	if want := 3 + 2*len(ks); len(results) != want {
		t.Fatalf("%d results; want %d (linear on pixels, random h and h; one kNN per k for h and pixels)", len(results), want)
	}
	if results[1].Features != "random h" {
		t.Errorf("second result %q; want the random encoder's probe", results[1].Features)
	}
	// The folds' readings name the comparison and its fold count.
	if got := strings.Count(b.String(), "over 5 test folds"); got != len(ks) {
		t.Errorf("%d paired readings over 5 test folds in\n%s\nwant %d", got, b.String(), len(ks))
	}
	for _, r := range results {
		if r.Top1 < 0 || r.Top1 > 1 || r.Checkpoint != "x.mvmr" {
			t.Errorf("result %+v", r)
		}
	}
}
