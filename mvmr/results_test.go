package mvmr

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResultsJSONAndCSV(t *testing.T) {
	dir := t.TempDir()
	a := Result{Protocol: ProtocolKNN, Variant: "k=20", Features: "h", Dataset: "mnist", TrainSplit: "mnist/train",
		TestSplit: "mnist/test", Step: 300, TrainSeed: 1, EvalSeed: 2, Top1: 0.975, Top5: 0.999, Seconds: 3.5}
	b := Result{Protocol: ProtocolTSNE, Features: "z", Metrics: map[string]float64{"kl": 1.25, "trustworthiness": 0.93}}
	jsonPath, csvPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.csv")
	for _, path := range []string{jsonPath, csvPath} {
		if err := AppendResults(path, a); err != nil {
			t.Fatal(err)
		}
		if err := AppendResults(path, b); err != nil {
			t.Fatal(err)
		}
	}
	got, err := LoadResults(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Variant != "k=20" || got[0].Top1 != 0.975 || got[0].EvalSeed != 2 || got[1].Metrics["trustworthiness"] != 0.93 {
		t.Errorf("JSON round trip: %+v", got)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(rows[0], ",")
	if len(rows) != 3 || !strings.HasSuffix(header, ",kl,trustworthiness") || rows[1][10] != "0.975" || rows[1][len(rows[1])-1] != "" || rows[2][len(rows[2])-2] != "1.25" {
		t.Errorf("CSV rows: %q", rows)
	}
	if err := SaveResults(jsonPath, []Result{{Protocol: ProtocolLinear, Top1: math.NaN()}}); err == nil || !strings.Contains(err.Error(), "top1") {
		t.Errorf("NaN top1 saved (error %v)", err)
	}
	if err := SaveResults(filepath.Join(dir, "r.txt"), nil); err == nil {
		t.Error("a .txt results file was accepted")
	}
}
