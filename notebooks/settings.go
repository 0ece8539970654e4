package notebooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/internal/nbexec"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// QuickEnv is the environment variable that, set to "1", makes every notebook run its quick
// settings (a few steps, small probes): what the notebook test and CI execute. The notebooks'
// defaults stay the meaningful ones. The executor (internal/nbexec) spells it once.
const QuickEnv = nbexec.QuickEnv

// HeadlessEnv is the environment variable the kit's notebook runner sets to "1": the cells run
// with no browser (nbconvert), so Playground shows no widgets. The executor spells it once.
const HeadlessEnv = nbexec.HeadlessEnv

// SettingsFile is the name of the file, in a notebook's run directory, that keeps the settings
// of the settings cell for the cells after it (GoNB runs each cell as a new program).
const SettingsFile = "settings.json"

// Settings are what a notebook's reader changes without editing code, as flags on the `%%`
// line of the notebook's settings cell, for example
//
//	%% --steps=1000 --batch=128 --reps=image,std,hog
type Settings struct {
	// Steps is the number of training steps of each run (and its learning-rate schedule).
	Steps int `json:"steps"`
	// Batch is the number of images per step.
	Batch int `json:"batch"`
	// Reps are the representations of the L3 terms (registered names; empty for none).
	Reps []string `json:"reps"`
	// Seeds is the number of seeds each configuration is trained with (1, 2, ...).
	Seeds int `json:"seeds"`
	// ProbeTrain is the number of training images the probes fit on (0: all of them).
	ProbeTrain int `json:"probe_train"`
	// ProbeTest is the number of test images the probes are scored on (0: all of them).
	ProbeTest int `json:"probe_test"`
	// Dir is the run directory: checkpoints, results and figures.
	Dir string `json:"dir"`
	// Quick says the quick settings were used (QuickEnv=1 or --quick).
	Quick bool `json:"quick"`
}

// Flags are a notebook's Settings as command-line flags. Declare them at the top level of a
// notebook (a declaration cell), so that they exist before GoNB's `%%` calls flag.Parse:
//
//	var flags = notebooks.Define(flag.CommandLine, "02_loss_anatomy", defaults, quick)
type Flags struct {
	name            string
	defaults, quick Settings
	fs              *flag.FlagSet
	steps, batch    *int
	seeds, probe    *int
	probeTest       *int
	reps, dir       *string
	quickFlag       *bool
}

// Define registers --steps, --batch, --reps, --seeds, --probe_train, --probe_test, --dir and
// --quick on fs.
// defaults are the notebook's meaningful settings; the non-zero fields of quick replace them
// under QuickEnv=1 or --quick. An empty defaults.Dir means os.TempDir()/mvmr-NAME.
func Define(fs *flag.FlagSet, name string, defaults, quick Settings) *Flags {
	if defaults.Dir == "" {
		defaults.Dir = RunDir(name)
	}
	f := &Flags{name: name, defaults: defaults, quick: quick, fs: fs}
	f.steps = fs.Int("steps", defaults.Steps, "training steps of each run")
	f.batch = fs.Int("batch", defaults.Batch, "images per training step")
	f.reps = fs.String("reps", strings.Join(defaults.Reps, ","), "comma-separated representations of the L3 terms (\"\" or none for no L3 term); see mvmr rep -list")
	f.seeds = fs.Int("seeds", defaults.Seeds, "seeds per configuration")
	f.probe = fs.Int("probe_train", defaults.ProbeTrain, "training images the probes fit on (0: all)")
	f.probeTest = fs.Int("probe_test", defaults.ProbeTest, "test images the probes are scored on (0: all)")
	f.dir = fs.String("dir", defaults.Dir, "run directory: checkpoints, results, figures")
	f.quickFlag = fs.Bool("quick", os.Getenv(QuickEnv) == "1", "use the notebook's quick settings (also "+QuickEnv+"=1)")
	return f
}

// base returns the defaults, with the quick settings applied when asked for.
func (f *Flags) base() Settings {
	s := f.defaults
	s.Reps = slices.Clone(s.Reps)
	if !*f.quickFlag {
		return s
	}
	s.Quick = true
	q := f.quick
	if q.Steps != 0 {
		s.Steps = q.Steps
	}
	if q.Batch != 0 {
		s.Batch = q.Batch
	}
	if q.Reps != nil {
		s.Reps = slices.Clone(q.Reps)
	}
	if q.Seeds != 0 {
		s.Seeds = q.Seeds
	}
	if q.ProbeTrain != 0 {
		s.ProbeTrain = q.ProbeTrain
	}
	if q.ProbeTest != 0 {
		s.ProbeTest = q.ProbeTest
	}
	if q.Dir != "" {
		s.Dir = q.Dir
	}
	return s
}

// explicit overrides s with the flags given on this cell's `%%` line.
func (f *Flags) explicit(s Settings) (Settings, error) {
	var err error
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "steps":
			s.Steps = *f.steps
		case "batch":
			s.Batch = *f.batch
		case "reps":
			s.Reps, err = runs.ParseRepresentationNames("--reps", *f.reps)
		case "seeds":
			s.Seeds = *f.seeds
		case "probe_train":
			s.ProbeTrain = *f.probe
		case "probe_test":
			s.ProbeTest = *f.probeTest
		case "dir":
			s.Dir = *f.dir
		}
	})
	return s, err
}

// Validate checks the settings and returns an error naming the bad flag.
func (s Settings) Validate() error {
	switch {
	case s.Steps < 1:
		return fmt.Errorf("--steps=%d; expected >= 1", s.Steps)
	case s.Batch < mvmr.MinBatchSize:
		return mvmr.CheckBatchSize("--batch", s.Batch)
	case s.Seeds < 1:
		return fmt.Errorf("--seeds=%d; expected >= 1", s.Seeds)
	case s.ProbeTrain < 0:
		return fmt.Errorf("--probe_train=%d; expected >= 0 (0: all training images)", s.ProbeTrain)
	case s.ProbeTest < 0:
		return fmt.Errorf("--probe_test=%d; expected >= 0 (0: all test images)", s.ProbeTest)
	case s.Dir == "":
		return fmt.Errorf("--dir is empty; expected a directory for the run")
	}
	return runs.CheckRepresentationNames("--reps", s.Reps)
}

// NewRun is the settings cell's call: it resolves the settings (defaults, then the quick ones
// under QuickEnv=1 or --quick, then the flags on the cell's `%%` line), validates them, empties
// the run directory (a new run), saves them there for the next cells and prints them to w.
func (f *Flags) NewRun(w io.Writer) (Settings, error) {
	s, err := f.explicit(f.base())
	if err == nil {
		err = s.Validate()
	}
	if err != nil {
		return s, fmt.Errorf("notebook %s: %w", f.name, err)
	}
	if err := os.RemoveAll(s.Dir); err != nil {
		return s, fmt.Errorf("notebook %s: emptying the run directory: %w", f.name, err)
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return s, fmt.Errorf("notebook %s: %w", f.name, err)
	}
	path := filepath.Join(s.Dir, SettingsFile)
	if err := atomicfile.WriteJSON(path, s); err != nil {
		return s, fmt.Errorf("notebook %s: saving the settings: %w", f.name, err)
	}
	if w != nil {
		fmt.Fprintln(w, s)
	}
	return s, nil
}

// Load is every later cell's call: it reads the settings the settings cell saved (in the
// --dir of this cell's flags, else the default run directory) and applies the flags given on
// this cell's `%%` line, for this cell only.
func (f *Flags) Load() (Settings, error) {
	dir := f.base().Dir
	f.fs.Visit(func(fl *flag.Flag) {
		if fl.Name == "dir" {
			dir = *f.dir
		}
	})
	path := filepath.Join(dir, SettingsFile)
	s, err := ReadSettings(dir)
	if err != nil {
		return Settings{}, fmt.Errorf("notebook %s: %w", f.name, err)
	}
	s, err = f.explicit(s)
	if err == nil {
		err = s.Validate()
	}
	if err != nil {
		return s, fmt.Errorf("notebook %s: %s: %w", f.name, path, err)
	}
	return s, nil
}

// decodeSettings reads a settings file's JSON strictly: an unknown key (a damaged or foreign
// file) or bytes after the object are errors.
func decodeSettings(raw []byte) (Settings, error) {
	var s Settings
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Settings{}, err
	}
	if dec.More() {
		return Settings{}, errors.New("bytes after the settings object")
	}
	return s, nil
}

// ReadSettings reads the settings that a notebook's settings cell saved in its run directory dir
// (SettingsFile): Load's reading, and how 05_report.ipynb learns the settings of the runs it reports.
func ReadSettings(dir string) (Settings, error) {
	path := filepath.Join(dir, SettingsFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Settings{}, fmt.Errorf("no settings in %s: run the settings cell first", path)
	}
	if err != nil {
		return Settings{}, err
	}
	s, err := decodeSettings(raw)
	if err != nil {
		return Settings{}, fmt.Errorf("%s is not a settings file: %w", path, err)
	}
	return s, nil
}

// String prints the settings as the flags that reproduce them.
func (s Settings) String() string {
	reps := strings.Join(s.Reps, ",")
	if reps == "" {
		reps = "none"
	}
	quick := ""
	if s.Quick {
		quick = " (quick settings: " + QuickEnv + "=1)"
	}
	return fmt.Sprintf("settings: --steps=%d --batch=%d --reps=%s --seeds=%d --probe_train=%d --probe_test=%d --dir=%s%s",
		s.Steps, s.Batch, reps, s.Seeds, s.ProbeTrain, s.ProbeTest, s.Dir, quick)
}

// Config returns the quickstart configuration (mvmr.QuickstartConfig) with these settings'
// steps, batch size and L3 terms (each weight 1, mvmr.ModeMaximize) and the given seed.
func (s Settings) Config(seed int64) mvmr.Config {
	c := mvmr.QuickstartConfig(int64(s.Steps))
	c.Seed = seed
	c.BatchSize = s.Batch
	c.Loss.Representations = nil
	for _, r := range s.Reps {
		c.Loss.Representations = append(c.Loss.Representations, mvmr.RepresentationTerm{Name: r, Weight: 1, Mode: mvmr.ModeMaximize})
	}
	return c
}

// Path returns a file's path in the run directory.
func (s Settings) Path(name string) string { return filepath.Join(s.Dir, name) }

// RunsEnv names the environment variable holding the folder of the notebooks' default run
// directories; unset, it is os.TempDir(). The notebook test points it at a folder of its own,
// so that it never empties a reader's runs, nor another test run's.
const RunsEnv = "MVMR_RUNS"

// RunDir is the default run directory of the notebook called name (Define's default --dir),
// $MVMR_RUNS/mvmr-NAME or os.TempDir()/mvmr-NAME: where notebook 05 finds the runs of the others.
func RunDir(name string) string {
	root := os.Getenv(RunsEnv)
	if root == "" {
		root = os.TempDir()
	}
	return filepath.Join(root, "mvmr-"+name)
}
