package notebooks

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

func defineForTest(t *testing.T, args ...string) *Flags {
	t.Helper()
	fs := flag.NewFlagSet("cell", flag.ContinueOnError)
	f := Define(fs, "test",
		Settings{Steps: 300, Batch: 256, Reps: []string{"image", "std"}, Seeds: 2, Dir: t.TempDir()},
		Settings{Steps: 20, Batch: 64, ProbeTrain: 5000, ProbeTest: 1000})
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSettingsPrecedence(t *testing.T) {
	t.Setenv(QuickEnv, "")
	f := defineForTest(t)
	s, err := f.NewRun(nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Steps != 300 || s.Batch != 256 || s.Seeds != 2 || !slices.Equal(s.Reps, []string{"image", "std"}) || s.Quick {
		t.Errorf("defaults: got %+v", s)
	}

	// Quick settings replace only their non-zero fields; explicit flags win over both.
	t.Setenv(QuickEnv, "1")
	dir := t.TempDir()
	f = defineForTest(t, "--batch=32", "--reps=hog", "--dir="+dir)
	s, err = f.NewRun(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{Steps: 20, Batch: 32, Reps: []string{"hog"}, Seeds: 2, ProbeTrain: 5000, ProbeTest: 1000, Dir: dir, Quick: true}
	if s.String() != want.String() {
		t.Errorf("quick + flags: got %v, want %v", s, want)
	}

	// A later cell reads the saved settings; its own flags apply to it only.
	later := defineForTest(t, "--dir="+dir, "--steps=7")
	got, err := later.Load()
	if err != nil {
		t.Fatal(err)
	}
	want.Steps = 7
	if got.String() != want.String() {
		t.Errorf("Load with --steps=7: got %v, want %v", got, want)
	}
	again, err := defineForTest(t, "--dir="+dir).Load()
	if err != nil || again.Steps != 20 {
		t.Errorf("Load without flags: steps %d (err %v), want the saved 20", again.Steps, err)
	}
	// Another notebook reads them from the run directory (05 reads 03's).
	if saved, err := ReadSettings(dir); err != nil || saved.String() != s.String() {
		t.Errorf("ReadSettings: %v (err %v), want %v", saved, err, s)
	}
	if _, err := ReadSettings(t.TempDir()); err == nil || !strings.Contains(err.Error(), "run the settings cell first") {
		t.Errorf("ReadSettings of an empty folder: %v", err)
	}
}

func TestSettingsErrors(t *testing.T) {
	t.Setenv(QuickEnv, "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--steps=0"}, "--steps=0"},
		{[]string{"--batch=1"}, "--batch = 1: expected an integer >= 2"},
		{[]string{"--seeds=0"}, "--seeds=0"},
		{[]string{"--reps=image,nosuchrep"}, `"nosuchrep"`},
		{[]string{"--probe_train=-1"}, "--probe_train=-1"},
		{[]string{"--probe_test=-2"}, "--probe_test=-2"},
	} {
		_, err := defineForTest(t, c.args...).NewRun(nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one naming %s", c.args, err, c.want)
		}
	}
	_, err := defineForTest(t, "--dir="+filepath.Join(t.TempDir(), "never")).Load()
	if err == nil || !strings.Contains(err.Error(), "run the settings cell first") {
		t.Errorf("Load before NewRun: error %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, SettingsFile), []byte("{trunc"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = defineForTest(t, "--dir="+dir).Load()
	if err == nil || !strings.Contains(err.Error(), SettingsFile) {
		t.Errorf("Load of a broken settings file: error %v, want one naming %s", err, SettingsFile)
	}
}

func TestRunDir(t *testing.T) {
	t.Setenv(RunsEnv, "")
	if got, want := RunDir("01_quickstart"), filepath.Join(os.TempDir(), "mvmr-01_quickstart"); got != want {
		t.Errorf("RunDir without %s: %s, want %s", RunsEnv, got, want)
	}
	t.Setenv(RunsEnv, "/x/runs")
	if got := RunDir("05_report"); got != "/x/runs/mvmr-05_report" {
		t.Errorf("RunDir with %s=/x/runs: %s", RunsEnv, got)
	}
	if got := Define(flag.NewFlagSet("c", flag.ContinueOnError), "02_loss_anatomy", Settings{}, Settings{}).defaults.Dir; got != "/x/runs/mvmr-02_loss_anatomy" {
		t.Errorf("Define's default --dir: %s", got)
	}
}

func TestSettingsConfig(t *testing.T) {
	s := Settings{Steps: 120, Batch: 64, Reps: []string{"image", "hog"}, Seeds: 1, Dir: "x"}
	c := s.Config(3)
	if c.Seed != 3 || c.BatchSize != 64 || c.Optimizer.TotalSteps != 120 {
		t.Errorf("Config: seed %d batch %d total steps %d", c.Seed, c.BatchSize, c.Optimizer.TotalSteps)
	}
	var names []string
	for _, r := range c.Loss.Representations {
		names = append(names, r.Name)
	}
	if !slices.Equal(names, []string{"image", "hog"}) {
		t.Errorf("L3 terms %v, want [image hog]", names)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Config does not validate: %v", err)
	}
	if len(Settings{Steps: 10, Batch: 8, Reps: []string{}}.Config(1).Loss.Representations) != 0 {
		t.Error("--reps=none kept L3 terms")
	}
}

// TestSettingsConfigIsTheQuickstart checks that without --set, Config (resolved through the run
// config) is the quickstart configuration with the settings' steps, batch, seed and L3 terms,
// as the notebooks trained before --set existed. The hog and scatnet terms carry their sections'
// parameters (hog.nbins 24, hog.pool 8, scatnet.J 2, scatnet.L 8), which are the defaults of the
// representations themselves (mvmr/reps): the same terms, written out.
func TestSettingsConfigIsTheQuickstart(t *testing.T) {
	for _, s := range []Settings{
		{Steps: 400, Batch: 256, Reps: []string{"image", "std"}},
		{Steps: 6, Batch: 32, Reps: []string{}},
		{Steps: 100, Batch: 128, Reps: []string{"image", "std", "hog"}},
		{Steps: 1000, Batch: 2, Reps: []string{"dct", "scatnet"}},
	} {
		section := map[string]reps.Params{"hog": {"nbins": 24, "pool": 8}, "scatnet": {"J": 2, "L": 8}}
		want := mvmr.QuickstartConfig(int64(s.Steps))
		want.Seed, want.BatchSize = 5, s.Batch
		want.Loss.Representations = nil
		for _, r := range s.Reps {
			want.Loss.Representations = append(want.Loss.Representations, mvmr.RepresentationTerm{Name: r, Params: section[r], Weight: 1, Mode: mvmr.ModeMaximize})
		}
		if got := s.Config(5); !reflect.DeepEqual(got, want) {
			t.Errorf("%v: Config =\n%+v\nwant\n%+v", s, got, want)
		}
	}
}

// TestSettingsSets checks --set: each key reaches the config, the overrides are saved,
// printed and read back by a later cell, and a key the notebooks cannot honour, or one that
// their own flags set, is one error naming the key and what to use instead.
func TestSettingsSets(t *testing.T) {
	t.Setenv(QuickEnv, "")
	f := defineForTest(t, "--set", "lr=1e-3", "--set", "weights.std=2", "--set", "dataset.aug_policy=cifar",
		"--set", "encoder.channels=[16,32]", "--set", "l3_mode=official", "--set", "scheduler=constant", "--set", "graph_representations=on")
	s, err := f.NewRun(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Config(2)
	if c.Optimizer.LR != 1e-3 || c.Loss.StdWeight != 2 || c.Policy != "cifar" || !slices.Equal(c.Encoder.Channels, []int{16, 32}) ||
		c.Loss.Representations[0].Mode != mvmr.ModeOfficial || c.Optimizer.MinLR != 1e-3 || c.Seed != 2 || c.BatchSize != 256 ||
		c.GraphRepresentations != "on" {
		t.Errorf("--set not applied: lr %g std weight %g policy %q channels %v mode %q min lr %g seed %d batch %d graph_representations %q",
			c.Optimizer.LR, c.Loss.StdWeight, c.Policy, c.Encoder.Channels, c.Loss.Representations[0].Mode, c.Optimizer.MinLR, c.Seed, c.BatchSize,
			c.GraphRepresentations)
	}
	digits, err := defineForTest(t, "--set", "augment.max_rotation=20").NewRun(nil)
	if err != nil || digits.Config(1).Augment.MaxRotation != 20 {
		t.Errorf("--set augment.max_rotation=20: %v; want the digit policy rotating up to 20 degrees", err)
	}
	if !strings.Contains(s.String(), " --set lr=1e-3 --set weights.std=2 --set dataset.aug_policy=cifar") {
		t.Errorf("String does not reproduce the --set flags: %s", s)
	}
	later, err := defineForTest(t, "--dir="+s.Dir).Load()
	if err != nil || !slices.Equal(later.Sets, s.Sets) || later.Config(2).Optimizer.LR != 1e-3 {
		t.Errorf("a later cell reads sets %q (err %v), want %q", later.Sets, err, s.Sets)
	}
	for _, c := range []struct{ set, want string }{
		{"dataset.name=cifar10", "--set dataset.name: not a key this notebook can honour"},
		{"eval.protocols=[knn]", "use notebook " + AnyConfigNotebook},
		{"monitors=[online_probe]", "--set monitors: not a key"},
		{"fp16=true", "--set fp16: not a key"},
		{"steps=10", "use --steps"},
		{"batch_size=64", "use --batch"},
		{"seed=3", "use --seeds"},
		{"representations=hog", "use --reps"},
		{"lr=-1", "lr"},
		{"weights.nosuch=1", "nosuch"},
		{"encoder.type=nosuch", "encoder.type"},
		{"dataset.aug_policy=nosuch", "aug_policy"},
		{"graph_representations=maybe", "graph_representations"},
		{"lr", "expected key=value"},
	} {
		fs := flag.NewFlagSet("cell", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		f := Define(fs, "test", Settings{Steps: 30, Batch: 16, Reps: []string{"image"}, Seeds: 1, Dir: t.TempDir()}, Settings{})
		err := fs.Parse([]string{"--set", c.set})
		if err == nil {
			_, err = f.NewRun(nil)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--set %s: error %v; want one containing %q", c.set, err, c.want)
		}
	}
}

// TestRepsSyntax checks that --reps takes what it took before its parser moved to runs: spaces
// trimmed, empty items and "none" skipped ("" and "none" for no L3 term); and that a bad name
// is named with its index, once in the flags and once in the defaults a notebook declares.
func TestRepsSyntax(t *testing.T) {
	t.Setenv(QuickEnv, "")
	for list, want := range map[string][]string{" image, none,hog,": {"image", "hog"}, "none": {}, "": {}, "std": {"std"},
		"image,std,hog,dct": {"image", "std", "hog", "dct"}} {
		s, err := defineForTest(t, "--reps="+list).NewRun(nil)
		if err != nil || !slices.Equal(s.Reps, want) || s.Reps == nil {
			t.Errorf("--reps=%q: %q, %v; want %q", list, s.Reps, err, want)
		}
	}
	for _, c := range []struct{ list, want string }{
		{"image,nosuchrep", `--reps[1] = "nosuchrep": expected one of `},
		{"image,image", `--reps[1] = "image": expected each representation once`},
	} {
		if _, err := defineForTest(t, "--reps="+c.list).NewRun(nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--reps=%s: %v; want an error containing %q", c.list, err, c.want)
		}
	}
	bad := Settings{Steps: 1, Batch: 2, Reps: []string{"std", "hogg"}, Seeds: 1, Dir: "x"}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), `--reps[1] = "hogg": expected one of `) {
		t.Errorf("settings with reps %q: %v; want the bad name named", bad.Reps, err)
	}
}

func TestSettingsRunTime(t *testing.T) {
	t.Setenv(QuickEnv, "")
	s, err := defineForTest(t).NewRun(nil)
	if err != nil {
		t.Fatal(err)
	}
	line, err := s.RunTime("03_ablation_K.ipynb")
	if err != nil || !strings.HasPrefix(line, "03_ablation_K.ipynb ran in 0s here") || !strings.Contains(line, s.String()) {
		t.Errorf("RunTime: %q, %v", line, err)
	}
	if took, err := s.Took("05_report.ipynb"); err != nil || !strings.HasPrefix(took, "05_report.ipynb ran in 0s here") || strings.Contains(took, "settings:") {
		t.Errorf("Took: %q, %v", took, err)
	}
	if _, err := (Settings{Dir: t.TempDir()}).RunTime("x"); err == nil {
		t.Error("RunTime without a settings file: no error")
	}
}

func TestSettingsRefuseSets(t *testing.T) {
	if err := (Settings{}).RefuseSets("05_report", "it trains nothing"); err != nil {
		t.Errorf("no --set: %v", err)
	}
	err := (Settings{Sets: []string{"lr=1e-3"}}).RefuseSets("05_report", "it trains nothing")
	if err == nil || !strings.Contains(err.Error(), "notebook 05_report: --set lr=1e-3: it trains nothing") {
		t.Errorf("--set lr=1e-3: %v", err)
	}
}
