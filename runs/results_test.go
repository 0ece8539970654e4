package runs

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

func sampleRows() []Row {
	return []Row{
		{Sweep: "s", Run: "a", Axes: map[string]string{"representations": "none", "seed": "1"}, Representations: "none",
			FinalLoss: map[string]float64{"total": 1.5}, TrainSeconds: 12.6, Result: mvmr.Result{Protocol: "linear", Top1: 0.9, Top5: 0.99, Step: 10,
				Metrics: map[string]float64{"train_top1": 0.95}}},
		{Sweep: "s", Run: "b", Axes: map[string]string{"representations": "<hog>", "seed": "1"}, Representations: "hog",
			FinalLoss: map[string]float64{"total": 1.7, "dcor/hog": 0.2}, Result: mvmr.Result{Protocol: "knn", Variant: "k=20", Top1: 0.8, Step: 10}},
	}
}

func TestResultTables(t *testing.T) {
	rows := sampleRows()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(records[0], ",")
	if len(records) != 3 || !strings.HasPrefix(header, "sweep,run,axis/representations,axis/seed,protocol,variant,top1") ||
		!strings.Contains(header, "metric/train_top1,loss/dcor/hog,loss/total") {
		t.Fatalf("CSV:\n%v", records)
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[h] = i
	}
	if r := records[2]; r[col["variant"]] != "k=20" || r[col["top1"]] != "80" || r[col["loss/dcor/hog"]] != "0.2" || r[col["metric/train_top1"]] != "" {
		t.Errorf("CSV row %v", r)
	}
	buf.Reset()
	if err := WriteMarkdown(&buf, rows); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	if !strings.Contains(md, "| representations | seed | protocol | top-1 % |") || !strings.Contains(md, "| none | 1 | linear | 90.00 | 99.00 | 10 | 1.5000 | 13 |") ||
		!strings.Contains(md, "| knn k=20 | 80.00 |") || !strings.Contains(md, "| total loss | training s |") {
		t.Errorf("markdown:\n%s", md)
	}
	buf.Reset()
	if err := WriteHTML(&buf, "a<b", rows); err != nil {
		t.Fatal(err)
	}
	if h := buf.String(); !strings.Contains(h, "<title>a&lt;b</title>") || !strings.Contains(h, "<td>&lt;hog&gt;</td>") || strings.Count(h, "<tr>") != 3 {
		t.Errorf("HTML:\n%s", h)
	}
	// JSONL round trip.
	dir := t.TempDir()
	path := filepath.Join(dir, FileResults)
	buf.Reset()
	if err := WriteJSONL(&buf, rows); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := ReadRows(path)
	if err != nil || len(back) != 2 || back[1].Variant != "k=20" || back[0].Metrics["train_top1"] != 0.95 || back[1].Axes["representations"] != "<hog>" {
		t.Errorf("JSONL round trip: %+v, %v", back, err)
	}
}

func TestReadersNameTheBadLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileResults)
	os.WriteFile(path, []byte(`{"run":"a","protocol":"linear"}`+"\n{not json\n"), 0o644)
	if _, err := ReadRows(path); err == nil || !strings.Contains(err.Error(), path+" line 2") {
		t.Errorf("bad results line: %v", err)
	}
	hist := filepath.Join(dir, FileHistory)
	os.WriteFile(hist, []byte("step,mse,total\n0,0.5,1\n1,abc,2\n"), 0o644)
	if _, err := ReadHistoryCSV(hist); err == nil || !strings.Contains(err.Error(), `line 3: mse = "abc": expected a number`) {
		t.Errorf("bad history cell: %v", err)
	}
	os.WriteFile(hist, []byte("step,mse,total\n0,0.5,1\n1,,2\n"), 0o644)
	h, err := ReadHistoryCSV(hist)
	if err != nil || h.Len() != 2 || h.Series("total")[1] != 2 || h.Series("mse")[1] == h.Series("mse")[1] {
		t.Errorf("history with an empty cell: %v, %v", h, err)
	}
	if _, _, err := CollectRows(dir + "/nothing"); err == nil {
		t.Error("collecting from a missing folder succeeded")
	}
	empty := t.TempDir()
	if _, _, err := CollectRows(empty); err == nil || !strings.Contains(err.Error(), "holds no results.jsonl") {
		t.Errorf("collecting from an empty folder: %v", err)
	}
}

// TestFinalLossLeavesOutNonFiniteTerms checks that a logged-only term that is NaN or Inf at the
// last step is left out of the result row (JSON has no NaN or Inf), not replaced by an older value.
func TestFinalLossLeavesOutNonFiniteTerms(t *testing.T) {
	h := history.New()
	names := []string{"mse", "dcor/a", "dcor/b", "total"}
	for step, values := range [][]float64{{1, 0.5, 0.2, 2}, {0.9, math.NaN(), math.Inf(1), 1.8}} {
		if err := h.AppendOrdered(int64(step), names, values); err != nil {
			t.Fatal(err)
		}
	}
	final := finalLoss(h, names)
	if want := map[string]float64{"mse": 0.9, "total": 1.8}; !reflect.DeepEqual(final, want) {
		t.Errorf("finalLoss = %v; want %v", final, want)
	}
	var buf bytes.Buffer
	if err := writeRows(&buf, []Row{{Run: "r", FinalLoss: final}}); err != nil {
		t.Errorf("writing the row: %v", err)
	}
}
