package runs

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// TestLoadHistoryAndReadResolvedOfARunFolder checks the run-folder readers on folders written by
// hand: a finished run's history comes from history.csv; a folder without one and without a
// checkpoint is an error naming both checkpoints; config.resolved.json reads back as written,
// and its absence is fs.ErrNotExist. (The history of a checkpoint of a run still going on is
// checked by notebooks' TestConfigRunDescribeTimeTrainResume, which trains one.)
func TestLoadHistoryAndReadResolvedOfARunFolder(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadHistory(dir); err == nil || !strings.Contains(err.Error(), FileCheckpoint) ||
		!strings.Contains(err.Error(), FilePrevCheckpoint) || !strings.Contains(err.Error(), "no history yet") {
		t.Errorf("history of an empty folder: %v; want an error naming both checkpoints", err)
	}
	if _, err := ReadResolved(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("resolved config of an empty folder: %v; want fs.ErrNotExist", err)
	}

	// A finished run: status done, its results and history.csv.
	os.WriteFile(filepath.Join(dir, FileHistory), []byte("step,mse,total\n0,0.5,1\n1,0.25,0.75\n"), 0o644)
	os.WriteFile(filepath.Join(dir, FileResults), []byte(`{"run":"a","protocol":"linear"}`+"\n"), 0o644)
	if err := atomicfile.WriteJSON(filepath.Join(dir, FileStatus), Status{State: StateDone, Step: 2, TotalSteps: 2}); err != nil {
		t.Fatal(err)
	}
	h, err := LoadHistory(dir)
	if err != nil || h.Len() != 2 || h.Series("total")[1] != 0.75 {
		t.Errorf("history of a finished run: %v, %v; want history.csv's two steps", h, err)
	}

	want := mvmr.QuickstartConfig(600)
	if err := atomicfile.WriteJSON(filepath.Join(dir, FileResolved), want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadResolved(dir)
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if err != nil || string(gotJSON) != string(wantJSON) || got.BatchSize != 256 {
		t.Errorf("resolved config read back as %s, %v; want %s", gotJSON, err, wantJSON)
	}
	os.WriteFile(filepath.Join(dir, FileResolved), []byte("{not json"), 0o644)
	if _, err := ReadResolved(dir); err == nil || !strings.Contains(err.Error(), FileResolved) {
		t.Errorf("a malformed resolved config: %v; want an error naming the file", err)
	}
}
