package runs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// checkpointStep is the step of the checkpoint file at path.
func checkpointStep(t *testing.T, path string) int64 {
	t.Helper()
	_, step, err := mvmr.ReadCheckpointHistory(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return step
}

// TestDamagedCheckpointHeaderFallsBack damages ten bytes of the newest checkpoint's header
// (issue 20's std_epsilon → xxxxxxxxxxn): the run resumes from the previous checkpoint, with a
// warning naming the damage.
func TestDamagedCheckpointHeaderFallsBack(t *testing.T) {
	config := tinyRun(t, "steps=3")
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := Run(ctx, config, dir, Options{Progress: &cancelAt{prefix: "step 2/", cancel: cancel}, ProgressEvery: 1}); err == nil {
		t.Fatal("the run was not interrupted")
	}
	ckpt := filepath.Join(dir, FileCheckpoint)
	if got := checkpointStep(t, ckpt); got != 2 {
		t.Fatalf("newest checkpoint at step %d; want 2", got)
	}
	raw, err := os.ReadFile(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(raw, []byte(`"std_epsilon"`))
	if i < 0 {
		t.Fatal("no std_epsilon key in the checkpoint header")
	}
	copy(raw[i+1:], "xxxxxxxxxx")
	if err := os.WriteFile(ckpt, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := OpenData(config.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	tr, warning, err := loadCheckpoint(dir, data.SSL)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if tr.Step() != 1 || !strings.Contains(warning, `unknown key "xxxxxxxxxxn"`) || !strings.Contains(warning, FilePrevCheckpoint) {
		t.Errorf("resumed at step %d with warning %q; want step 1 from %s, naming the damaged key", tr.Step(), warning, FilePrevCheckpoint)
	}
	var log bytes.Buffer
	if _, err := Run(context.Background(), config, dir, Options{Resume: true, Log: &log}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "xxxxxxxxxxn") || !Finished(dir) {
		t.Errorf("resuming past the damaged checkpoint: finished %v, log %q", Finished(dir), log.String())
	}
}

// TestWriteFaultsKeepThePreviousState fills the disk in the middle of a run (every write into
// the run folder fails from the fourth checkpoint on) and gives a run a folder it cannot write:
// each gives one error naming the file and the cause, and leaves the previous checkpoints and
// status readable; once the disk has room the run resumes and finishes.
func TestWriteFaultsKeepThePreviousState(t *testing.T) {
	config := tinyRun(t)
	dir := t.TempDir()
	var saves atomic.Int32
	var full atomic.Bool
	remove := atomicfile.InjectFault(func(path string) error {
		if filepath.Dir(path) != dir {
			return nil
		}
		if filepath.Base(path) == FileCheckpoint && saves.Add(1) == 4 {
			full.Store(true)
		}
		if full.Load() {
			return syscall.ENOSPC
		}
		return nil
	})
	defer remove()
	_, err := Run(context.Background(), config, dir, Options{})
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "checkpoint of step 4 not saved") ||
		!strings.Contains(err.Error(), filepath.Join(dir, FileCheckpoint)) || strings.Count(err.Error(), "no space left") != 1 {
		t.Fatalf("error %v; want one naming the checkpoint of step 4 and the full disk", err)
	}
	if got := checkpointStep(t, filepath.Join(dir, FileCheckpoint)); got != 3 {
		t.Errorf("newest checkpoint at step %d; want 3 (the last saved)", got)
	}
	if got := checkpointStep(t, filepath.Join(dir, FilePrevCheckpoint)); got != 2 {
		t.Errorf("previous checkpoint at step %d; want 2", got)
	}
	if s, err := ReadStatus(dir); err != nil || s.State != StateRunning || s.Step != 3 {
		t.Errorf("status %+v (%v); want the last written one, running at step 3", s, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	remove()
	if _, err := Run(context.Background(), config, dir, Options{Resume: true}); err != nil || !Finished(dir) {
		t.Fatalf("resuming once the disk has room: %v (finished %v)", err, Finished(dir))
	}

	// A folder that cannot be written: nothing is written, one error names the first file.
	locked := filepath.Join(t.TempDir(), "locked")
	remove = atomicfile.InjectFault(func(path string) error {
		if filepath.Dir(path) == locked {
			return syscall.EACCES
		}
		return nil
	})
	defer remove()
	_, err = Run(context.Background(), config, locked, Options{})
	if !errors.Is(err, syscall.EACCES) || !strings.Contains(err.Error(), filepath.Join(locked, FileConfig)) {
		t.Errorf("error %v; want one naming %s and permission denied", err, FileConfig)
	}
	if entries, _ := os.ReadDir(locked); len(entries) != 0 {
		t.Errorf("the unwritable folder holds %d entries", len(entries))
	}
}
