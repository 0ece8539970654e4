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
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unexpected arguments %q", fs.Args())
	}
	if *steps < 1 {
		return badInput("-steps = %d; expected at least 1", *steps)
	}
	config := mvmr.QuickstartConfig(int64(*steps))
	config.BatchSize = *batch
	config.Seed = *seed
	if err := config.Validate(); err != nil {
		return usageError{err}
	}
	probe := mvmr.DefaultProbeConfig()
	probe.Seed = *seed

	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		return err
	}
	if *batch > train.Len() { // config.Validate checked the least batch
		return badInput("-batch = %d; expected %d..%d", *batch, mvmr.MinBatchSize, train.Len())
	}
	trainer, err := mvmr.NewTrainer(config, train)
	if err != nil {
		return err
	}
	defer trainer.Close()
	fmt.Fprintf(stdout, "MV-MR quickstart: MNIST %d train / %d test images, backend %s, encoder %v → h %d-d, projector %s, %d steps of %d\n",
		train.Len(), test.Len(), mvmr.BackendConfig(), config.Encoder.Channels, config.Encoder.HDim(train.Height, train.Width),
		config.Encoder.Projector, *steps, *batch)

	trainer.Progress = stdout
	done, err := runs.Execute(context.Background(), trainer, runs.Job{
		Label: runs.Row{Run: "quickstart"},
		Steps: int64(*steps),
		Before: []runs.Evaluation{
			runs.PixelProbe("raw pixels", train, test, probe),
			runs.Calibrated(runs.LinearProbe("random encoder", train, test, probe)),
		},
		After: []runs.Evaluation{runs.LinearProbe("MV-MR encoder", train, test, probe)},
		Report: func(r runs.Row) {
			fmt.Fprintf(stdout, "linear probe on %-15s top-1 %.2f %%  (%.0f s)\n", r.Run+":", 100*r.Top1, r.Seconds)
		},
		Dir: *out, FigureTitle: fmt.Sprintf("MV-MR on MNIST: loss components (%d steps)", *steps), Log: stdout,
		Checkpoint: filepath.Join(*out, "checkpoint.mvmr"),
	})
	if err != nil {
		return err
	}
	pixels, random, trained := done.Rows[0], done.Rows[1], done.Rows[2]
	result := quickstartResult{Config: config, Backend: mvmr.BackendConfig(), Steps: *steps, Probe: probe,
		TrainSeconds: trained.TrainSeconds, DataWaitSecs: trainer.DataWait().Seconds()}
	result.StepsPerSecond = float64(*steps) / result.TrainSeconds
	for _, r := range done.Rows {
		result.Probes = append(result.Probes, probeEvaluation(r))
	}
	result.TotalSeconds = time.Since(start).Seconds()
	resultJSON, err := json.MarshalIndent(result, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(filepath.Join(*out, "results.json"), append(resultJSON, '\n')); err != nil {
		return err
	}

	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "features\tdim\ttop-1 %\ttop-5 %\t")
	for _, r := range done.Rows {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t\n", r.Run, r.Dim(), 100*r.Top1, 100*r.Top5)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "\nMV-MR over random encoder: %+.2f points; over raw pixels: %+.2f points\n",
		100*(trained.Top1-random.Top1), 100*(trained.Top1-pixels.Top1))
	fmt.Fprintf(stdout, "training: %d steps in %s (%.2f steps/s, %s waiting for data); total %s\n", *steps,
		time.Duration(result.TrainSeconds*float64(time.Second)).Round(time.Second), result.StepsPerSecond,
		trainer.DataWait().Round(time.Millisecond), time.Since(start).Round(time.Second))
	fmt.Fprintf(stdout, "wrote %s, %s/{history.csv,results.json,checkpoint.mvmr}\n", strings.Join(done.Figures, ", "), *out)
	return nil
}

// probeEvaluation is a linear-probe row as results.json lists it (mvmr.ProbeEvaluation's keys).
func probeEvaluation(r runs.Row) mvmr.ProbeEvaluation {
	return mvmr.ProbeEvaluation{Name: r.Run, Dim: r.Dim(), Top1: r.Top1, Top5: r.Top5, TrainTop1: r.Metrics["train_top1"], Seconds: r.Seconds}
}
