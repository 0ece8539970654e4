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
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	if opts.RunID == "" {
		opts.RunID = filepath.Base(dir)
	}
	if err := config.Validate(); err != nil {
		return nil, err
	}
	if Finished(dir) {
		if !sameFinishedConfig(filepath.Join(dir, FileConfig), config) {
			return nil, fmt.Errorf("runs: %s holds a finished run of another config (%s differs); choose another folder", dir, FileConfig)
		}
		rows, err := ReadRows(filepath.Join(dir, FileResults))
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(logw, "%s: finished already, skipped\n", dir)
		return &Outcome{Rows: rows, Skipped: true}, nil
	}
	data, err := OpenData(config.Dataset)
	if err != nil {
		return nil, err
	}
	train := data.SSL
	resolved, err := config.Resolve(train)
	if err != nil {
		return nil, err
	}
	total := config.TotalSteps(train.Len()) // batches; the optimizer counts updates
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("runs: creating the run folder: %w", err)
	}

	var trainer *mvmr.Trainer
	outcome := &Outcome{}
	if hasCheckpoint(dir) {
		if !opts.Resume {
			return nil, fmt.Errorf("runs: %s holds the checkpoint of an unfinished run: %w", dir, ErrNeedsResume)
		}
		var warning string
		trainer, warning, err = loadCheckpoint(dir, train)
		if err != nil {
			return nil, err
		}
		if warning != "" {
			fmt.Fprintf(logw, "warning: %s\n", warning)
		}
		if err := sameConfig(trainer.Config(), resolved); err != nil {
			trainer.Close()
			return nil, fmt.Errorf("runs: %s: %w; resume with the config the run started with", dir, err)
		}
		outcome.Resumed = trainer.Step()
		fmt.Fprintf(logw, "resuming %s at step %d of %d\n", dir, trainer.Step(), total)
	} else {
		if trainer, err = mvmr.NewTrainer(resolved, train); err != nil {
			return nil, err
		}
	}
	defer trainer.Close()
	if err := addMonitors(trainer, data, config, logw); err != nil {
		return nil, err
	}

	configYAML, err := config.YAML()
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, FileConfig), configYAML); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteJSON(filepath.Join(dir, FileResolved), resolved); err != nil {
		return nil, err
	}
	status := Status{State: StateRunning, Step: trainer.Step(), TotalSteps: total, Updated: time.Now().UTC()}
	if err := atomicfile.WriteJSON(filepath.Join(dir, FileStatus), status); err != nil {
		return nil, err
	}
	setStatus := func(state string, step int64, cause error) error {
		status.State, status.Step, status.Updated = state, step, time.Now().UTC()
		status.Error = ""
		if cause != nil {
			status.Error = cause.Error()
		}
		return atomicfile.WriteJSON(filepath.Join(dir, FileStatus), status)
	}

	trainer.Progress = opts.Progress
	if opts.ProgressEvery > 0 {
		trainer.ProgressEvery = opts.ProgressEvery
	}
	trainer.AfterStep = func(step int64) error {
		if step%config.CheckpointEvery != 0 && step != total {
			return nil
		}
		if err := saveCheckpoint(trainer, dir); err != nil {
			return err
		}
		return setStatus(StateRunning, step, nil)
	}
	fmt.Fprintf(logw, "run %s: %s, %d steps of %d, representations %s (%s), encoder %s %v → %s\n", dir, train.Name, total,
		config.BatchSize, config.Representations.Label(), config.L3Mode, config.Encoder.Type, config.Encoder.Channels, config.Encoder.OutDim)
	done, err := Execute(ctx, trainer, Job{
		Label: Row{Sweep: opts.Sweep, Run: opts.RunID, Axes: opts.Axes, Representations: config.Representations.Label(), L3Mode: config.L3Mode},
		Steps: total,
		After: []Evaluation{func(trainer *mvmr.Trainer) ([]Row, error) { return evaluate(trainer, dir, data, config, logw) }},
		Dir:   dir, FigureTitle: fmt.Sprintf("%s: loss components", opts.RunID), FigureNames: trainer.ComponentNames(),
		Report: func(r Row) {
			fmt.Fprintf(logw, "%s: %s top-1 %.2f %%, top-5 %.2f %%\n", opts.RunID, r.ProtocolLabel(), 100*r.Top1, 100*r.Top5)
		},
		Log: logw,
	})
	var nonFinite *mvmr.NonFiniteLossError
	var stage *StageError
	if err != nil && !errors.As(err, &stage) {
		stage = &StageError{StageTrain, err}
	}
	switch {
	case err == nil:
	case stage.Stage == StageRecord:
		return nil, err
	case stage.Stage == StageEvaluate:
		_ = setStatus(StateFailed, trainer.Step(), err)
		return nil, fmt.Errorf("runs: %s: %w", dir, stage.Err)
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		// The step in flight finished: save where the run stands.
		step := trainer.Step()
		if status.Step != step || !hasCheckpoint(dir) { // not saved by AfterStep already
			if saveErr := saveCheckpoint(trainer, dir); saveErr != nil {
				return nil, errors.Join(err, saveErr)
			}
		}
		if err := setStatus(StateInterrupted, step, nil); err != nil {
			return nil, err
		}
		return nil, &InterruptedError{Dir: dir, Step: step}
	case errors.As(err, &nonFinite):
		// The bad step was not applied and no checkpoint is written: the last good one stays.
		last, _ := ReadStatus(dir)
		_ = setStatus(StateFailed, last.Step, stage.Err)
		return nil, fmt.Errorf("runs: %s: %w (the last good checkpoint, step %d, is kept)", dir, stage.Err, last.Step)
	default:
		last, _ := ReadStatus(dir)
		_ = setStatus(StateFailed, last.Step, stage.Err)
		return nil, stage.Err
	}
	outcome.Rows = done.Rows
	var buf bytes.Buffer
	if err := writeRows(&buf, outcome.Rows); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, FileResults), buf.Bytes()); err != nil {
		return nil, err
	}
	if err := setStatus(StateDone, trainer.Step(), nil); err != nil {
		return nil, err
	}
	return outcome, nil
}

// evaluate runs the config's protocols with mvmr's Trainer.Evaluate, fitting on data.Train and
// scoring on data.Test: when the encoder trained on another split (train+unlabeled), a copy of
// the final checkpoint is loaded on data.Train, whose labels the protocols use.
func evaluate(trainer *mvmr.Trainer, dir string, data Data, config Config, logw io.Writer) ([]Row, error) {
	if len(config.Eval.Protocols) == 0 {
		return nil, nil
	}
	if data.SSL != data.Train {
		loaded, err := mvmr.LoadTrainer(filepath.Join(dir, FileCheckpoint), data.Train)
		if err != nil {
			return nil, fmt.Errorf("evaluation on %s: %w", data.Train.Name, err)
		}
		defer loaded.Close()
		trainer = loaded
	}
	opts := mvmr.DefaultEvalOptions()
	opts.Features, opts.Seed, opts.Checkpoint, opts.Progress = config.Eval.Features, config.Seed, FileCheckpoint, logw
	opts.Probe, opts.KNN = config.ProbeConfig(), config.KNNConfig()
	opts.Semi.Steps = config.Eval.SemiSteps
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

// sameConfig reports how a checkpoint's config differs from the one asked for, key by key.
// sameFinishedConfig reports whether the config.yaml at path describes config: it is read with
// this version's loader, so a file written before a key existed (its default then applies)
// still matches, and compared in full.
func sameFinishedConfig(path string, config Config) bool {
	want, err := config.YAML()
	if err != nil {
		return false
	}
	saved, err := Load(path)
	if err != nil {
		return false
	}
	have, err := saved.Config.YAML()
	return err == nil && bytes.Equal(have, want)
}

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
