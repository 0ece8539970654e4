package runs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// Files of a run folder. Every file is written atomically (temporary file, fsync, rename, fsync
// of the folder), and status.json says "done" only once everything else is written, so a
// killed run never leaves a folder that looks finished.
const (
	// FileConfig is the run's Config in full, as YAML.
	FileConfig = "config.yaml"
	// FileResolved is the mvmr.Config the run trains with, as JSON.
	FileResolved = "config.resolved.json"
	// FileCheckpoint is the latest checkpoint.
	FileCheckpoint = "checkpoint.mvmr"
	// FilePrevCheckpoint is the checkpoint before it, used when the latest is unreadable.
	FilePrevCheckpoint = "checkpoint.prev.mvmr"
	// FileHistory is the loss components per step, as CSV.
	FileHistory = "history.csv"
	// FileResults holds one JSON result row per evaluation protocol.
	FileResults = "results.jsonl"
	// FileStatus is the run's state (running, interrupted, failed, done) as JSON.
	FileStatus = "status.json"
	// FileLossFigure is the loss-components figure, without extension (.png and .svg).
	FileLossFigure = "loss_components"
)

// ReadResolved reads the mvmr.Config the run in folder dir trains with (config.resolved.json,
// written when the run starts). A missing file is an error wrapping fs.ErrNotExist.
func ReadResolved(dir string) (mvmr.Config, error) {
	var resolved mvmr.Config
	path := filepath.Join(dir, FileResolved)
	raw, err := os.ReadFile(path)
	if err != nil {
		return resolved, fmt.Errorf("runs: %w", err)
	}
	if err := json.Unmarshal(raw, &resolved); err != nil {
		return resolved, fmt.Errorf("runs: %s: %w", path, err)
	}
	return resolved, nil
}

// saveCheckpoint writes a new checkpoint and, once it is complete, keeps the current one as the
// previous one. A kill at any moment leaves at least one complete checkpoint (Save writes through
// a temporary file and the renames are atomic), and a save that fails (a full disk, a folder that
// cannot be written) leaves both checkpoints as they were.
func saveCheckpoint(tr *mvmr.Trainer, dir string) error {
	if err := tr.SaveKeeping(filepath.Join(dir, FileCheckpoint), filepath.Join(dir, FilePrevCheckpoint)); err != nil {
		return fmt.Errorf("runs: %s: checkpoint of step %d not saved (the previous checkpoints are kept): %w", dir, tr.Step(), err)
	}
	return nil
}

// hasCheckpoint reports whether dir holds a checkpoint (latest or previous).
func hasCheckpoint(dir string) bool {
	for _, name := range []string{FileCheckpoint, FilePrevCheckpoint} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// loadCheckpoint loads the latest readable checkpoint of dir: checkpoint.mvmr, or, when that
// one is missing, truncated or corrupt, checkpoint.prev.mvmr. warning says which file was
// unreadable and why when the previous one was used. The error names every file tried.
func loadCheckpoint(dir string, train *datasets.Dataset) (tr *mvmr.Trainer, warning string, err error) {
	var problems []error
	for _, name := range []string{FileCheckpoint, FilePrevCheckpoint} {
		path := filepath.Join(dir, name)
		if _, statErr := os.Stat(path); errors.Is(statErr, fs.ErrNotExist) {
			continue
		}
		tr, err := mvmr.LoadTrainer(path, train)
		if err == nil {
			if len(problems) > 0 {
				warning = fmt.Sprintf("%v; resuming from the previous checkpoint %s (step %d)", problems[0], path, tr.Step())
			}
			return tr, warning, nil
		}
		problems = append(problems, err)
	}
	if len(problems) == 0 {
		return nil, "", fmt.Errorf("runs: %s holds no checkpoint (%s or %s)", dir, FileCheckpoint, FilePrevCheckpoint)
	}
	return nil, "", fmt.Errorf("runs: no readable checkpoint in %s: %w", dir, errors.Join(problems...))
}
