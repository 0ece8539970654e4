package notebooks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadSeedsCSV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "seeds.csv")
	table := "variant,seed,linear_top1\nalone,1,0.90\nteacher,1,0.92\nalone,2,0.91\nteacher,2,0.94\nalone,mean,0.905\n"
	if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
	results, err := ReadSeedsCSV(path, "linear_top1")
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 4 || results[3].Run != "teacher" || results[3].TrainSeed != 2 || results[3].Top1 != 0.94 {
		t.Fatalf("results %+v", results)
	}
	c, err := CompareVariants(results, "teacher", "alone", false)
	if err != nil || c.N != 2 || c.Diff < 2.499 || c.Diff > 2.501 {
		t.Errorf("comparison %+v, %v; want 2 seeds, +2.5 points (differences 2 and 3)", c, err)
	}
	if _, err := ReadSeedsCSV(path, "knn20_top1"); err == nil || !strings.Contains(err.Error(), `no column "knn20_top1"`) {
		t.Errorf("missing column: %v", err)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("variant,seed,linear_top1\nalone,1,91\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSeedsCSV(bad, "linear_top1"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a percentage instead of a fraction: %v", err)
	}
}

// TestReadSeedsCSVShippedTable reads the table the notebook reads.
func TestReadSeedsCSVShippedTable(t *testing.T) {
	results, err := ReadSeedsCSV(filepath.Join("data", "distillation_seeds.csv"), "linear_top1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CompareVariants(results, "distilled", "MV-MR alone", false); err != nil {
		t.Error(err)
	}
}
