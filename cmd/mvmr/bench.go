package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
)

func runBench(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	arch := fs.String("arch", nn.ArchCNN, "encoder: "+strings.Join(nn.Archs(), ", ")+" (cnn is the quickstart encoder)")
	smallKernel := fs.Bool("small-kernel", false, "ResNets: 3x3 stride-1 conv1 (official small_kernel)")
	noMaxPool := fs.Bool("no-maxpool", false, "ResNets: drop the stem max pool (CIFAR variant; not the official code)")
	projector := fs.String("projector", "", "projector spec (default: the quickstart's for cnn, 8192-8192-8192 for ResNets)")
	batch := fs.Int("batch", 256, "images per step (each seen as two views)")
	size := fs.Int("size", 28, "image height and width")
	channels := fs.Int("channels", 1, "image channels")
	warmup := fs.Int("warmup", 2, "untimed steps first (the first compiles)")
	steps := fs.Int("steps", 5, "timed steps")
	precision := fs.String("precision", nn.PrecisionFloat32, "encoder precision: float32 or bfloat16 (mixed precision)")
	devices := fs.Int("devices", 1, "devices the batch is split over (data parallel; needs XLA with that many accelerators)")
	lossGroups := fs.Int("loss-groups", 1, "groups with their own loss and BatchNorm statistics (the official multi-GPU DDP loss)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr bench [flags]\n\nTimes the full training step (both views, loss mse + std + dcor_zz, gradient, Adam) on random\n"+
			"images with the backend from GOMLX_BACKEND, and prints the median seconds per step.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if !slices.Contains(nn.Archs(), *arch) {
		return badInput("-arch %q; expected one of %s", *arch, strings.Join(nn.Archs(), ", "))
	}
	config := mvmr.QuickstartConfig(1000)
	config.BatchSize = *batch
	config.Loss.Representations = nil // in-graph terms only: mse, std, dcor_zz
	if *arch != nn.ArchCNN {
		spec := *projector
		if spec == "" {
			spec = "8192-8192-8192"
		}
		config.Encoder = nn.ResNetConfig(*arch, *smallKernel, spec)
		config.Encoder.NoMaxPool = *noMaxPool
	} else if *projector != "" {
		config.Encoder.Projector = *projector
	}
	config.Encoder.Precision = *precision
	config.Parallel = mvmr.ParallelConfig{Devices: *devices, LossGroups: *lossGroups}
	if err := config.Validate(); err != nil {
		return badInput("%v", err)
	}
	backend, err := mvmr.NewBackend()
	if err != nil {
		return err
	}
	timing, err := mvmr.TimeTrainingSteps(backend, config, *size, *size, *channels, *warmup, *steps)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backend %s (%s) arch %s precision %s devices %d loss_groups %d small_kernel=%v projector %s batch %d %dx%dx%d: compile+first step %.2f s, "+
		"median %.4f s/step (min %.4f, %d steps), %.2f steps/s, %.1f images/s, loss %.4f\n",
		mvmr.BackendConfig(), backend.Description(), *arch, config.Encoder.Precision, max(1, *devices), max(1, *lossGroups), *smallKernel, config.Encoder.Projector, *batch, *size, *size, *channels,
		timing.Compile, timing.Median, timing.Min, len(timing.Seconds), timing.StepsPerSecond(),
		float64(*batch)/timing.Median, timing.Loss)
	return nil
}
