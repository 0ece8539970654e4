package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// quickstartResult is what quickstart writes to results.json: the run's settings and timings
// and its three linear probes (raw pixels, random encoder, trained encoder).
type quickstartResult struct {
	Config         mvmr.Config            `json:"config"`
	Backend        string                 `json:"backend"`
	Steps          int                    `json:"steps"`
	TrainSeconds   float64                `json:"train_seconds"`
	StepsPerSecond float64                `json:"steps_per_second"`
	DataWaitSecs   float64                `json:"data_wait_seconds"`
	TotalSeconds   float64                `json:"total_seconds"`
	Probes         []mvmr.ProbeEvaluation `json:"probes"`
	Probe          mvmr.ProbeConfig       `json:"probe"`
}

func runQuickstart(args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	q, err := parseQuickstartFlags(args, stderr)
	if err != nil {
		return err
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		return err
	}
	if q.batch > train.Len() { // config.Validate checked the least batch
		return badInput("-batch = %d; expected %d..%d", q.batch, mvmr.MinBatchSize, train.Len())
	}
	trainer, err := mvmr.NewTrainer(q.config, train)
	if err != nil {
		return err
	}
	defer trainer.Close()
	fmt.Fprintf(stdout, "MV-MR quickstart: MNIST %d train / %d test images, backend %s, encoder %v → h %d-d, projector %s, %d steps of %d\n",
		train.Len(), test.Len(), mvmr.BackendConfig(), q.config.Encoder.Channels, q.config.Encoder.HDim(train.Height, train.Width),
		q.config.Encoder.Projector, q.steps, q.batch)

	trainer.Progress = stdout
	done, err := runs.Execute(context.Background(), trainer, q.job(train, test, stdout))
	if err != nil {
		return err
	}
	result, err := q.writeResult(trainer, done.Rows, start)
	if err != nil {
		return err
	}
	q.printSummary(stdout, trainer, result, done, start)
	return nil
}

// quickstart is one quickstart: its settings, from the command line, with the config and probe
// they make.
type quickstart struct {
	steps, batch int
	out          string
	config       mvmr.Config
	probe        mvmr.ProbeConfig
}

// parseQuickstartFlags reads and checks quickstart's command line.
func parseQuickstartFlags(args []string, stderr io.Writer) (*quickstart, error) {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	steps := fs.Int("steps", mvmr.QuickstartSteps, "training steps")
	batch := fs.Int("batch", 256, "batch size (images per step, each seen in two views)")
	seed := fs.Int64("seed", 1, "seed of the weights, the data order, the augmentations and the probe")
	out := fs.String("out", "mvmr-quickstart", "output folder for the figures, history, results and checkpoint")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr quickstart [flags]\n\nTrains an MV-MR encoder on the embedded MNIST on this machine, then compares linear probes\n"+
			"on raw pixels, on a randomly initialised encoder and on the trained encoder.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, badInput("unexpected arguments %q", fs.Args())
	}
	if *steps < 1 {
		return nil, badInput("-steps = %d; expected at least 1", *steps)
	}
	config := mvmr.QuickstartConfig(int64(*steps))
	config.BatchSize = *batch
	config.Seed = *seed
	if err := config.Validate(); err != nil {
		return nil, usageError{err}
	}
	probe := mvmr.DefaultProbeConfig()
	probe.Seed = *seed
	return &quickstart{steps: *steps, batch: *batch, out: *out, config: config, probe: probe}, nil
}

// job probes raw pixels and the random encoder, trains, saves the checkpoint, history and
// figure in -out, and probes the trained encoder, printing each probe as it ends.
func (q *quickstart) job(train, test *datasets.Dataset, stdout io.Writer) runs.Job {
	return runs.Job{
		Label: runs.Row{Run: "quickstart"},
		Steps: int64(q.steps),
		Before: []runs.Evaluation{
			runs.PixelProbe("raw pixels", train, test, q.probe),
			runs.Calibrated(runs.LinearProbe("random encoder", train, test, q.probe)),
		},
		After: []runs.Evaluation{runs.LinearProbe("MV-MR encoder", train, test, q.probe)},
		Report: func(r runs.Row) {
			fmt.Fprintf(stdout, "linear probe on %-15s top-1 %.2f %%  (%.0f s)\n", r.Run+":", 100*r.Top1, r.Seconds)
		},
		Dir: q.out, FigureTitle: fmt.Sprintf("MV-MR on MNIST: loss components (%d steps)", q.steps), Log: stdout,
		Checkpoint: filepath.Join(q.out, "checkpoint.mvmr"),
	}
}

// writeResult writes -out/results.json: the settings, the timings and the three probes (raw
// pixels, random encoder, trained encoder, the job's rows in order).
func (q *quickstart) writeResult(trainer *mvmr.Trainer, rows []runs.Row, start time.Time) (quickstartResult, error) {
	trained := rows[2]
	result := quickstartResult{Config: q.config, Backend: mvmr.BackendConfig(), Steps: q.steps, Probe: q.probe,
		TrainSeconds: trained.TrainSeconds, DataWaitSecs: trainer.DataWait().Seconds()}
	result.StepsPerSecond = float64(q.steps) / result.TrainSeconds
	for _, r := range rows {
		result.Probes = append(result.Probes, probeEvaluation(r))
	}
	result.TotalSeconds = time.Since(start).Seconds()
	resultJSON, err := json.MarshalIndent(result, "", "  ")
	if err != nil {
		return result, err
	}
	return result, atomicfile.WriteBytes(filepath.Join(q.out, "results.json"), append(resultJSON, '\n'))
}

// printSummary prints the probes as a table, what training gained over the random encoder and
// the raw pixels, the timings and the files written.
func (q *quickstart) printSummary(stdout io.Writer, trainer *mvmr.Trainer, result quickstartResult, done *runs.Executed, start time.Time) {
	pixels, random, trained := done.Rows[0], done.Rows[1], done.Rows[2]
	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "features\tdim\ttop-1 %\ttop-5 %\t")
	for _, r := range done.Rows {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t\n", r.Run, r.Dim(), 100*r.Top1, 100*r.Top5)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "\nMV-MR over random encoder: %+.2f points; over raw pixels: %+.2f points\n",
		100*(trained.Top1-random.Top1), 100*(trained.Top1-pixels.Top1))
	fmt.Fprintf(stdout, "training: %d steps in %s (%.2f steps/s, %s waiting for data); total %s\n", q.steps,
		time.Duration(result.TrainSeconds*float64(time.Second)).Round(time.Second), result.StepsPerSecond,
		trainer.DataWait().Round(time.Millisecond), time.Since(start).Round(time.Second))
	fmt.Fprintf(stdout, "wrote %s, %s/{history.csv,results.json,checkpoint.mvmr}\n", strings.Join(done.Figures, ", "), q.out)
}

// probeEvaluation is a linear-probe row as results.json lists it (mvmr.ProbeEvaluation's keys).
func probeEvaluation(r runs.Row) mvmr.ProbeEvaluation {
	return mvmr.ProbeEvaluation{Name: r.Run, Dim: r.Dim(), Top1: r.Top1, Top5: r.Top5, TrainTop1: r.Metrics["train_top1"], Seconds: r.Seconds}
}
