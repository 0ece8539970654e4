package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/runs"
)

// TestSweepShardsMergeIntoOneReport runs a three-run sweep as two shards, checks that the shards
// ran disjoint runs, that a restart skips finished runs, and that the report merges both shards'
// rows into one table with its figures.
func TestSweepShardsMergeIntoOneReport(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three tiny runs; skipped with -short")
	}
	dir := t.TempDir()
	tinyConfig(t, dir, 3)
	sweep := filepath.Join(dir, "sweep.yaml")
	body := `name: tiny
base: tiny.yaml
set: {eval: {protocols: [linear]}, monitor_every: 3}
axes:
  - key: representations
    subsets: [none, each]
    from: [image, std]
`
	if err := os.WriteFile(sweep, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var ran [2][]string
	for i, shard := range []string{"0/2", "1/2"} {
		code, stdout, errOut := runCLI("sweep", sweep, "--shard", shard, "--out", out)
		if code != 0 {
			t.Fatalf("shard %s: exit %d\n%s\n%s", shard, code, stdout, errOut)
		}
		for _, line := range strings.Split(stdout, "\n") {
			if strings.HasPrefix(line, "[") {
				ran[i] = append(ran[i], strings.Fields(line)[1])
			}
		}
	}
	if len(ran[0]) != 2 || len(ran[1]) != 1 || ran[1][0] == ran[0][0] || ran[1][0] == ran[0][1] {
		t.Errorf("shards ran %v and %v; want 2 and 1 disjoint runs", ran[0], ran[1])
	}
	code, stdout, _ := runCLI("sweep", sweep, "--shard", "0/2", "--out", out)
	if code != 0 || strings.Count(stdout, "finished already, skipped") != 2 {
		t.Errorf("restarting shard 0/2: exit %d, want both runs skipped:\n%s", code, stdout)
	}
	report := filepath.Join(dir, "report")
	code, stdout, errOut := runCLI("report", "--out", report, out)
	if code != 0 {
		t.Fatalf("report: exit %d\n%s\n%s", code, stdout, errOut)
	}
	rows, err := runs.ReadRows(filepath.Join(report, "results.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.Axes["representations"]] = true
		if r.Sweep != "tiny" || r.Protocol != "linear" || r.Step != 3 || !(r.Top1 > 0.1) {
			t.Errorf("row %+v", r)
		}
	}
	if len(rows) != 3 || !seen["none"] || !seen["image"] || !seen["std"] {
		t.Errorf("merged %d rows with representations %v; want none, image, std", len(rows), seen)
	}
	md, err := os.ReadFile(filepath.Join(report, "results.md"))
	if err != nil || strings.Count(string(md), "| linear |") != 3 {
		t.Errorf("results.md (%v):\n%s", err, md)
	}
	// The runs logged the held-out dCor diagnostics that the traces draw (3 steps and the record
	// before training).
	hist, err := runs.ReadHistoryCSV(filepath.Join(out, rows[0].Run, runs.FileHistory))
	if err != nil || len(hist.Series("dcor_diag/image")) != 4 || len(hist.Series("dcor_diag/std")) != 4 {
		t.Errorf("history of %s lacks dcor_diag/image and dcor_diag/std (%v): %v", rows[0].Run, err, hist.Names())
	}
	for _, f := range []string{"results.csv", "results.html", "ablation.png", "ablation.svg", "dcor_traces.png"} {
		if info, err := os.Stat(filepath.Join(report, f)); err != nil || info.Size() == 0 {
			t.Errorf("report file %s: %v", f, err)
		}
	}
}
