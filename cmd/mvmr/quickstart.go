package main

import (
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
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

// quickstartResult is what quickstart writes to results.json.
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

	result := quickstartResult{Config: config, Backend: mvmr.BackendConfig(), Steps: *steps, Probe: probe}
	report := func(e mvmr.ProbeEvaluation) {
		result.Probes = append(result.Probes, e)
		fmt.Fprintf(stdout, "linear probe on %-15s top-1 %.2f %%  (%.0f s)\n", e.Name+":", 100*e.Top1, e.Seconds)
	}
	pixels, err := mvmr.ProbePixels(trainer, train, test, probe)
	if err != nil {
		return err
	}
	report(pixels)
	if err := trainer.CalibrateBatchNorm(mvmr.CalibrationBatches); err != nil {
		return err
	}
	random, err := trainer.ProbeEncoder("random encoder", train, test, probe)
	if err != nil {
		return err
	}
	report(random)

	trainer.Progress = stdout
	trainStart := time.Now()
	if err := trainer.Train(*steps); err != nil {
		return err
	}
	result.TrainSeconds = time.Since(trainStart).Seconds()
	result.StepsPerSecond = float64(*steps) / result.TrainSeconds
	result.DataWaitSecs = trainer.DataWait().Seconds()
	trained, err := trainer.ProbeEncoder("MV-MR encoder", train, test, probe)
	if err != nil {
		return err
	}
	report(trained)

	figure, err := plotting.LossComponents(trainer.History(), plotting.LossComponentsOptions{
		Title: fmt.Sprintf("MV-MR on MNIST: loss components (%d steps)", *steps)})
	if err != nil {
		return err
	}
	figures, err := plotting.SaveAll(figure, filepath.Join(*out, "loss_components"), "png", "svg")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(*out, "history.csv"), trainer.History().WriteCSV); err != nil {
		return err
	}
	if err := trainer.Save(filepath.Join(*out, "checkpoint.mvmr")); err != nil {
		return err
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
	for _, p := range result.Probes {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t\n", p.Name, p.Dim, 100*p.Top1, 100*p.Top5)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "\nMV-MR over random encoder: %+.2f points; over raw pixels: %+.2f points\n",
		100*(trained.Top1-random.Top1), 100*(trained.Top1-pixels.Top1))
	fmt.Fprintf(stdout, "training: %d steps in %s (%.2f steps/s, %s waiting for data); total %s\n", *steps,
		time.Duration(result.TrainSeconds*float64(time.Second)).Round(time.Second), result.StepsPerSecond,
		trainer.DataWait().Round(time.Millisecond), time.Since(start).Round(time.Second))
	fmt.Fprintf(stdout, "wrote %s, %s/{history.csv,results.json,checkpoint.mvmr}\n", strings.Join(figures, ", "), *out)
	return nil
}
