package notebooks

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

func TestMapAgreement(t *testing.T) {
	// Two tight clusters far apart, labelled by cluster: every point agrees. Swap one point's
	// label: it alone disagrees (its neighbours are the other class); the others still agree.
	var y []float64
	var labels []int32
	for i := range 30 {
		c := float64(i / 15)
		y = append(y, 100*c+float64(i%15)*0.01, 0)
		labels = append(labels, int32(i/15))
	}
	if got, err := MapAgreement(y, labels); err != nil || got != 1 {
		t.Errorf("separated clusters: %v, %v; want 1", got, err)
	}
	labels[0] = 1
	if got, _ := MapAgreement(y, labels); math.Abs(got-29.0/30) > 1e-12 {
		t.Errorf("one mislabelled point: %v; want 29/30", got)
	}
	if _, err := MapAgreement(y[:4], labels); err == nil {
		t.Error("mismatched lengths: no error")
	}
}

func TestWriteLossReading(t *testing.T) {
	h := history.New()
	for s := range 20 {
		h.Append(int64(s), map[string]float64{mvmr.TermMSE: 2 - 0.1*float64(s), mvmr.TermStd: 0.5, "lr": 1, history.DCorDiag("hog"): 0.3})
	}
	var b bytes.Buffer
	if err := WriteLossReading(&b, h); err != nil {
		t.Fatal(err)
	}
	// mse: 2 at the first step, mean of the last two steps (0.2, 0.1) = 0.15.
	if s := b.String(); !strings.Contains(s, "2 → 0.15 (fell by 92 %)") || strings.Contains(s, "lr") || strings.Contains(s, "HOG") {
		t.Errorf("loss reading:\n%s", s)
	}
}

func TestEvaluationReadingAndConclusion(t *testing.T) {
	evaluation := []mvmr.Result{
		{Features: "pixels", Protocol: mvmr.ProtocolLinear, Top1: 0.9236},
		{Features: "random h", Protocol: mvmr.ProtocolLinear, Top1: 0.9681},
		{Features: "h", Protocol: mvmr.ProtocolLinear, Top1: 0.9865},
		{Features: "pixels", Protocol: mvmr.ProtocolKNN, Variant: "k=20", Top1: 0.9710},
		{Features: "h", Protocol: mvmr.ProtocolKNN, Variant: "k=20", Top1: 0.9736},
	}
	reading, err := EvaluationReading(evaluation)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"scores 98.65 %, +1.84 points against the same encoder untrained (96.81 %)", "+6.29 against raw pixels (92.36 %)",
		"kNN k=20: h 97.36 % against pixels 97.10 % (+0.26 points)"} {
		if !strings.Contains(reading, want) {
			t.Errorf("reading lacks %q:\n%s", want, reading)
		}
	}
	if _, err := EvaluationReading(evaluation[3:]); err == nil {
		t.Error("no error without the linear rows")
	}
	var results []VariantResult
	for seed, d := range []float64{1.0, 1.2, 0.9} {
		results = append(results,
			VariantResult{Run: "none", TrainSeed: int64(seed + 1), Top1: 0.90},
			VariantResult{Run: "hog", TrainSeed: int64(seed + 1), Top1: 0.90 + d/100},
			VariantResult{Run: "image", TrainSeed: int64(seed + 1), Top1: 0.90 + float64(seed-1)/100})
	}
	var b bytes.Buffer
	if err := WriteConclusion(&b, evaluation, Sweep{Notebook: "03_ablation_K", Results: results,
		Pairs: AblationPairs(Summarize(results))}, Sweep{Notebook: "02_loss_anatomy"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"01_quickstart: linear probe: the trained encoder's h scores 98.65 %",
		"03_ablation_K: best mean linear-probe top-1: hog, 91.03 % over 3 seeds.",
		"resolved: hog beats none by 1.03 points over 3 seeds",
		"not resolved by these seeds (interval includes 0, or one seed): image vs none (+0.00)",
		"02_loss_anatomy: no runs"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("conclusion lacks %q:\n%s", want, b.String())
		}
	}
}

func TestWriteCollapseReading(t *testing.T) {
	run := func(name string, rank0, rank1 float64) VariantResult {
		h := history.New()
		h.Append(history.InitialStep, map[string]float64{mvmr.HistoryZRankMe: rank0, mvmr.HistoryZStdMean: 1})
		h.Append(9, map[string]float64{mvmr.HistoryZRankMe: rank1, mvmr.HistoryZStdMean: 0.5})
		return VariantResult{Run: name, TrainSeed: 1, History: h}
	}
	var b bytes.Buffer
	if err := WriteCollapseReading(&b, []VariantResult{run("mse only", 100, 3), run("full", 100, 40), {Run: "full", TrainSeed: 2}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"mse only                 RankMe  100.0 →    3.0; mean std 1.000 → 0.500", "lowest final RankMe(z): mse only (3.0); highest: full (40.0)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("collapse reading lacks %q:\n%s", want, b.String())
		}
	}
}

func TestReadSweeps(t *testing.T) {
	dir := t.TempDir()
	if s, err := ReadAblationSweep(dir); err != nil || s.Results != nil || s.Notebook != "03_ablation_K" {
		t.Errorf("a notebook not run: %+v, %v; want a sweep without results", s, err)
	}
	if e, err := ReadEvaluation(filepath.Join(dir, "evaluation.csv")); err != nil || e != nil {
		t.Errorf("no evaluation file: %v, %v", e, err)
	}
	saved := []mvmr.Result{{Protocol: mvmr.ProtocolLinear, Features: "h", Dataset: "mnist", Top1: 0.98, Top5: 0.99}}
	if err := mvmr.SaveResults(filepath.Join(dir, "evaluation.json"), saved); err != nil {
		t.Fatal(err)
	}
	if e, err := ReadEvaluation(filepath.Join(dir, "evaluation.json")); err != nil || len(e) != 1 || e[0].Top1 != 0.98 {
		t.Errorf("evaluation.json read back as %+v, %v", e, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), []byte("{broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadAblationSweep(dir); err == nil {
		t.Error("a broken results.json: no error")
	}
}

func TestConclusionOneSeed(t *testing.T) {
	var b bytes.Buffer
	one := []VariantResult{{Run: "none", TrainSeed: 1, Top1: 0.9}, {Run: "hog", TrainSeed: 1, Top1: 0.91}}
	if err := WriteConclusion(&b, nil, Sweep{Notebook: "03", Results: one, Pairs: AblationPairs(Summarize(one)), Quick: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"hog, 91.00 % over 1 seed.", "[quick settings", "not resolved by these seeds (interval includes 0, or one seed): hog vs none (+1.00)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("conclusion lacks %q:\n%s", want, b.String())
		}
	}
}
