package runs

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeSweep(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "base.yaml"), []byte("steps: 50\nrepresentations: [image, std, hog]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sweep.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const ablationSweep = `
name: ablation
base: base.yaml
set: {batch_size: 64, dataset: {limit: 1000}}
axes:
  - key: representations
    subsets: [none, each, all]
  - key: l3_mode
    values: [maximize, official]
  - key: seed
    values: [1, 2]
`

func TestSweepExpandsAxes(t *testing.T) {
	path := writeSweep(t, ablationSweep)
	s, err := LoadSweep(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.OutDir() != filepath.Join(filepath.Dir(path), "ablation") {
		t.Errorf("out dir %s", s.OutDir())
	}
	runs, err := s.Runs()
	if err != nil {
		t.Fatal(err)
	}
	// (none + 3 alone + all) × 2 modes × 2 seeds.
	if len(runs) != 20 {
		t.Fatalf("%d runs; want 20", len(runs))
	}
	ids := map[string]bool{}
	subsets := map[string]bool{}
	for _, r := range runs {
		if ids[r.ID] {
			t.Errorf("run id %s twice", r.ID)
		}
		ids[r.ID] = true
		c := r.Config
		if c.Steps != 50 || c.BatchSize != 64 || c.Dataset.Limit != 1000 || c.Dataset.Name != "mnist" {
			t.Errorf("run %s: base and set not applied: %+v", r.ID, c)
		}
		if c.Representations.Label() != r.Axes["representations"] || c.L3Mode != r.Axes["l3_mode"] || r.Axes["seed"] != strings.TrimSpace(show(c.Seed)) {
			t.Errorf("run %s: config %s/%s/%d does not match its axes %v", r.ID, c.Representations.Label(), c.L3Mode, c.Seed, r.Axes)
		}
		subsets[r.Axes["representations"]] = true
	}
	for _, want := range []string{"none", "image", "std", "hog", "image+std+hog"} {
		if !subsets[want] {
			t.Errorf("no run with representations %s (got %v)", want, subsets)
		}
	}
	if runs[0].Axes["representations"] != "none" || runs[0].Axes["seed"] != "1" || runs[1].Axes["seed"] != "2" {
		t.Errorf("expected the first axis slowest, the last fastest: %v, %v", runs[0].Axes, runs[1].Axes)
	}
	// Stable ids: the same on a second expansion, and readable.
	again, _ := s.Runs()
	for i := range runs {
		if again[i].ID != runs[i].ID {
			t.Errorf("run %d id %s then %s", i, runs[i].ID, again[i].ID)
		}
	}
	if !strings.HasPrefix(runs[0].ID, "representations-none_l3_mode-maximize_seed-1-") {
		t.Errorf("id %s", runs[0].ID)
	}
}

func TestShardsAreDisjointAndCoverTheSweep(t *testing.T) {
	s, err := LoadSweep(writeSweep(t, ablationSweep))
	if err != nil {
		t.Fatal(err)
	}
	runs, err := s.Runs()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 3, 7, 25} {
		var all []string
		for i := range n {
			sh, err := ParseShard(strings.TrimSpace(show(i)) + "/" + strings.TrimSpace(show(n)))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range sh.Select(runs) {
				all = append(all, r.ID)
			}
		}
		slices.Sort(all)
		if len(all) != len(runs) || len(slices.Compact(slices.Clone(all))) != len(runs) {
			t.Errorf("%d shards hold %d runs (%d distinct); want each of the %d runs once", n, len(all), len(slices.Compact(all)), len(runs))
		}
	}
	for _, bad := range []string{"3/3", "-1/2", "1", "a/b", "0/0"} {
		if _, err := ParseShard(bad); err == nil || !strings.Contains(err.Error(), "expected i/n") {
			t.Errorf("--shard %s: %v", bad, err)
		}
	}
}

func TestSweepErrorsAreNamed(t *testing.T) {
	cases := []struct{ body, want string }{
		{"axes:\n  - key: seed\n    valuez: [1]\n", "axes[0].valuez"},
		{"nam: x\n", "nam (allowed: name, base, set, out, axes)"},
		{"axes:\n  - key: lr\n    values: [1e-3, -1]\n", "run lr=-1: lr = -1: expected a positive finite number"},
		{"axes:\n  - key: seed\n    subsets: [none]\n", "axes[0].subsets: only for key representations"},
		{"axes:\n  - key: seed\n", "axes[0] (seed) has no values"},
		{"axes:\n  - key: seed\n    values: [1, 1]\n", "value 1 appears twice"},
		{"axes:\n  - key: representations\n    subsets: [none, foo]\n", `representations[0].name = "foo"`},
		{"base: missing.yaml\n", "missing.yaml"},
	}
	for _, tc := range cases {
		s, err := LoadSweep(writeSweep(t, tc.body))
		if err == nil {
			_, err = s.Runs()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("sweep %q: error %v; expected it to contain %q", tc.body, err, tc.want)
		}
	}
}

func TestSweepOfTooManyRunsIsRefused(t *testing.T) {
	var body strings.Builder
	body.WriteString("axes:\n")
	for _, key := range []string{"seed", "lr", "wd", "batch_size", "steps"} {
		body.WriteString("  - key: " + key + "\n    values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n")
	}
	s, err := LoadSweep(writeSweep(t, body.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Runs(); err == nil || !strings.Contains(err.Error(), "axes[4] (steps) make more than 10000 runs") {
		t.Errorf("a sweep of 10⁵ runs: error %v", err)
	}
}
