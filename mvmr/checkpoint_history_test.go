package mvmr

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

func TestReadCheckpointHistoryEqualsTheTrainers(t *testing.T) {
	train, _ := testutil.MNIST(t, 256, 0)
	tr := newTestTrainer(t, tinyConfig(4), train)
	if err := tr.Train(3); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "run.mvmr")
	if err := tr.Save(path); err != nil {
		t.Fatal(err)
	}
	h, step, err := ReadCheckpointHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	want := tr.History()
	if step != 3 || !slices.Equal(h.Steps(), want.Steps()) || !slices.Equal(h.Names(), want.Names()) || h.Len() != 3 {
		t.Fatalf("step %d, steps %v, names %v; want step 3, steps %v, names %v", step, h.Steps(), h.Names(), want.Steps(), want.Names())
	}
	for _, name := range want.Names() {
		if !slices.Equal(h.Series(name), want.Series(name)) {
			t.Errorf("%s: %v, the trainer has %v", name, h.Series(name), want.Series(name))
		}
	}

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw[:len(raw)-10], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadCheckpointHistory(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("a truncated checkpoint gave %v; want an error naming %s", err, path)
	}
}
