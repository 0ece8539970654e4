package runs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

// Job is one train → evaluate → record, the one loop of the kit: Run executes a config in a run
// folder with it, and the quickstart, distill-demo, distill-seeds and the notebooks' term
// variants execute their trainers with it. Execute runs it.
type Job struct {
	// Label is copied into every row: Sweep, Run, Axes, Representations, L3Mode, Encoder,
	// Teacher. An evaluation may name its row itself (Row.Run, as "raw pixels").
	Label Row
	// Steps is the step to train to: a trainer resumed at step s trains Steps − s more.
	Steps int64
	// Before are evaluations of the encoder before training (the quickstart's raw pixels and
	// random encoder); After those of the trained encoder.
	Before, After []Evaluation
	// KeepNonFinite: a loss that turns NaN or Inf stops training without an error, the encoder
	// is evaluated with the weights of the last finite step and the rows say why in Stopped (as
	// dCor does once z has collapsed, in the notebooks' term variants). Without it Execute
	// returns the *mvmr.NonFiniteLossError.
	KeepNonFinite bool
	// KeepHistory copies the training history into the rows of After (Row.History).
	KeepHistory bool
	// CountParams sets the rows' BackboneParams and TotalParams (mvmr.Trainer.ParameterCount).
	CountParams bool
	// Checkpoint, when set, is the file the trained model is saved to before its evaluation.
	Checkpoint string
	// Dir, when set, receives the training history (FileHistory) and the loss-components figure
	// (FileLossFigure, .png and .svg) titled FigureTitle, of FigureNames (nil: every loss term).
	Dir         string
	FigureTitle string
	FigureNames []string
	// Report, when set, is called with each row as soon as its evaluation has returned.
	Report func(Row)
	// Log receives warnings (a figure that cannot be drawn); nil discards them.
	Log io.Writer
}

// Evaluation scores a trainer's encoder. It returns rows with their Result filled (and Run,
// when it names what it evaluated); Execute adds the job's labels and training summary.
type Evaluation func(*mvmr.Trainer) ([]Row, error)

// Executed is what Execute did.
type Executed struct {
	// Rows are the rows of the Before evaluations, then those of After, in order.
	Rows []Row
	// Figures are the files of the loss-components figure (when Job.Dir is set).
	Figures []string
}

// The stages of a job, as a *StageError names them.
const (
	StageTrain    = "train"
	StageRecord   = "record"
	StageEvaluate = "evaluate"
)

// StageError is an error of Execute with the stage it happened in; it unwraps to the cause (a
// context error when ctx was cancelled, an *mvmr.NonFiniteLossError, ...).
type StageError struct {
	Stage string
	Err   error
}

func (e *StageError) Error() string { return e.Err.Error() }
func (e *StageError) Unwrap() error { return e.Err }

// Execute runs job on trainer: the Before evaluations, training up to job.Steps (stopping after
// a whole step when ctx is cancelled), the checkpoint, history and figure, then the After
// evaluations, whose rows carry the final loss and the training time of the whole run
// (mvmr.Trainer.TrainTime, the processes before a resume included). The trainer's Progress,
// AfterStep and monitors are the caller's. Rows made before an error are returned with it.
func Execute(ctx context.Context, trainer *mvmr.Trainer, job Job) (*Executed, error) {
	logw := job.Log
	if logw == nil {
		logw = io.Discard
	}
	out := &Executed{}
	evaluate := func(evals []Evaluation, base Row) error {
		for _, eval := range evals {
			rows, err := eval(trainer)
			if err != nil {
				return &StageError{StageEvaluate, err}
			}
			for _, r := range rows {
				row := base
				row.Result = r.Result
				if r.Run != "" {
					row.Run = r.Run
				}
				out.Rows = append(out.Rows, row)
				if job.Report != nil {
					job.Report(row)
				}
			}
		}
		return nil
	}
	if err := evaluate(job.Before, job.Label); err != nil {
		return out, err
	}

	stopped := ""
	if remaining := job.Steps - trainer.Step(); remaining > 0 {
		if err := trainer.TrainContext(ctx, int(remaining)); err != nil {
			var nonFinite *mvmr.NonFiniteLossError
			if !job.KeepNonFinite || !errors.As(err, &nonFinite) {
				return out, &StageError{StageTrain, err}
			}
			stopped = err.Error()
			fmt.Fprintf(logw, "%s: training stopped: %v\n", job.Label.Run, err)
		}
	}

	if job.Checkpoint != "" {
		if err := trainer.Save(job.Checkpoint); err != nil {
			return out, &StageError{StageRecord, err}
		}
	}
	if job.Dir != "" {
		figures, err := recordTraining(trainer, job, logw)
		if err != nil {
			return out, &StageError{StageRecord, err}
		}
		out.Figures = figures
	}

	base := job.Label
	base.FinalLoss = finalLoss(trainer.History(), trainer.ComponentNames())
	base.TrainSeconds = trainer.TrainTime().Seconds()
	base.Stopped = stopped
	if job.KeepHistory {
		base.History = trainer.History().Clone()
	}
	if job.CountParams {
		base.BackboneParams, base.TotalParams = trainer.ParameterCount()
	}
	if err := evaluate(job.After, base); err != nil {
		return out, err
	}
	return out, nil
}

// recordTraining writes the history and the loss-components figure to job.Dir; a figure that
// cannot be drawn is a warning.
func recordTraining(trainer *mvmr.Trainer, job Job, logw io.Writer) ([]string, error) {
	if err := atomicfile.Write(filepath.Join(job.Dir, FileHistory), trainer.History().WriteCSV); err != nil {
		return nil, err
	}
	fig, err := plotting.LossComponents(trainer.History(), plotting.LossComponentsOptions{Names: job.FigureNames, Title: job.FigureTitle})
	if err != nil {
		fmt.Fprintf(logw, "warning: loss figure: %v\n", err)
		return nil, nil
	}
	return plotting.SaveAll(fig, filepath.Join(job.Dir, FileLossFigure), "png", "svg")
}

// LinearProbe is the evaluation of the linear probe on the trainer's h, fitted on train and
// scored on test (mvmr.Trainer.ProbeEncoder with probe): one linear row named name (empty: the
// job's run), with the probe's training accuracy and the feature size as metrics.
func LinearProbe(name string, train, test *datasets.Dataset, probe mvmr.ProbeConfig) Evaluation {
	return func(t *mvmr.Trainer) ([]Row, error) {
		e, err := t.ProbeEncoder(name, train, test, probe)
		if err != nil {
			return nil, err
		}
		return []Row{probeRow(t, name, "h", train, test, probe, e)}, nil
	}
}

// PixelProbe is the evaluation of the linear probe on the normalised pixels (mvmr.ProbePixels),
// the baseline: one linear row named name, with features "pixels".
func PixelProbe(name string, train, test *datasets.Dataset, probe mvmr.ProbeConfig) Evaluation {
	return func(t *mvmr.Trainer) ([]Row, error) {
		e, err := mvmr.ProbePixels(t, train, test, probe)
		if err != nil {
			return nil, err
		}
		return []Row{probeRow(t, name, "pixels", train, test, probe, e)}, nil
	}
}

// Calibrated runs eval after setting the BatchNorm statistics of the encoder
// (mvmr.Trainer.CalibrateBatchNorm over mvmr.CalibrationBatches batches): what makes a random
// encoder's features meaningful.
func Calibrated(eval Evaluation) Evaluation {
	return func(t *mvmr.Trainer) ([]Row, error) {
		if err := t.CalibrateBatchNorm(mvmr.CalibrationBatches); err != nil {
			return nil, err
		}
		return eval(t)
	}
}

// KNN is the evaluation of the weighted kNN classifier on the trainer's h, its training set →
// test, with mvmr.DefaultEvalOptions (k = 20 and 200): one row per k, variant "k=K".
func KNN(test *datasets.Dataset) Evaluation {
	return Protocol(mvmr.ProtocolKNN, test, mvmr.DefaultEvalOptions())
}

// Protocol is the evaluation of one protocol of mvmr.Trainer.Evaluate (the trainer's training
// set → test) with opts: its rows.
func Protocol(protocol string, test *datasets.Dataset, opts mvmr.EvalOptions) Evaluation {
	return func(t *mvmr.Trainer) ([]Row, error) {
		results, _, err := t.Evaluate(protocol, test, opts)
		if err != nil {
			return nil, fmt.Errorf("evaluation %s: %w", protocol, err)
		}
		rows := make([]Row, len(results))
		for i, r := range results {
			rows[i].Result = r
		}
		return rows, nil
	}
}

// probeRow is the row of a linear probe evaluation on features of train and test.
func probeRow(t *mvmr.Trainer, name, features string, train, test *datasets.Dataset, probe mvmr.ProbeConfig, e mvmr.ProbeEvaluation) Row {
	family, _, _ := strings.Cut(train.Name, "/")
	return Row{Run: name, Result: mvmr.Result{
		Protocol: mvmr.ProtocolLinear, Features: features, Dataset: family, TrainSplit: train.Name, TestSplit: test.Name,
		Step: t.Step(), TrainSeed: t.Config().Seed, EvalSeed: probe.Seed, Top1: e.Top1, Top5: e.Top5,
		Metrics: map[string]float64{"train_top1": e.TrainTop1, "dim": float64(e.Dim)},
		Seconds: e.Seconds, Time: time.Now().UTC().Format(time.RFC3339),
	}}
}
