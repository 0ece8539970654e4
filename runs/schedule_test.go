package runs

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// TestRunFollowsTheOfficialSchedules trains short MNIST runs with scheduler cosine and multistep
// and checks the learning rate of every batch in history.csv against the official formulas,
// written out here: CosineAnnealingLR(T_max = epochs · batches per epoch, eta_min = 1e-6)
// stepped once per update, and MultiStepLR stepped at the end of each epoch. 64 images in
// batches of 16: 4 batches per epoch.
func TestRunFollowsTheOfficialSchedules(t *testing.T) {
	const lr, perEpoch = 1e-3, 4
	for _, tc := range []struct {
		name   string
		sets   []string
		accum  int
		epochs int
		want   func(update int) float64 // update from 0
	}{
		{"cosine, 2 batches per update", []string{"scheduler=cosine", "accumulate_grad_batches=2"}, 2, 2, func(u int) float64 {
			return 1e-6 + (lr-1e-6)*(1+math.Cos(math.Pi*float64(u)/(2*perEpoch)))/2
		}},
		{"multistep", []string{"scheduler=multistep", "milestones=[1, 2]", "gamma=0.5"}, 1, 3, func(u int) float64 {
			epoch := u / perEpoch
			return lr * math.Pow(0.5, float64(min(epoch, 2)))
		}},
	} {
		sets := append([]string{"steps=0", "epochs=" + itoa(tc.epochs), "dataset.limit=64", "monitor_every=0", "checkpoint_every=100"}, tc.sets...)
		config := tinyRun(t, sets...)
		dir := filepath.Join(t.TempDir(), "run")
		if _, err := Run(context.Background(), config, dir, Options{}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		h, err := ReadHistoryCSV(filepath.Join(dir, FileHistory))
		if err != nil {
			t.Fatal(err)
		}
		lrs := h.Series(history.LR)
		if len(lrs) != tc.epochs*perEpoch {
			t.Fatalf("%s: %d rows in history.csv; want %d batches", tc.name, len(lrs), tc.epochs*perEpoch)
		}
		for b, got := range lrs {
			if want := tc.want(b / tc.accum); math.Abs(got-want) > 1e-6*lr {
				t.Errorf("%s: batch %d (update %d) lr %.9g; want %.9g", tc.name, b+1, b/tc.accum+1, got, want)
			}
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestRunFolderConfigBeforeTheOfficialSchedules: a run folder's config.yaml written before the
// official schedule names (every key, no gamma) says scheduler: cosine for the kit's schedule;
// it reads back as warmup_cosine_kit, the same resolved optimizer as the default, while a
// config that asks for cosine gets the official one.
func TestRunFolderConfigBeforeTheOfficialSchedules(t *testing.T) {
	raw, err := Default().YAML()
	if err != nil {
		t.Fatal(err)
	}
	old := strings.ReplaceAll(string(raw), "scheduler: warmup_cosine_kit", "scheduler: cosine")
	old = regexp.MustCompile(`(?m)^(gamma|milestones):.*\n`).ReplaceAllString(old, "")
	if old == string(raw) || strings.Contains(old, "gamma") {
		t.Fatalf("could not make the old file from:\n%s", raw)
	}
	path := filepath.Join(t.TempDir(), FileConfig)
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := LoadRunConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if l.Config.Scheduler != "warmup_cosine_kit" || !sameFinishedConfig(path, Default()) {
		t.Errorf("an old run folder's config: scheduler %q; want warmup_cosine_kit, the same config as Default", l.Config.Scheduler)
	}
	asked, err := Parse([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	if asked.Config.Scheduler != "cosine" || asked.Config.MinLR != 0 {
		t.Errorf("a config asking for cosine: %q, min_lr %g; want the official cosine (with the file's min_lr 0)", asked.Config.Scheduler, asked.Config.MinLR)
	}
}
