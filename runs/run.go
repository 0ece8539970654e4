package runs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// Options control how Run executes a config.
type Options struct {
	// Resume continues from the run folder's checkpoint. Without it, a folder holding the
	// checkpoint of an unfinished run is an error (nothing is overwritten by accident).
	Resume bool
	// Progress receives the trainer's progress lines (step, loss terms, steps/s, time left)
	// and Log the run's messages; nil discards them.
	Progress, Log io.Writer
	// ProgressEvery is the interval between progress lines (0: the trainer's default).
	ProgressEvery time.Duration
	// Sweep, RunID and Axes label the result rows (RunID defaults to the folder name).
	Sweep string
	RunID string
	Axes  map[string]string
}

// Status is the content of a run folder's status.json.
type Status struct {
	// State is running, interrupted, failed or done.
	State string `json:"state"`
	// Step is the number of steps in the latest checkpoint; TotalSteps the run's length.
	Step       int64 `json:"step"`
	TotalSteps int64 `json:"total_steps"`
	// Error says why a failed run stopped.
	Error   string    `json:"error,omitempty"`
	Updated time.Time `json:"updated"`
}

// Run states.
const (
	StateRunning     = "running"
	StateInterrupted = "interrupted"
	StateFailed      = "failed"
	StateDone        = "done"
)

// InterruptedError is returned by Run when its context was cancelled (Ctrl-C, SIGTERM): the
// run stopped after a whole step and saved a checkpoint that --resume continues from.
type InterruptedError struct {
	Dir  string
	Step int64
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("interrupted at step %d; checkpoint saved in %s (continue with --resume)", e.Step, e.Dir)
}

// ExitCode is the exit status of an interrupted command (128 + SIGINT).
func (e *InterruptedError) ExitCode() int { return 130 }

// ErrNeedsResume is returned by Run for a folder holding an unfinished run when Options.Resume
// is not set.
var ErrNeedsResume = errors.New("resume it with --resume or choose another folder")

// Outcome is what Run did.
type Outcome struct {
	// Rows are the result rows, one per evaluation protocol.
	Rows []Row
	// Skipped is true when the folder held a finished run: nothing was trained.
	Skipped bool
	// Resumed is the step training continued from (0 for a fresh run).
	Resumed int64
}

// ReadStatus reads a run folder's status.json.
func ReadStatus(dir string) (Status, error) {
	var s Status
	raw, err := os.ReadFile(filepath.Join(dir, FileStatus))
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, fmt.Errorf("runs: %s: %w", filepath.Join(dir, FileStatus), err)
	}
	return s, nil
}

// Finished reports whether dir holds a finished run (status done and its results written).
func Finished(dir string) bool {
	s, err := ReadStatus(dir)
	if err != nil || s.State != StateDone {
		return false
	}
	_, err = os.Stat(filepath.Join(dir, FileResults))
	return err == nil
}

// Run trains the config in the run folder dir through Execute, checkpointing every
// config.CheckpointEvery steps, then runs its evaluation protocols and writes their rows to
// results.jsonl. A folder
// that holds a finished run is left alone (Outcome.Skipped). When ctx is cancelled the run
// finishes the current step, saves a checkpoint and returns an *InterruptedError; a loss that
// turns NaN or Inf stops it with the step and the term named (an *mvmr.NonFiniteLossError),
// keeping the last good checkpoint.
func Run(ctx context.Context, config Config, dir string, opts Options) (*Outcome, error) {
	r := &runFolder{dir: dir, config: config, opts: opts, logw: opts.Log}
	if r.logw == nil {
		r.logw = io.Discard
	}
	if r.opts.RunID == "" {
		r.opts.RunID = filepath.Base(dir)
	}
	if err := config.Validate(); err != nil {
		return nil, err
	}
	if Finished(dir) {
		return r.skipFinished()
	}
	if config.semiSupervised() {
		return runSemiSupervised(config, dir, r.logw)
	}
	if err := r.prepare(); err != nil {
		return nil, err
	}
	trainer, resumed, err := r.openTrainer()
	if err != nil {
		return nil, err
	}
	defer trainer.Close()
	if err := addMonitors(trainer, r.data, config, r.logw); err != nil {
		return nil, err
	}
	if err := r.writeStart(trainer.Step()); err != nil {
		return nil, err
	}
	r.checkpointWhileTraining(trainer)
	fmt.Fprintf(r.logw, "run %s: %s, %d steps of %d, representations %s (%s), encoder %s %v → %s\n", dir, r.data.SSL.Name, r.total,
		config.BatchSize, config.Representations.Label(), config.L3Mode, config.Encoder.Type, config.Encoder.Channels, config.Encoder.OutDim)
	done, err := Execute(ctx, trainer, r.job(trainer))
	if err != nil {
		return nil, r.stopped(trainer, err)
	}
	if err := r.finish(trainer, done.Rows); err != nil {
		return nil, err
	}
	return &Outcome{Rows: done.Rows, Resumed: resumed}, nil
}

// runFolder is one Run: its config and options, and what the steps of Run find out on the way
// (the data, the resolved config, the length of the run and the status last written).
type runFolder struct {
	dir    string
	config Config
	opts   Options
	logw   io.Writer

	data     Data
	resolved mvmr.Config
	total    int64 // batches; the optimizer counts updates
	status   Status
}

// skipFinished returns the rows of the finished run in the folder, when it ran this config.
func (r *runFolder) skipFinished() (*Outcome, error) {
	if !sameFinishedConfig(filepath.Join(r.dir, FileConfig), r.config) {
		return nil, fmt.Errorf("runs: %s holds a finished run of another config (%s differs); choose another folder", r.dir, FileConfig)
	}
	rows, err := ReadRows(filepath.Join(r.dir, FileResults))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(r.logw, "%s: finished already, skipped\n", r.dir)
	return &Outcome{Rows: rows, Skipped: true}, nil
}

// prepare opens the config's data, resolves the config on its training split, counts the run's
// steps and creates the run folder.
func (r *runFolder) prepare() error {
	if err := r.config.checkCLIPTeacher(); err != nil {
		return err
	}
	var err error
	if r.data, err = OpenData(r.config.Dataset); err != nil {
		return err
	}
	if r.resolved, err = r.config.Resolve(r.data.SSL); err != nil {
		return err
	}
	r.total = r.config.TotalSteps(r.data.SSL.Len())
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return fmt.Errorf("runs: creating the run folder: %w", err)
	}
	return nil
}

// openTrainer resumes the run from the folder's checkpoint (with Options.Resume, and the config
// the run started with) or starts a fresh one; resumed is the step it continues from.
func (r *runFolder) openTrainer() (trainer *mvmr.Trainer, resumed int64, err error) {
	train := r.data.SSL
	if !hasCheckpoint(r.dir) {
		trainer, err = mvmr.NewTrainer(r.resolved, train)
		return trainer, 0, err
	}
	if !r.opts.Resume {
		return nil, 0, fmt.Errorf("runs: %s holds the checkpoint of an unfinished run: %w", r.dir, ErrNeedsResume)
	}
	trainer, warning, err := loadCheckpoint(r.dir, train)
	if err != nil {
		return nil, 0, err
	}
	if warning != "" {
		fmt.Fprintf(r.logw, "warning: %s\n", warning)
	}
	if err := sameConfig(trainer.Config(), r.resolved); err != nil {
		trainer.Close()
		return nil, 0, fmt.Errorf("runs: %s: %w; resume with the config the run started with", r.dir, err)
	}
	fmt.Fprintf(r.logw, "resuming %s at step %d of %d\n", r.dir, trainer.Step(), r.total)
	return trainer, trainer.Step(), nil
}

// writeStart writes the run's config (as given and resolved) and its status, running at step.
func (r *runFolder) writeStart(step int64) error {
	configYAML, err := r.config.YAML()
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(filepath.Join(r.dir, FileConfig), configYAML); err != nil {
		return err
	}
	if err := atomicfile.WriteJSON(filepath.Join(r.dir, FileResolved), r.resolved); err != nil {
		return err
	}
	r.status = Status{State: StateRunning, Step: step, TotalSteps: r.total, Updated: time.Now().UTC()}
	return atomicfile.WriteJSON(filepath.Join(r.dir, FileStatus), r.status)
}

// setStatus writes the folder's status: state at step, with the cause of a failure.
func (r *runFolder) setStatus(state string, step int64, cause error) error {
	r.status.State, r.status.Step, r.status.Updated = state, step, time.Now().UTC()
	r.status.Error = ""
	if cause != nil {
		r.status.Error = cause.Error()
	}
	return atomicfile.WriteJSON(filepath.Join(r.dir, FileStatus), r.status)
}

// checkpointWhileTraining sends the trainer's progress to Options.Progress and saves a
// checkpoint (and the status) every config.CheckpointEvery steps and at the last step.
func (r *runFolder) checkpointWhileTraining(trainer *mvmr.Trainer) {
	trainer.Progress = r.opts.Progress
	if r.opts.ProgressEvery > 0 {
		trainer.ProgressEvery = r.opts.ProgressEvery
	}
	trainer.AfterStep = func(step int64) error {
		if step%r.config.CheckpointEvery != 0 && step != r.total {
			return nil
		}
		if err := saveCheckpoint(trainer, r.dir); err != nil {
			return err
		}
		return r.setStatus(StateRunning, step, nil)
	}
}

// job is the run as Execute runs it: train to the last step, evaluate the config's protocols,
// record the history and the loss-components figure in the folder.
func (r *runFolder) job(trainer *mvmr.Trainer) Job {
	config, opts := r.config, r.opts
	return Job{
		Label: Row{Sweep: opts.Sweep, Run: opts.RunID, Axes: opts.Axes, Representations: config.Representations.Label(), L3Mode: config.L3Mode},
		Steps: r.total,
		After: []Evaluation{func(trainer *mvmr.Trainer) ([]Row, error) {
			// The host's share beyond the device step: on an accelerator, the time the steps waited
			// for augmentation and host representations (the prefetcher computes them beside the steps).
			fmt.Fprintf(r.logw, "%s: training: %s in all, %s of it waiting for data (host augmentation and representations, this process)\n",
				opts.RunID, trainer.TrainTime().Round(time.Second), trainer.DataWait().Round(time.Millisecond))
			return evaluate(trainer, r.dir, r.data, config, r.logw)
		}},
		Dir: r.dir, FigureTitle: fmt.Sprintf("%s: loss components", opts.RunID), FigureNames: trainer.ComponentNames(),
		Report: func(row Row) {
			fmt.Fprintf(r.logw, "%s: %s top-1 %.2f %%, top-5 %.2f %%\n", opts.RunID, row.ProtocolLabel(), 100*row.Top1, 100*row.Top5)
		},
		Log: r.logw,
	}
}

// stopped records how a run that Execute stopped with err (not nil) ended, and returns Run's
// error: an interrupted run saves where it stands (an *InterruptedError), a failed one keeps its
// last good checkpoint and says so in its status; an error recording the run is returned as is.
func (r *runFolder) stopped(trainer *mvmr.Trainer, err error) error {
	var nonFinite *mvmr.NonFiniteLossError
	var stage *StageError
	if !errors.As(err, &stage) {
		stage = &StageError{StageTrain, err}
	}
	switch {
	case stage.Stage == StageRecord:
		return err
	case stage.Stage == StageEvaluate:
		_ = r.setStatus(StateFailed, trainer.Step(), err)
		return fmt.Errorf("runs: %s: %w", r.dir, stage.Err)
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		// The step in flight finished: save where the run stands.
		step := trainer.Step()
		if r.status.Step != step || !hasCheckpoint(r.dir) { // not saved by AfterStep already
			if saveErr := saveCheckpoint(trainer, r.dir); saveErr != nil {
				return errors.Join(err, saveErr)
			}
		}
		if err := r.setStatus(StateInterrupted, step, nil); err != nil {
			return err
		}
		return &InterruptedError{Dir: r.dir, Step: step}
	case errors.As(err, &nonFinite):
		// The bad step was not applied and no checkpoint is written: the last good one stays.
		last, _ := ReadStatus(r.dir)
		_ = r.setStatus(StateFailed, last.Step, stage.Err)
		return fmt.Errorf("runs: %s: %w (the last good checkpoint, step %d, is kept)", r.dir, stage.Err, last.Step)
	default:
		last, _ := ReadStatus(r.dir)
		_ = r.setStatus(StateFailed, last.Step, stage.Err)
		return stage.Err
	}
}

// finish writes the run's result rows and marks it done.
func (r *runFolder) finish(trainer *mvmr.Trainer, rows []Row) error {
	var buf bytes.Buffer
	if err := writeRows(&buf, rows); err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(filepath.Join(r.dir, FileResults), buf.Bytes()); err != nil {
		return err
	}
	return r.setStatus(StateDone, trainer.Step(), nil)
}

// evaluate runs the config's protocols with mvmr's Trainer.Evaluate, fitting on data.Train and
// scoring on data.Test: when the encoder trained on another split (train+unlabeled), a copy of
// the final checkpoint is loaded on data.Train, whose labels the protocols use.
func evaluate(trainer *mvmr.Trainer, dir string, data Data, config Config, logw io.Writer) ([]Row, error) {
	if len(config.Eval.Protocols) == 0 {
		return nil, nil
	}
	opts := mvmr.DefaultEvalOptions()
	opts.Features, opts.Seed, opts.Checkpoint, opts.Progress = config.Eval.Features, config.Seed, FileCheckpoint, logw
	opts.Probe, opts.KNN = config.ProbeConfig(), config.KNNConfig()
	opts.KNNWhiten = slices.Clone(config.Eval.KNN.Whiten)
	opts.Semi.Steps = config.Eval.SemiSteps
	if n := config.Eval.SemiOfficialEpochs; n > 0 {
		opts.Semi = mvmr.OfficialSemiSupConfig(0, config.BatchSize, n, mvmr.OfficialSemiLR, mvmr.OfficialSemiWD)
	}
	opts.OfficialLinear.Epochs, opts.OfficialLinear.BatchSize = config.Eval.OfficialLinear.Epochs, config.BatchSize
	if config.Eval.OfficialLinear.FromOnlineHead {
		opts.OfficialLinear.StartHead = onlineHead(trainer)
	}
	if data.SSL != data.Train {
		loaded, err := mvmr.LoadTrainer(filepath.Join(dir, FileCheckpoint), data.Train)
		if err != nil {
			return nil, fmt.Errorf("evaluation on %s: %w", data.Train.Name, err)
		}
		defer loaded.Close()
		trainer = loaded
	}
	var out []Row
	for _, protocol := range config.Eval.Protocols {
		rows, err := Protocol(protocol, data.Test, opts)(trainer)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

// onlineHead returns the state of the trainer's online probe (its head, as the official
// checkpoint's online_finetuner), or nil when the run has none.
func onlineHead(trainer *mvmr.Trainer) *model.Store {
	for _, m := range trainer.Monitors() {
		if p, ok := m.(*mvmr.OnlineProbe); ok {
			return p.StateStore()
		}
	}
	return nil
}

// sameFinishedConfig reports whether the config.yaml at path describes config: it is read with
// this version's loader, so a file written before a key existed (its default then applies)
// still matches, and compared in full.
func sameFinishedConfig(path string, config Config) bool {
	want, err := config.YAML()
	if err != nil {
		return false
	}
	saved, err := LoadRunConfig(path)
	if err != nil {
		return false
	}
	have, err := saved.Config.YAML()
	return err == nil && bytes.Equal(have, want)
}

// sameConfig reports how a checkpoint's config differs from the one asked for, key by key.
func sameConfig(saved, want mvmr.Config) error {
	var a, b any
	for _, x := range []struct {
		c   mvmr.Config
		dst *any
	}{{saved, &a}, {want, &b}} {
		raw, err := json.Marshal(x.c)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, x.dst); err != nil {
			return err
		}
	}
	var diffs []string
	diffJSON("", a, b, &diffs)
	if len(diffs) == 0 {
		return nil
	}
	if len(diffs) > 5 {
		diffs = append(diffs[:5], fmt.Sprintf("and %d more", len(diffs)-5))
	}
	if saved.Optimizer.Schedule == "" && want.Optimizer.Schedule == mvmr.ScheduleCosine {
		diffs = append(diffs, "a run started before the official schedules trained with the kit's schedule, "+
			"then named cosine: set scheduler: "+mvmr.ScheduleWarmupCosineKit+" to resume it")
	}
	return fmt.Errorf("the checkpoint was trained with another config: %s", strings.Join(diffs, "; "))
}

// diffJSON lists the keys whose values differ between two decoded JSON values, as
// "optimizer.lr: checkpoint 0.001, asked 0.002".
func diffJSON(key string, a, b any, out *[]string) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		slices.Sort(sorted)
		for _, k := range sorted {
			diffJSON(join(key, k), am[k], bm[k], out)
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, fmt.Sprintf("%s: checkpoint %s, asked %s", key, show(a), show(b)))
	}
}
