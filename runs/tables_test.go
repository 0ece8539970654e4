package runs

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// distillRows are two models' rows as distill-demo records them: per model a linear row and
// its kNN rows (the second model without k=200).
func distillRows() []Row {
	model := func(name, encoder, teacher string, backbone, total, dim int, seconds, top1, top5 float64, knn ...float64) []Row {
		base := Row{Run: name, Encoder: encoder, Teacher: teacher, BackboneParams: backbone, TotalParams: total, TrainSeconds: seconds,
			Result: mvmr.Result{Features: "h", Dataset: "mnist", Step: 300}}
		linear := base
		linear.Protocol, linear.Top1, linear.Top5 = mvmr.ProtocolLinear, top1, top5
		linear.Metrics = map[string]float64{"dim": float64(dim)}
		rows := []Row{linear}
		for i, v := range knn {
			r := base
			r.Protocol, r.Variant, r.Top1 = mvmr.ProtocolKNN, []string{"k=20", "k=200"}[i], v
			r.Metrics = map[string]float64{"dim": float64(dim)}
			rows = append(rows, r)
		}
		return rows
	}
	return append(model("teacher", "32-64-128/512-512", "none (MV-MR)", 92896, 1404640, 2048, 120.5, 0.9856, 0.9996, 0.97, 0.96),
		model("student, distilled", "8-16-32/128-128", "npy:a,b.npy", 5944, 88120, 512, 60, 0.97, 0.999, 0.95)...)
}

// TestDistillCSVRoundTripAndErrors writes the distillation table from rows and reads it back
// into the same rows; bad files are errors naming the line and the column.
func TestDistillCSVRoundTripAndErrors(t *testing.T) {
	rows := distillRows()
	var buf bytes.Buffer
	if err := WriteDistillCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if want := "teacher,32-64-128/512-512,none (MV-MR),92896,1404640,2048,300,120.5,0.9856,0.9996,0.9700,0.9600"; len(lines) != 3 || lines[1] != want ||
		!strings.HasSuffix(lines[2], ",0.9700,0.9990,0.9500,") {
		t.Fatalf("distillation CSV:\n%s", buf.String())
	}
	path := filepath.Join(t.TempDir(), "d.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDistillCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rows) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, rows)
	}
	bad := strings.Replace(buf.String(), "5944", "59x4", 1)
	os.WriteFile(path, []byte(bad), 0o644)
	if _, err := ReadDistillCSV(path); err == nil || !strings.Contains(err.Error(), `line 3: backbone_params = "59x4"`) {
		t.Errorf("bad integer: error %v, want one naming line 3 and backbone_params", err)
	}
	os.WriteFile(path, []byte("a,b\n1,2\n"), 0o644)
	if _, err := ReadDistillCSV(path); err == nil || !strings.Contains(err.Error(), "expected the header") {
		t.Errorf("bad header: error %v", err)
	}
}

// TestDistillFilesOfTodaysCodeLoad reads the distillation table and JSON that distill-demo wrote
// before rows were recorded (notebooks/data): the CSV is written back byte for byte, and the
// JSON's model rows become the same rows as the CSV's.
func TestDistillFilesOfTodaysCodeLoad(t *testing.T) {
	csvPath := filepath.Join("..", "notebooks", "data", "distillation.csv")
	rows, err := ReadDistillCSV(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 12 || rows[0].Run != "teacher" || rows[0].Dim() != 2048 || rows[0].Top1 != 0.9856 {
		t.Fatalf("%d rows, first %+v", len(rows), rows[0])
	}
	var buf bytes.Buffer
	if err := WriteDistillCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	if old, err := os.ReadFile(csvPath); err != nil || buf.String() != string(old) {
		t.Errorf("written back:\n%s\nthe file:\n%s (%v)", buf.String(), old, err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "notebooks", "data", "distillation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Rows json.RawMessage `json:"rows"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	fromJSON, err := DecodeRows(file.Rows)
	if err != nil {
		t.Fatal(err)
	}
	// The CSV rounds to 4 decimals (seconds to 1): compare the CSV each writes.
	var again bytes.Buffer
	if err := WriteDistillCSV(&again, fromJSON); err != nil || again.String() != buf.String() {
		t.Errorf("the JSON's rows as CSV:\n%s\nthe CSV's:\n%s (%v)", again.String(), buf.String(), err)
	}
}

// TestRowJSONRoundTrip writes rows with every field (history, stop reason, parameters) as
// JSON lines and as a JSON array and reads them back unchanged.
func TestRowJSONRoundTrip(t *testing.T) {
	h := history.New()
	_ = h.Append(0, map[string]float64{"mse": 0.5, "total": 1})
	_ = h.Append(1, map[string]float64{"mse": 0.25, "total": math.NaN()})
	rows := append(distillRows(), Row{Sweep: "s", Run: "mse only", Axes: map[string]string{"seed": "2"}, Representations: "none",
		L3Mode: "maximize", FinalLoss: map[string]float64{"mse": 0.25}, TrainSeconds: 3.5, Stopped: "loss is not finite", History: h,
		Result: mvmr.Result{Protocol: mvmr.ProtocolLinear, Features: "h", Step: 1, TrainSeed: 2, EvalSeed: 1, Top1: 0.5,
			Metrics: map[string]float64{"train_top1": 0.75, "dim": 8}, Seconds: 1.5, Time: "2026-01-02T03:04:05Z"}})
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, rows); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), FileResults)
	os.WriteFile(path, buf.Bytes(), 0o644)
	back, err := ReadRows(path)
	if err != nil {
		t.Fatal(err)
	}
	array, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := DecodeRows(array)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]Row{"JSON lines": back, "JSON array": decoded} {
		if len(got) != len(rows) {
			t.Fatalf("%s: %d rows", name, len(got))
		}
		last := got[len(got)-1]
		if !reflect.DeepEqual(got[:len(got)-1], rows[:len(rows)-1]) || last.History.Len() != 2 || !math.IsNaN(last.History.Series("total")[1]) {
			t.Errorf("%s changed the rows:\n%+v", name, got)
		}
		last.History, rows[len(rows)-1].History = nil, nil
		if !reflect.DeepEqual(last, rows[len(rows)-1]) {
			t.Errorf("%s: last row %+v", name, last)
		}
		rows[len(rows)-1].History = h
	}
}

// TestResultFilesOfTodaysCodeLoad reads files written by the code before rows were unified
// (commit de19f61): a run's results.jsonl (`mvmr train`) and notebook 02's variants.json.
func TestResultFilesOfTodaysCodeLoad(t *testing.T) {
	rows, err := ReadRows(filepath.Join("testdata", "legacy", "results_de19f61.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Run != "oldrun" || rows[0].Protocol != "linear" || rows[0].Top1 != 0.6484375 ||
		rows[2].ProtocolLabel() != "knn k=200" || rows[0].FinalLoss["total"] == 0 || rows[0].TrainSeconds == 0 || rows[0].Dim() != 392 {
		t.Errorf("results.jsonl rows %+v", rows)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "legacy", "variants_de19f61.json"))
	if err != nil {
		t.Fatal(err)
	}
	variants, err := DecodeRows(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(variants) != 2 || variants[1].Run != "L1 + L2 + L3 (full)" || variants[1].Top1 != 0.6875 || variants[1].Step != 4 ||
		variants[1].TrainSeed != 1 || variants[1].Metrics["train_top1"] != 1 || variants[1].History.Len() != 4 ||
		variants[1].History.Series(mvmr.HistoryZRankMe) == nil || variants[1].Protocol != mvmr.ProtocolLinear {
		t.Errorf("variants.json rows %+v", variants)
	}
}

func TestByRunGroupsRunsInOrder(t *testing.T) {
	rows := distillRows()
	rows = append(rows, Row{Run: "teacher", Result: mvmr.Result{Protocol: "linear", TrainSeed: 2}})
	groups := ByRun(rows)
	if len(groups) != 3 || len(groups[0]) != 3 || len(groups[1]) != 2 || groups[2][0].TrainSeed != 2 {
		t.Fatalf("groups %+v", groups)
	}
	if v, ok := groups[0].Top1("knn k=200"); !ok || v != 0.96 {
		t.Errorf("teacher kNN k=200: %v %v", v, ok)
	}
	if _, ok := groups[1].Top1("knn k=200"); ok {
		t.Error("the student has no k=200 row")
	}
}
