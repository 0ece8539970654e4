package mvmr

import (
	"bytes"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mvmr-ssl/mvmr-go/datasets"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

var onlineNames = []string{HistoryOnlineTop1, HistoryOnlineTop5, HistoryOnlineTestTop1, HistoryOnlineTestTop5}

// sameBits reports whether a and b hold the same float64 values bit for bit (NaN included).
func sameBits(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

func addTestProbe(t *testing.T, tr *Trainer, test *datasets.Dataset, every int) *OnlineProbe {
	t.Helper()
	p, err := NewOnlineProbe(10, every, test, 1)
	if err != nil {
		t.Fatal(err)
	}
	p.LR = 1e-2 // moves the head visibly in a few steps
	tr.AddMonitor(p)
	return p
}

// resumeForTest loads the checkpoint at path on train, its progress lines into the buffer returned.
func resumeForTest(t *testing.T, path string, train *datasets.Dataset) (*Trainer, *bytes.Buffer) {
	t.Helper()
	tr, err := LoadTrainerWithBackend(testBackend(t), path, train)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.Close)
	progress := &bytes.Buffer{}
	tr.Progress = progress
	return tr, progress
}

func TestOnlineProbeResumesExactlyFromACheckpoint(t *testing.T) {
	train, test := testutil.MNIST(t, 512, 64)
	config := tinyConfig(8)
	// Records after steps 2 and 5 (0-based); the save after 4 steps falls between them, with the
	// counts of step 3 pending.
	const every, n, m = 3, 4, 3

	straight := newTestTrainer(t, config, train)
	straightProbe := addTestProbe(t, straight, test, every)
	if err := straight.Train(n + m); err != nil {
		t.Fatal(err)
	}

	first := newTestTrainer(t, config, train)
	addTestProbe(t, first, test, every)
	if err := first.Train(n); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ckpt.mvmr")
	if err := first.Save(path); err != nil {
		t.Fatal(err)
	}
	resumed, progress := resumeForTest(t, path, train)
	resumedProbe := addTestProbe(t, resumed, test, every)
	if err := resumed.Train(m); err != nil {
		t.Fatal(err)
	}
	for _, name := range onlineNames {
		a, b := straight.History().Series(name), resumed.History().Series(name)
		if len(a) != n+m || !sameBits(a, b) {
			t.Errorf("%s: %d steps straight %v; %d + save + load + %d: %v", name, n+m, a, n, m, b)
		}
	}
	if v := straight.History().Series(HistoryOnlineTop1)[5]; math.IsNaN(v) {
		t.Errorf("no online record after step 5: %v", straight.History().Series(HistoryOnlineTop1))
	}
	want := snapshotStore(t, straightProbe)
	if got := snapshotStore(t, resumedProbe); len(want) < 3 || !maps.Equal(want, got) {
		t.Errorf("probe state after resuming differs from the straight run's (%d vs %d variables)", len(got), len(want))
	}
	if strings.Contains(progress.String(), "note:") {
		t.Errorf("unexpected notice on resume: %q", progress.String())
	}
}

func TestOldCheckpointStartsTheOnlineProbeFresh(t *testing.T) {
	train, test := testutil.MNIST(t, 512, 64)
	config := tinyConfig(8)
	// A run without monitors writes a checkpoint without a "monitors" field: the format written
	// before monitor states were saved.
	old := newTestTrainer(t, config, train)
	if err := old.Train(2); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.mvmr")
	if err := old.Save(path); err != nil {
		t.Fatal(err)
	}
	if raw, _ := os.ReadFile(path); bytes.Contains(raw, []byte(`"monitors"`)) {
		t.Fatal("a checkpoint without monitors has a monitors field")
	}
	resumed, progress := resumeForTest(t, path, train)
	probe := addTestProbe(t, resumed, test, 2)
	if err := resumed.Train(2); err != nil {
		t.Fatal(err)
	}
	note := progress.String()
	if strings.Count(note, "holds no state for monitor online_probe") != 1 || !strings.Contains(note, path) || !strings.Contains(note, "starts fresh at step 2") {
		t.Errorf("progress %q; want one notice naming %s, the monitor and step 2", note, path)
	}
	// Fresh: the head's Adam made exactly the 2 updates since the load.
	if steps := probe.StateStore().GetVariable("/" + optimizerScope + "/step"); steps == nil || tensors.ToScalar[int64](steps.MustValue()) != 2 {
		t.Errorf("probe optimizer step variable %v; want 2 updates", steps)
	}
	if s := resumed.History().Series(HistoryOnlineTop1); len(s) != 4 || math.IsNaN(s[3]) {
		t.Errorf("online/top1 = %v; want a record after step 3", s)
	}
}

// snapshotStore returns the raw bytes of every variable of a StatefulMonitor's store, by path.
func snapshotStore(t *testing.T, m StatefulMonitor) map[string]string {
	t.Helper()
	out := map[string]string{}
	for v := range m.StateStore().IterVariables() {
		if !v.HasValue() {
			continue
		}
		if err := v.MustValue().ConstBytes(func(b []byte) { out[v.Path()] = string(b) }); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
