package mvmr

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// StepTiming is what TimeTrainingSteps measured.
type StepTiming struct {
	// Seconds holds the wall time of each timed step, in order.
	Seconds []float64
	// Median and Min summarise Seconds.
	Median, Min float64
	// Compile is the wall time of the first (untimed) step, which builds and compiles the graph.
	Compile float64
	// Loss is the total loss of the last step (finite when the step is sane).
	Loss float64
}

// StepsPerSecond is 1/Median.
func (s StepTiming) StepsPerSecond() float64 { return 1 / s.Median }

// TimeTrainingSteps times the training step the Trainer runs for config on images of the given
// shape: both views through the encoder, the loss, the gradient and the optimizer update, on
// fixed random inputs (no data loading or augmentation is timed). warmup untimed steps run first
// (the first one compiles), then steps timed ones; each timed step includes copying the loss
// back to the host, so device work is finished when its clock stops.
//
// Only losses computed in the graph can be timed: representations computed on the host are
// rejected.
func TimeTrainingSteps(backend compute.Backend, config Config, height, width, channels, warmup, steps int) (StepTiming, error) {
	if height < 1 || width < 1 || channels < 1 || warmup < 1 || steps < 1 {
		return StepTiming{}, fmt.Errorf("mvmr: TimeTrainingSteps(%dx%dx%d, warmup %d, steps %d): expected positive sizes, warmup >= 1 (compilation) and steps >= 1",
			height, width, channels, warmup, steps)
	}
	b := config.BatchSize
	rng := rand.New(rand.NewPCG(uint64(config.Seed), 7))
	data := &datasets.Dataset{Name: "random", Height: height, Width: width, Channels: channels, NumClasses: 1,
		Images: make([]uint8, b*height*width*channels), Labels: make([]int32, b)}
	for range channels {
		data.Mean = append(data.Mean, 0.5)
		data.Std = append(data.Std, 0.25)
	}
	for i := range data.Images {
		data.Images[i] = uint8(rng.IntN(256))
	}
	t, err := NewTrainerWithBackend(backend, config, data)
	if err != nil {
		return StepTiming{}, err
	}
	t.Close() // no data loading: the inputs below are fixed
	if t.graphFresh || len(t.hostReps) > 0 {
		return StepTiming{}, fmt.Errorf("mvmr: TimeTrainingSteps times in-graph losses only; config.loss.representations uses a fresh view or host features")
	}
	views := make([]*tensors.Tensor, 2)
	for i := range views {
		x := make([]float32, b*height*width*channels)
		for j := range x {
			x[j] = float32(rng.NormFloat64())
		}
		views[i] = tensors.FromFlatDataAndDimensions(x, b, height, width, channels)
	}
	var timing StepTiming
	for i := range warmup + steps {
		start := time.Now()
		output, err := t.runStep(views) // on one device or split over config.Parallel.Devices
		if err != nil {
			return timing, fmt.Errorf("mvmr: timed training step %d: %w", i, err)
		}
		values := flatFloat64(output) // copies to the host: the step has finished
		elapsed := time.Since(start).Seconds()
		output.FinalizeAll()
		timing.Loss = values[len(values)-2]
		if i == 0 {
			timing.Compile = elapsed
		}
		if i >= warmup {
			timing.Seconds = append(timing.Seconds, elapsed)
		}
	}
	summary := NewStepTiming(timing.Compile, timing.Seconds)
	summary.Loss = timing.Loss
	return summary, nil
}

// NewStepTiming summarises the wall times of timed steps: compile is the first (untimed) step's,
// seconds the timed ones' (at least one), in order. TimeTrainingSteps (fixed inputs) and the
// notebooks' ConfigRun.TimeSteps (real data) report through it.
func NewStepTiming(compile float64, seconds []float64) StepTiming {
	sorted := slices.Sorted(slices.Values(seconds))
	return StepTiming{Seconds: seconds, Median: sorted[len(sorted)/2], Min: sorted[0], Compile: compile}
}
