package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// finishRun writes the folder of a finished sweep run: its status (done) and one result row.
func finishRun(t *testing.T, sweepDir, id string) {
	t.Helper()
	dir := filepath.Join(sweepDir, id)
	row := runs.Row{Sweep: "race", Run: id, Representations: "none", L3Mode: "maximize",
		Result: mvmr.Result{Protocol: "linear", Top1: 0.5, Step: 3}}
	raw, err := json.Marshal(row)
	if err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, runs.FileResults), append(raw, '\n')); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteJSON(filepath.Join(dir, runs.FileStatus), runs.Status{State: runs.StateDone, Step: 3}); err != nil {
		t.Fatal(err)
	}
}

// mergedRuns are the run ids in the sweep folder's merged results.jsonl, sorted.
func mergedRuns(t *testing.T, sweepDir string) []string {
	t.Helper()
	rows, err := runs.ReadRows(filepath.Join(sweepDir, "results.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.Run)
	}
	slices.Sort(ids)
	return ids
}

// TestSweepShardsFinishingTogetherMergeEveryRun plays the race of two shards that finish at the
// same moment: shard 0 collects its run, then shard 1 finishes and merges both, then shard 0
// writes what it collected. The merged results must still hold both runs. Then two goroutines
// finish and merge at once, many times over.
func TestSweepShardsFinishingTogetherMergeEveryRun(t *testing.T) {
	dir := t.TempDir()
	finishRun(t, dir, "run-a")
	mergeCollected = func() {
		mergeCollected = nil // shard 1's own merge runs undisturbed
		finishRun(t, dir, "run-b")
		if err := writeMergedResults(dir, "race", io.Discard, []string{dir}); err != nil {
			t.Error(err)
		}
	}
	defer func() { mergeCollected = nil }()
	if err := writeMergedResults(dir, "race", io.Discard, []string{dir}); err != nil {
		t.Fatal(err)
	}
	if got := mergedRuns(t, dir); !slices.Equal(got, []string{"run-a", "run-b"}) {
		t.Errorf("merged runs %v after the race; want run-a and run-b", got)
	}

	for round := range 10 {
		dir := t.TempDir()
		var wg sync.WaitGroup
		for shard := range 2 {
			wg.Go(func() {
				finishRun(t, dir, fmt.Sprintf("run-%d-%d", round, shard))
				if err := writeMergedResults(dir, "race", io.Discard, []string{dir}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := mergedRuns(t, dir); len(got) != 2 {
			t.Fatalf("round %d: merged runs %v; want both shards' runs", round, got)
		}
	}
}

// TestFailedMergeKeepsThePreviousResults fills the disk while the merged results are written:
// one error names the file, and the previous merged results stay as they were.
func TestFailedMergeKeepsThePreviousResults(t *testing.T) {
	dir := t.TempDir()
	finishRun(t, dir, "run-a")
	if err := writeMergedResults(dir, "merge", io.Discard, []string{dir}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, "results.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	finishRun(t, dir, "run-b")
	remove := atomicfile.InjectFault(func(path string) error {
		if filepath.Dir(path) == dir && filepath.Ext(path) == ".jsonl" {
			return syscall.ENOSPC
		}
		return nil
	})
	defer remove()
	err = writeMergedResults(dir, "merge", io.Discard, []string{dir})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error %v; want no space left on device", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "results.jsonl")); string(after) != string(before) {
		t.Errorf("results.jsonl changed by a failed merge:\n%s\nwant\n%s", after, before)
	}
}
