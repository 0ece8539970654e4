package notebooks

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

func TestTermVariantsSwitchTermsOff(t *testing.T) {
	byName := map[string]mvmr.LossConfig{}
	for _, v := range TermVariants() {
		c := mvmr.DefaultLossConfig()
		v.Apply(&c)
		byName[v.Name] = c
	}
	if c := byName["mse only"]; c.MSEWeight != 1 || c.StdWeight != 0 || c.DCorZZWeight != 0 || len(c.Representations) != 0 {
		t.Errorf("mse only: %+v", c)
	}
	if c := byName["L1 + L2"]; c.StdWeight != 1 || c.DCorZZWeight != 1 || len(c.Representations) != 0 {
		t.Errorf("L1 + L2: %+v", c)
	}
	if c := byName["full without std"]; c.StdWeight != 0 || c.DCorZZWeight != 1 || len(c.Representations) != 2 {
		t.Errorf("full without std: %+v", c)
	}
	if c := mvmr.DefaultLossConfig(); len(c.Representations) != 2 {
		t.Errorf("Apply changed the defaults: %+v", c)
	}
}

func TestRunVariantMeasuresAndRoundTrips(t *testing.T) {
	if testing.Short() {
		t.Skip("trains an encoder; skipped with -short")
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		t.Fatal(err)
	}
	train, test = train.Subset(512), test.Subset(300)
	s := Settings{Steps: 5, Batch: 16, Reps: []string{"image"}, Seeds: 1, ProbeTrain: 256, Dir: t.TempDir()}
	r, err := RunVariantTraced(TermVariants()[4], s, 1, train, test, []string{"image", "hog"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.SpreadSteps, []int64{0, 1, 2, 3, 4, 5}) || len(r.Spreads) != 6 {
		t.Errorf("spread measured at %v, want 0..5", r.SpreadSteps)
	}
	for i, sp := range r.Spreads {
		if len(sp.Stds) == 0 || !(sp.EffectiveRank > 0) || sp.EffectiveRank > float64(len(sp.Stds)) {
			t.Errorf("spread %d: effective rank %.2f of %d dimensions", i, sp.EffectiveRank, len(sp.Stds))
		}
	}
	for _, name := range []string{"image", "hog"} {
		if d := r.DCor[name]; len(d) != 6 || slices.ContainsFunc(d, func(v float64) bool { return !(v > 0 && v <= 1) }) {
			t.Errorf("dCor(z, %s) trace %v; want 6 values in (0, 1]", name, d)
		}
	}
	if _, err := RunVariantTraced(TermVariants()[4], s, 1, train, test, []string{"aug_std"}, nil); err == nil {
		t.Error("tracing a fresh-view representation: no error")
	}
	// A switched-off term is still logged under its name.
	if got := r.Losses.Names(); !slices.Contains(got, mvmr.TermStd) || !slices.Contains(got, "dcor/image") || r.Losses.Len() != 5 {
		t.Errorf("history names %v with %d steps", got, r.Losses.Len())
	}
	if !(r.Probe.Top1 > 0.1) || r.Probe.Top1 > 1 {
		t.Errorf("probe top-1 %.3f", r.Probe.Top1)
	}
	path := filepath.Join(s.Dir, "variants.json")
	if err := SaveResults(path, []VariantResult{r}); err != nil {
		t.Fatal(err)
	}
	back, err := LoadResults(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 1 || back[0].Probe.Top1 != r.Probe.Top1 || back[0].Losses.Len() != 5 || back[0].Spreads[3].EffectiveRank != r.Spreads[3].EffectiveRank {
		t.Errorf("results changed in a round trip: %+v", back)
	}
	h, err := SpreadHistory(append(back, VariantResult{Name: "other", SpreadSteps: []int64{0, 7}, Spreads: []Spread{{EffectiveRank: 2}, {EffectiveRank: 3}}}), false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(h.Names(), []string{r.Name, "other"}) || !slices.Equal(h.Steps(), []int64{0, 1, 2, 3, 4, 5, 7}) {
		t.Errorf("spread history: names %v steps %v", h.Names(), h.Steps())
	}
	if other := h.Series("other"); other[0] != 2 || other[6] != 3 || !math.IsNaN(other[1]) {
		t.Errorf("spread history of other: %v", other)
	}
	final := FinalStdHistory(back)
	if final.Len() != len(r.Spreads[5].Stds) || final.Series(r.Name)[0] != r.Spreads[5].Stds[0] {
		t.Errorf("final stds: %d dimensions, first %v; want %d, %v", final.Len(), final.Series(r.Name)[:1], len(r.Spreads[5].Stds), r.Spreads[5].Stds[0])
	}
	if _, err := LoadResults(filepath.Join(s.Dir, "missing.json")); err == nil {
		t.Error("LoadResults of a missing file: no error")
	}
}
