package runs

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// TestRunMonitorsByDefault checks that a run records the default monitors (collapse and
// dcor_diag, not the online probe) without asking, before training and every monitor_every steps
// (history.csv keeps the record before training at history.InitialStep), and that
// monitor_every: 0 turns every monitor off.
func TestRunMonitorsByDefault(t *testing.T) {
	if d := Default(); d.MonitorEvery != DefaultMonitorEvery || !slices.Equal(d.Monitors, DefaultMonitors) {
		t.Fatalf("Default() monitor_every %d, monitors %v; want %d and %v", d.MonitorEvery, d.Monitors, DefaultMonitorEvery, DefaultMonitors)
	}
	root := t.TempDir()
	config := tinyRun(t, "steps=4", "monitor_every=2", "eval.protocols=[]")
	if _, err := Run(context.Background(), config, filepath.Join(root, "default"), Options{}); err != nil {
		t.Fatal(err)
	}
	h, err := ReadHistoryCSV(filepath.Join(root, "default", FileHistory))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{mvmr.HistoryZRankMe, mvmr.HistoryHStdMin, mvmr.HistoryDCorDiagPrefix + "image", mvmr.HistoryDCorDiagPrefix + "std"} {
		s := h.Series(name)
		// Rows: before training (history.InitialStep), then steps 0-3 (0-based).
		if len(s) != 5 || math.IsNaN(s[0]) || !math.IsNaN(s[1]) || math.IsNaN(s[2]) || !math.IsNaN(s[3]) || math.IsNaN(s[4]) {
			t.Errorf("%s = %v; want records before training and after steps 2 and 4 only", name, s)
		}
	}
	if steps := h.Steps(); len(steps) == 0 || steps[0] != history.InitialStep {
		t.Errorf("history.csv steps %v; want the record before training first, at step %d", steps, history.InitialStep)
	}
	for _, name := range h.Names() {
		if strings.HasPrefix(name, "online/") {
			t.Errorf("the online probe ran by default: %s in %v", name, h.Names())
		}
	}

	off := tinyRun(t, "steps=4", "monitor_every=0", "eval.protocols=[]")
	if _, err := Run(context.Background(), off, filepath.Join(root, "off"), Options{}); err != nil {
		t.Fatal(err)
	}
	h, err = ReadHistoryCSV(filepath.Join(root, "off", FileHistory))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range h.Names() {
		if strings.Contains(name, "/") && !strings.HasPrefix(name, history.DCorTermPrefix) {
			t.Errorf("monitor_every: 0 recorded %s", name)
		}
	}
}
