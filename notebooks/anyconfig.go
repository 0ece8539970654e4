package notebooks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
	"github.com/mvmr-ssl/mvmr-go/plotting"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// ConfigProgressEvery is the interval between the progress lines of a config notebook's
// training cell (the CLI's is 10 s).
const ConfigProgressEvery = 5 * time.Second

// ConfigFlags are the settings of a notebook that trains any run config (06_any_config): the
// config as `mvmr train` takes it (a YAML file of this kit or an official mv-mr one, and
// key=value overrides), the run folder, and how long one training cell may run:
//
//	%% --config=../runs/testdata/official/stl10_self_supervised.yaml --set dataset.path=/data --set epochs=100
//
// Declare them at the top level of the notebook (a declaration cell), as Define.
type ConfigFlags struct {
	name      string
	quickSets []string
	fs        *flag.FlagSet
	run       runs.Flags
	dir       *string
	fresh     *bool
	budget    *time.Duration
	quick     *bool
}

// DefineConfig registers --config, --set (repeatable), --dir, --fresh, --budget and --quick on
// fs. quickSets are overrides applied under QuickEnv=1 or --quick, before the reader's --set
// (for example "steps=20", "dataset.limit=2000"): they shorten any config.
func DefineConfig(fs *flag.FlagSet, name string, quickSets ...string) *ConfigFlags {
	f := &ConfigFlags{name: name, quickSets: slices.Clone(quickSets), fs: fs}
	f.run.Register(fs)
	f.dir = fs.String("dir", "", "run folder (default: "+RunDir(name)+"/<config name>-<hash of the config>)")
	f.fresh = fs.Bool("fresh", false, "empty the run folder first: start the run over")
	f.budget = fs.Duration("budget", 0, "training cell: stop after this long (a checkpoint is saved; run the cell again to continue); 0: until done")
	f.quick = fs.Bool("quick", os.Getenv(QuickEnv) == "1", "add the notebook's quick overrides (also "+QuickEnv+"=1)")
	return f
}

// ConfigRun is the run a config notebook's settings cell chose, saved for the cells after it.
type ConfigRun struct {
	// File is the config file, as an absolute path ("" for runs.Default).
	File string `json:"config_file"`
	// QuickSets are the quick overrides applied (none without the quick settings); Sets are the
	// reader's --set overrides, applied after them.
	QuickSets []string `json:"quick_sets"`
	Sets      []string `json:"sets"`
	// Quick says the quick settings were used.
	Quick bool `json:"quick"`
	// Dir is the run folder (runs.Run's: checkpoints, history, figures, results).
	Dir string `json:"dir"`
	// YAML is the config in full, as runs.Config.YAML writes it.
	YAML string `json:"config_yaml"`
	// Notices are the official keys read and not used.
	Notices []string `json:"notices"`
	// Config is YAML decoded.
	Config runs.Config `json:"-"`
	// Budget is the --budget of the current cell: how long its training may run (0: no limit).
	Budget time.Duration `json:"-"`
}

// NewRun is the settings cell's call: it loads the config (--config, the quick overrides, then
// --set), validates it, chooses the run folder (--dir, or one per distinct config under
// RunDir(name), so that running the cell again with the same config continues the same run,
// and another config gets its own), empties it under --fresh, saves the choice for the next
// cells and prints the flags that reproduce it to w. The run folder is kept otherwise: a run
// started earlier resumes.
func (f *ConfigFlags) NewRun(w io.Writer) (*ConfigRun, error) {
	r := &ConfigRun{Quick: *f.quick, Sets: slices.Clone(f.run.Sets), Budget: *f.budget}
	if r.Quick {
		r.QuickSets = slices.Clone(f.quickSets)
	}
	if f.run.Config != "" {
		abs, err := filepath.Abs(f.run.Config)
		if err != nil {
			return nil, fmt.Errorf("notebook %s: --config=%s: %w", f.name, f.run.Config, err)
		}
		r.File = abs
	}
	loaded, err := runs.Load(r.File, append(slices.Clone(r.QuickSets), r.Sets...)...)
	if err != nil {
		return nil, fmt.Errorf("notebook %s: %w", f.name, err)
	}
	if err := loaded.Config.Validate(); err != nil {
		return nil, fmt.Errorf("notebook %s: %w", f.name, err)
	}
	r.Config, r.Notices = loaded.Config, loaded.Notices
	raw, err := r.Config.YAML()
	if err != nil {
		return nil, err
	}
	r.YAML = string(raw)
	r.Dir = *f.dir
	if r.Dir == "" {
		r.Dir = filepath.Join(RunDir(f.name), ConfigRunName(r.File, raw))
	}
	if r.Dir, err = filepath.Abs(r.Dir); err != nil {
		return nil, fmt.Errorf("notebook %s: --dir: %w", f.name, err)
	}
	if *f.fresh {
		if err := os.RemoveAll(r.Dir); err != nil {
			return nil, fmt.Errorf("notebook %s: --fresh: emptying %s: %w", f.name, r.Dir, err)
		}
	}
	pointer := filepath.Join(RunDir(f.name), SettingsFile)
	if err := os.MkdirAll(filepath.Dir(pointer), 0o755); err != nil {
		return nil, fmt.Errorf("notebook %s: %w", f.name, err)
	}
	if err := atomicfile.WriteJSON(pointer, r); err != nil {
		return nil, fmt.Errorf("notebook %s: saving the settings: %w", f.name, err)
	}
	if w != nil {
		fmt.Fprintln(w, r)
	}
	return r, nil
}

// ConfigRunName is the default run folder name of a config: the config file's name without
// extension ("default" for none) and the first 8 hex digits of the SHA-256 of the config in
// full, so that each distinct config (file and overrides) has a folder of its own.
func ConfigRunName(file string, configYAML []byte) string {
	stem := "default"
	if file != "" {
		stem = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	sum := sha256.Sum256(configYAML)
	return stem + "-" + hex.EncodeToString(sum[:4])
}

// Load is every later cell's call: it reads the run the settings cell chose, with this cell's
// --budget. --config, --set, --dir and --fresh belong on the settings cell: given to a later
// cell they are an error rather than silently ignored.
func (f *ConfigFlags) Load() (*ConfigRun, error) {
	var misplaced []string
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "config", "set", "dir", "fresh":
			misplaced = append(misplaced, "--"+fl.Name)
		}
	})
	if len(misplaced) > 0 {
		return nil, fmt.Errorf("notebook %s: %s belong on the settings cell's %%%% line; run that cell again with them",
			f.name, strings.Join(misplaced, ", "))
	}
	path := filepath.Join(RunDir(f.name), SettingsFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("notebook %s: no settings in %s: run the settings cell first", f.name, path)
	}
	if err != nil {
		return nil, fmt.Errorf("notebook %s: %w", f.name, err)
	}
	r := &ConfigRun{}
	if err := json.Unmarshal(raw, r); err != nil {
		return nil, fmt.Errorf("notebook %s: %s is not a settings file: %w", f.name, path, err)
	}
	loaded, err := runs.Parse([]byte(r.YAML))
	if err != nil {
		return nil, fmt.Errorf("notebook %s: the config saved in %s: %w", f.name, path, err)
	}
	r.Config, r.Budget = loaded.Config, *f.budget
	return r, nil
}

// String prints the run as the settings cell's flags that reproduce it, and its folder.
func (r *ConfigRun) String() string {
	var b strings.Builder
	b.WriteString("settings:")
	if r.File != "" {
		fmt.Fprintf(&b, " --config=%s", r.File)
	} else {
		b.WriteString(" (no --config: the kit's default run)")
	}
	for _, s := range r.Sets {
		fmt.Fprintf(&b, " --set %s", s)
	}
	if r.Quick {
		fmt.Fprintf(&b, " (quick settings, %s=1: --set %s)", QuickEnv, strings.Join(r.QuickSets, " --set "))
	}
	fmt.Fprintf(&b, "\nrun folder: %s", r.Dir)
	return b.String()
}

// Data opens the run's data (runs.OpenData).
func (r *ConfigRun) Data() (runs.Data, error) { return runs.OpenData(r.Config.Dataset) }

// State says where the run in the folder stands: "new", or runs.Status's state and step.
func (r *ConfigRun) State() string {
	s, err := runs.ReadStatus(r.Dir)
	if err != nil {
		return "new (nothing trained yet)"
	}
	return fmt.Sprintf("%s at step %d of %d", s.State, s.Step, s.TotalSteps)
}

// Describe opens the data and prints the run's essentials to w: the run folder's state, the
// notices for official keys not used, the data, the encoder and its parameter counts
// (mvmr.EncoderParameterCount), the loss, the optimizer and length, precision and parallel
// settings, the backend (mvmr.BackendConfig), the evaluation protocols and the monitors.
func (r *ConfigRun) Describe(w io.Writer) error {
	c := r.Config
	data, err := r.Data()
	if err != nil {
		return err
	}
	resolved, err := c.Resolve(data.SSL)
	if err != nil {
		return fmt.Errorf("%s: %w", r.source(), err)
	}
	backend, err := mvmr.NewBackend()
	if err != nil {
		return err
	}
	ssl := data.SSL
	backbone, total, err := mvmr.EncoderParameterCount(backend, resolved.Encoder, ssl.Height, ssl.Width, ssl.Channels)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "state: %s\n", r.State())
	for _, n := range r.Notices {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintf(w, "data: %s, trains on %d images (%s split) of %dx%dx%d, %d classes; probes fit on %d, score on %d test images; aug_policy %s\n",
		c.Dataset.Name, ssl.Len(), c.Dataset.TrainSplit, ssl.Height, ssl.Width, ssl.Channels, data.Train.NumClasses,
		data.Train.Len(), data.Test.Len(), c.Dataset.AugPolicy)
	enc := resolved.Encoder
	arch := c.Encoder.Type
	switch {
	case arch == nn.ArchCNN:
		arch = fmt.Sprintf("cnn, channels %v, strides %v", c.Encoder.Channels, c.Encoder.Strides)
	case c.Encoder.SmallKernel:
		arch += ", small_kernel stem (3x3 stride 1)"
	}
	fmt.Fprintf(w, "encoder: %s, head %s → h of %d → projector %s → z of %d; %s parameters (backbone %s)\n",
		arch, c.Encoder.Head, enc.HDim(ssl.Height, ssl.Width), c.Encoder.OutDim, enc.ZDim(), thousands(total), thousands(backbone))
	steps := c.TotalSteps(ssl.Len())
	epochs := float64(steps) * float64(c.BatchSize) / float64(ssl.Len())
	opt := resolved.Optimizer
	fmt.Fprintf(w, "training: batch %d, %d steps (%.2f epochs), %s lr %g (wd %g, %s, warmup %d, min %g)",
		c.BatchSize, steps, epochs, opt.Name, opt.LR, opt.WeightDecay, c.Scheduler, opt.WarmupSteps, opt.MinLR)
	if c.AccumulateGradBatches > 1 {
		fmt.Fprintf(w, ", %d batches per update", c.AccumulateGradBatches)
	}
	fmt.Fprintln(w)
	reps := c.Representations.Label()
	fmt.Fprintf(w, "loss: mse %g, std %g (margin %g), dcor_zz %g, L3 %s (%s), z/%g in dCor\n",
		c.Weights.MSE, c.Weights.Std, c.StdMargin, c.Weights.DCorZZ, reps, c.L3Mode, c.DCorScale)
	precision := c.Encoder.Precision
	if precision == "" {
		precision = nn.PrecisionFloat32
	}
	fmt.Fprintf(w, "precision %s; parallel.devices %d, parallel.loss_groups %d; backend %s\n",
		precision, max(1, c.Parallel.Devices), max(1, c.Parallel.LossGroups), mvmr.BackendConfig())
	monitors := "none"
	if c.MonitorEvery > 0 && len(c.Monitors) > 0 {
		monitors = fmt.Sprintf("%s every %d steps", strings.Join(c.Monitors, ", "), c.MonitorEvery)
	}
	fmt.Fprintf(w, "evaluation: %s on %s; monitors: %s; checkpoint every %d steps\n",
		strings.Join(c.Eval.Protocols, ", "), c.Eval.Features, monitors, c.CheckpointEvery)
	return nil
}

func (r *ConfigRun) source() string {
	if r.File == "" {
		return "the default config"
	}
	return r.File
}

// thousands writes n with thin spaces between groups of three digits: 23 508 032.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteRune(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// RunTiming is what TimeSteps measured.
type RunTiming struct {
	// First is the wall time of the first step, which builds and compiles the graph.
	First time.Duration
	// Steps are the wall times of the timed steps after it; Median summarises them.
	Steps  []time.Duration
	Median time.Duration
	// TotalSteps is the run's length and Estimate TotalSteps × Median, the training time of the
	// whole run (without the graph compilation, checkpoints, monitors and evaluation).
	TotalSteps int64
	Estimate   time.Duration
}

// TimeSteps trains a scratch copy of the run (nothing is written to the run folder) for 1 +
// steps steps on its real data, with its augmentations and data loading, and returns the time
// of the first step (compilation) and of the others, with the estimated training time of the
// whole run. It prints the measure to w. The host representations of the training images
// (scatnet, hog, ...) are computed first, with progress lines to w, and cached for training.
func (r *ConfigRun) TimeSteps(w io.Writer, steps int) (RunTiming, error) {
	if steps < 1 {
		return RunTiming{}, fmt.Errorf("notebooks: TimeSteps(%d): expected at least 1 timed step", steps)
	}
	data, err := r.Data()
	if err != nil {
		return RunTiming{}, err
	}
	resolved, err := r.Config.Resolve(data.SSL)
	if err != nil {
		return RunTiming{}, fmt.Errorf("%s: %w", r.source(), err)
	}
	timing := RunTiming{TotalSteps: r.Config.TotalSteps(data.SSL.Len())}
	if int64(1+steps) > timing.TotalSteps {
		// A run shorter than the timing: time it on a schedule long enough (a step costs the same).
		resolved.Optimizer.TotalSteps = int64(1 + steps)
	}
	trainer, err := mvmr.NewTrainer(resolved, data.SSL)
	if err != nil {
		return RunTiming{}, err
	}
	defer trainer.Close()
	// Host representations of the whole training set (cached on disk for the training cells)
	// first, with progress lines: hours for scatnet on STL-10, not part of a step's time.
	trainer.Progress = w
	if err := trainer.PrepareHostFeatures(); err != nil {
		return RunTiming{}, fmt.Errorf("notebooks: timing %s: %w", r.source(), err)
	}
	trainer.Progress = nil
	last := time.Now()
	trainer.AfterStep = func(int64) error {
		now := time.Now()
		if timing.First == 0 {
			timing.First = now.Sub(last)
		} else {
			timing.Steps = append(timing.Steps, now.Sub(last))
		}
		last = now
		return nil
	}
	if err := trainer.Train(1 + steps); err != nil {
		return RunTiming{}, fmt.Errorf("notebooks: timing %s: %w", r.source(), err)
	}
	seconds := make([]float64, len(timing.Steps))
	for i, d := range timing.Steps {
		seconds[i] = d.Seconds()
	}
	// Rounded, not truncated: the median is one of the steps, which a float64 of seconds holds to the nanosecond.
	timing.Median = time.Duration(math.Round(mvmr.NewStepTiming(timing.First.Seconds(), seconds).Median * float64(time.Second)))
	timing.Estimate = time.Duration(timing.TotalSteps) * timing.Median
	if w != nil {
		fmt.Fprintf(w, "first step (builds and compiles the graph): %s; %d more steps: median %s/step, %.2f steps/s, %.0f images/s\n",
			timing.First.Round(time.Millisecond), steps, timing.Median.Round(time.Millisecond),
			1/timing.Median.Seconds(), float64(r.Config.BatchSize)/timing.Median.Seconds())
		fmt.Fprintf(w, "the whole run, %d steps: about %s of training on backend %s (plus compilation, checkpoints and evaluation)\n",
			timing.TotalSteps, roundDuration(timing.Estimate), mvmr.BackendConfig())
	}
	return timing, nil
}

// roundDuration rounds d for reading: to seconds under an hour, to minutes above.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Hour {
		return d.Round(time.Second)
	}
	return d.Round(time.Minute)
}

// Trained is what a training cell did.
type Trained struct {
	// Outcome is runs.Run's when the run finished (nil when it stopped first).
	Outcome *runs.Outcome
	// Stopped says the cell's --budget ran out or the cell was interrupted: the run saved a
	// checkpoint at Step and the next training cell continues it.
	Stopped bool
	Step    int64
}

// Train runs or resumes the run in its folder with runs.Run (Options.Resume: every training
// cell continues the checkpoint the previous one left), printing its progress lines and
// messages to w. It stops, saving a checkpoint, when the cell's --budget runs out or the
// kernel interrupts the cell (SIGINT, SIGTERM); the next call continues from there. GoNB kills
// an interrupted cell 5 s after its SIGINT: a save cut short leaves the previous checkpoint
// (runs writes them atomically), which the next call resumes. A finished run is not trained
// again (Outcome.Skipped).
func (r *ConfigRun) Train(ctx context.Context, w io.Writer) (Trained, error) {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if r.Budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Budget)
		defer cancel()
	}
	outcome, err := runs.Run(ctx, r.Config, r.Dir, runs.Options{Resume: true, Progress: w, Log: w,
		ProgressEvery: ConfigProgressEvery})
	var stopped *runs.InterruptedError
	if errors.As(err, &stopped) {
		fmt.Fprintf(w, "stopped at step %d (%s): checkpoint saved in %s; run the training cell again to continue\n",
			stopped.Step, r.stopReason(ctx), r.Dir)
		return Trained{Stopped: true, Step: stopped.Step}, nil
	}
	if err != nil {
		return Trained{}, err
	}
	if outcome.Skipped {
		fmt.Fprintf(w, "%s holds the finished run: nothing to train (--fresh on the settings cell starts it over)\n", r.Dir)
	}
	s, _ := runs.ReadStatus(r.Dir)
	return Trained{Outcome: outcome, Step: s.Step}, nil
}

func (r *ConfigRun) stopReason(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("--budget=%s ran out", r.Budget)
	}
	return "interrupted"
}

// History returns the run's loss components per step: from history.csv once the run has
// finished, else from its latest checkpoint (a run still going on), with the names of the loss
// terms in legend order (the monitors' series, when monitor_every > 0, are in the history too).
func (r *ConfigRun) History() (*history.History, []string, error) {
	resolved, err := runs.ReadResolved(r.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("notebooks: %s has no run yet (%w): run the training cell first", r.Dir, err)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("notebooks: %w", err)
	}
	loss, err := mvmr.NewLoss(resolved.Loss)
	if err != nil {
		return nil, nil, fmt.Errorf("notebooks: %s: %w", filepath.Join(r.Dir, runs.FileResolved), err)
	}
	h, err := runs.LoadHistory(r.Dir)
	if err != nil {
		return nil, nil, fmt.Errorf("notebooks: %w", err)
	}
	return h, loss.Names(), nil
}

// Results returns the result rows of the finished run (one per evaluation protocol), or an
// error that says where the run stands.
func (r *ConfigRun) Results() ([]runs.Row, error) {
	if !runs.Finished(r.Dir) {
		return nil, fmt.Errorf("notebooks: the run in %s is %s: run the training cell until it finishes", r.Dir, r.State())
	}
	return runs.ReadRows(filepath.Join(r.Dir, runs.FileResults))
}

// Path returns a file's path in the run folder.
func (r *ConfigRun) Path(name string) string { return filepath.Join(r.Dir, name) }

// NamedFigure is a figure with the file name (without extension) it is saved under.
type NamedFigure struct {
	Name   string
	Figure plotting.Figure
}

// MonitorFigures draws what the run's monitors recorded on held-out images (monitor_every,
// monitors): "collapse" (per-dimension std of z and h against the hinge's margin, RankMe, the
// share of dimensions below the margin) when the collapse monitor ran, and "dcor_traces"
// (dCor(z, representation), solid for the representations in the loss) when dcor_diag ran.
// It returns none for a run without monitors or before their first record.
func (r *ConfigRun) MonitorFigures() ([]NamedFigure, error) {
	h, _, err := r.History()
	if err != nil {
		return nil, err
	}
	var out []NamedFigure
	names := h.Names()
	run := filepath.Base(r.Dir)
	if slices.Contains(names, mvmr.HistoryZStdMin) {
		fig, err := plotting.Collapse(h, plotting.CollapseOptions{Margin: r.Config.StdMargin, LogStd: true,
			Title: run + ": collapse monitor (held-out images)"})
		if err != nil {
			return nil, err
		}
		out = append(out, NamedFigure{"collapse", fig})
	}
	if slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, history.DCorDiagPrefix) }) {
		fig, err := plotting.DCorTraces(h, plotting.DCorTracesOptions{Title: run + ": dCor(z, representation) on held-out images"})
		if err != nil {
			return nil, err
		}
		out = append(out, NamedFigure{"dcor_traces", fig})
	}
	return out, nil
}
