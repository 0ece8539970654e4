package mvmr

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDistillCSVRoundTripAndErrors(t *testing.T) {
	rows := []DistillResult{
		{Model: "teacher", Encoder: "32-64-128/512-512", Teacher: "none (MV-MR)", BackboneParams: 92896, TotalParams: 1404640,
			HDim: 2048, Steps: 300, TrainSeconds: 120.5, Top1: 0.9856, Top5: 0.9996, KNN20: 0.97, KNN200: 0.96},
		{Model: "student, distilled", Encoder: "8-16-32/128-128", Teacher: "npy:a,b.npy", BackboneParams: 5944, TotalParams: 88120,
			HDim: 512, Steps: 300, TrainSeconds: 60, Top1: 0.97, Top5: 0.999},
	}
	var buf bytes.Buffer
	if err := WriteDistillCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "d.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDistillCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rows) {
		t.Errorf("read back %+v, want %+v", got, rows)
	}
	bad := strings.Replace(buf.String(), "5944", "59x4", 1)
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDistillCSV(path); err == nil || !strings.Contains(err.Error(), `line 3: backbone_params = "59x4"`) {
		t.Errorf("bad integer: error %v, want one naming line 3 and backbone_params", err)
	}
	if err := os.WriteFile(path, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDistillCSV(path); err == nil || !strings.Contains(err.Error(), "expected the header") {
		t.Errorf("bad header: error %v", err)
	}
}
