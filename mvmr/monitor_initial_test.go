package mvmr

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// TestMonitorsRecordBeforeTraining checks the record of the initialised encoder: a run trained
// from step 0 starts its collapse and dCor series at history.InitialStep with the statistics of
// the encoder before any update (checked against CollapseStatsOf of its z), Train(0) records
// nothing, and a run saved and resumed has the same history as one trained straight through
// (the resumed run does not record the initial step again).
func TestMonitorsRecordBeforeTraining(t *testing.T) {
	train, test := testutil.MNIST(t, 512, 64)
	config := tinyConfig(6)
	add := func(tr *Trainer) {
		t.Helper()
		collapse, err := NewCollapseMonitor(test, 3)
		if err != nil {
			t.Fatal(err)
		}
		dcor, err := NewDCorMonitor(tr, test, 3, []string{"image", "hog"})
		if err != nil {
			t.Fatal(err)
		}
		tr.AddMonitor(collapse)
		tr.AddMonitor(dcor)
	}

	straight := newTestTrainer(t, config, train)
	add(straight)
	z0, zDim, err := straight.Embeddings(test)
	if err != nil {
		t.Fatal(err)
	}
	if err := straight.Train(0); err != nil || straight.History().Len() != 0 {
		t.Fatalf("Train(0): %v, %d history rows; want none", err, straight.History().Len())
	}
	if err := straight.Train(6); err != nil {
		t.Fatal(err)
	}
	h := straight.History()
	if got := h.Steps(); !slices.Equal(got, []int64{history.InitialStep, 0, 1, 2, 3, 4, 5}) {
		t.Fatalf("steps %v; want %d then 0-5", got, history.InitialStep)
	}
	want, err := CollapseStatsOf(z0, 64, zDim, config.Loss.StdMargin)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Series(HistoryZRankMe)[0]; testutil.RelDiff(got, want.RankMe) > 1e-5 {
		t.Errorf("RankMe(z) before training = %g; CollapseStatsOf of the initialised z gives %g", got, want.RankMe)
	}
	for _, name := range []string{history.DCorDiag("image"), history.DCorDiag("hog"), history.PartialDCor("hog")} {
		if v := h.Series(name)[0]; !(v > -1 && v <= 1) {
			t.Errorf("%s before training = %g", name, v)
		}
	}
	if v := h.Series(TermMSE)[0]; v == v {
		t.Errorf("the record before training holds a loss value (mse %g)", v)
	}

	first := newTestTrainer(t, config, train)
	add(first)
	if err := first.Train(4); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ckpt.mvmr")
	if err := first.Save(path); err != nil {
		t.Fatal(err)
	}
	resumed, _ := resumeForTest(t, path, train)
	add(resumed)
	if err := resumed.Train(2); err != nil {
		t.Fatal(err)
	}
	r := resumed.History()
	if !slices.Equal(r.Steps(), h.Steps()) {
		t.Fatalf("resumed steps %v; straight %v", r.Steps(), h.Steps())
	}
	for _, name := range h.Names() {
		if !sameBits(h.Series(name), r.Series(name)) {
			t.Errorf("%s: straight %v, resumed %v", name, h.Series(name), r.Series(name))
		}
	}
}
