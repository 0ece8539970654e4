package notebooks

import (
	"math"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

func readingResults(t *testing.T) []VariantResult {
	t.Helper()
	run := func(name string, seed int64, top1, rank, std, dcor float64, stopped string) VariantResult {
		h := history.New()
		// The monitors' record before training, without loss values (history.InitialStep).
		if err := h.Append(history.InitialStep, map[string]float64{mvmr.HistoryZRankMe: 100}); err != nil {
			t.Fatal(err)
		}
		names := []string{mvmr.HistoryZRankMe, mvmr.HistoryZStdMean, mvmr.TermDCorZZ}
		for s := range int64(3) {
			if err := h.AppendOrdered(s, names, []float64{rank, std, dcor}); err != nil {
				t.Fatal(err)
			}
		}
		return VariantResult{Run: name, TrainSeed: seed, Top1: top1, Step: 3, History: h, Stopped: stopped}
	}
	return []VariantResult{
		run("a", 1, 0.90, 10, 1, 0.1, ""), run("b", 1, 0.80, 2, 0.01, math.NaN(), "dcor_zz is NaN"),
		run("a", 2, 0.92, 12, 1, 0.1, ""), run("b", 2, 0.81, 4, 0.03, 0.5, ""),
		run("a", 3, 0.91, 11, 1, 0.1, ""), run("b", 3, 0.79, 3, 0.02, 0.5, ""),
	}
}

func TestWriteVariantTable(t *testing.T) {
	var b strings.Builder
	if err := WriteVariantTable(&b, readingResults(t)); err != nil {
		t.Fatal(err)
	}
	// a: top-1 mean 91.00 over 90–92, RankMe mean 11, std 1; b: 80.00, 79–81, RankMe 3, std 0.02.
	for _, want := range []string{"91.00     90.00–92.00      3       11.0        1.000", "80.00     79.00–81.00      3        3.0        0.020"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table\n%s\nlacks %q", b.String(), want)
		}
	}
}

func TestWriteComparisonsAndStops(t *testing.T) {
	results := readingResults(t)
	var b strings.Builder
	if err := WriteComparisons(&b, results, [][2]string{{"a", "b"}}, true); err != nil {
		t.Fatal(err)
	}
	// differences 10, 11, 12: mean 11, sd 1, CI 11 ± 4.303/√3 = [8.52, 13.48].
	if want := "• a beats b by 11.00 points over 3 seeds (paired, 95 % CI [8.52, 13.48]) [quick settings"; !strings.HasPrefix(b.String(), want) {
		t.Errorf("reading %q; want prefix %q", b.String(), want)
	}
	b.Reset()
	if err := WriteStops(&b, results, "b", 3, mvmr.TermDCorZZ); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"b, seed 1: stopped after 3 of 3 steps (dcor_zz is NaN); dcor_zz not finite at 3 of 3 logged steps",
		"b, seed 2: trained all 3 steps; dcor_zz finite throughout, last 0.5"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("stops\n%s\nlack %q", b.String(), want)
		}
	}
	if err := WriteStops(&b, results, "c", 3); err == nil {
		t.Error("a variant without results accepted")
	}
	if r, err := FindRun(OfSeed(results, 3), "b"); err != nil || r.TrainSeed != 3 {
		t.Errorf("FindRun(b) in seed 3 = %v, %v", r.TrainSeed, err)
	}
	if _, err := FindRun(results, "c"); err == nil || !strings.Contains(err.Error(), "[a b]") {
		t.Errorf("FindRun(c): %v; want an error listing a and b", err)
	}
	if got := OfSeed(results, 2); len(got) != 2 || got[0].Run != "a" || got[1].TrainSeed != 2 {
		t.Errorf("OfSeed(2) = %v", got)
	}
}
