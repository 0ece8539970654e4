package notebooks

import (
	"bytes"
	"encoding/csv"
	"math"
	"slices"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

func TestAblationVariants(t *testing.T) {
	var names []string
	configs := map[string]mvmr.LossConfig{}
	for _, v := range AblationVariants([]string{"image", "hog"}) {
		c := mvmr.DefaultLossConfig()
		v.Apply(&c)
		names = append(names, v.Name)
		configs[v.Name] = c
	}
	want := []string{"none", "image", "hog", "all: image+hog", "all, official sign (+dCor)"}
	if !slices.Equal(names, want) {
		t.Fatalf("variants %v, want %v", names, want)
	}
	if len(configs["none"].Representations) != 0 {
		t.Error("none keeps L3 terms")
	}
	if r := configs["hog"].Representations; len(r) != 1 || r[0].Name != "hog" || r[0].Mode != mvmr.ModeMaximize {
		t.Errorf("hog alone: %+v", r)
	}
	for _, r := range configs["all, official sign (+dCor)"].Representations {
		if r.Mode != mvmr.ModeOfficial {
			t.Errorf("official variant has %s in mode %s", r.Name, r.Mode)
		}
	}
	if c := configs["all: image+hog"]; len(c.Representations) != 2 || c.StdWeight != 1 || c.DCorZZWeight != 1 {
		t.Errorf("all: %+v", c)
	}
	if got := AblationVariants(nil); len(got) != 1 || got[0].Name != AblationNone || AblationAll([]string{"hog"}) != "hog" {
		t.Errorf("no representations: %d variants", len(got))
	}
}

func TestResultsCSVAndSummary(t *testing.T) {
	run := func(name string, seed int64, top1 float64) VariantResult {
		h := history.New()
		_ = h.Append(19, map[string]float64{"mse": 0.5, mvmr.HistoryZRankMe: 2.5, mvmr.HistoryZStdMean: 1.2})
		_ = h.Append(39, map[string]float64{"mse": 0.4, mvmr.HistoryZRankMe: 1.8, mvmr.HistoryZStdMean: 1.5})
		_ = h.Append(40, map[string]float64{"mse": 0.3})
		return VariantResult{Run: name, History: h, Result: mvmr.Result{Protocol: mvmr.ProtocolLinear, TrainSeed: seed, Step: 40,
			Top1: top1, Top5: 0.99, Metrics: map[string]float64{"train_top1": 0.97}}}
	}
	results := []VariantResult{run("none", 1, 0.95), run("image", 1, 0.97), run("none", 2, 0.96), run("none", 3, 0.91)}
	var buf bytes.Buffer
	if err := WriteResultsCSV(&buf, results); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || !slices.Equal(rows[0], ResultsCSVHeader) {
		t.Fatalf("CSV rows %v", rows)
	}
	if want := []string{"image", "1", "40", "0.97", "0.99", "0.97", "1.8", "1.5"}; !slices.Equal(rows[2], want) {
		t.Errorf("row %v, want %v", rows[2], want)
	}
	if err := WriteResultsCSV(&buf, []VariantResult{{Run: "empty"}}); err == nil {
		t.Error("a result without measurements was written")
	}

	summaries := Summarize(results)
	if len(summaries) != 2 || summaries[0].Name != "none" || summaries[1].Name != "image" {
		t.Fatalf("summaries %+v", summaries)
	}
	none := summaries[0]
	// 95, 96, 91: mean 94, sample std sqrt(((1)²+(2)²+(3)²)/2) = sqrt(7).
	if math.Abs(none.Mean-94) > 1e-9 || math.Abs(none.Std-math.Sqrt(7)) > 1e-9 || none.Min != 91 || none.Max != 96 {
		t.Errorf("none: mean %.4f std %.4f min %.1f max %.1f; want 94, %.4f, 91, 96", none.Mean, none.Std, none.Min, none.Max, math.Sqrt(7))
	}
	if summaries[1].Std != 0 || summaries[1].Mean != 97 {
		t.Errorf("one seed: %+v", summaries[1])
	}
	bars := AblationResults(summaries)
	if len(bars) != 2 || bars[0].Name != "none" || len(bars[0].Score) != 3 || math.Abs(bars[0].Score[2]-0.91) > 1e-12 {
		t.Errorf("ablation bars %+v", bars)
	}
}
