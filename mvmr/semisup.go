package mvmr

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// SemiSupConfig configures semi-supervised fine-tuning: the encoder's backbone and a new linear
// head trained together with cross-entropy on a labelled fraction of the training images.
//
// The official semi-supervised module trains with Adam (lr 1e-4, weight decay 1e-6, batch 128,
// augmented views) for 200 epochs. A CPU budget affords a few hundred steps, so the default
// learning rate is 10× higher (1e-3) with a cosine to 0 over Steps; the official values are
// Sampling SampleOfficial and Optimizer.LR 1e-4.
type SemiSupConfig struct {
	// Fraction of the training labels used, in (0, 1]: 0.01 for "1 %", 0.1 for "10 %".
	Fraction float64 `json:"fraction"`
	// Sampling draws the labelled subset (SamplePerClass; SampleOfficial for the official code's).
	Sampling LabelSampling `json:"sampling"`
	// Steps is the number of fine-tuning steps; BatchSize the images per step.
	Steps     int `json:"steps"`
	BatchSize int `json:"batch_size"`
	// Optimizer is Adam with a cosine schedule over Steps (TotalSteps is set from Steps).
	Optimizer OptimizerConfig `json:"optimizer"`
	// Augment trains on augmented views (the trainer's policy), as the official module does;
	// false trains on the original images.
	Augment bool `json:"augment"`
	// Seed fixes the labelled subset, the head's initialisation, the batch order and augmentations.
	Seed int64 `json:"seed"`
}

// DefaultSemiSupConfig returns per-class sampling of fraction, 300 steps of 128 augmented images,
// Adam lr 1e-3 (weight decay 1e-6) with a cosine to 0.
func DefaultSemiSupConfig(fraction float64) SemiSupConfig {
	return SemiSupConfig{Fraction: fraction, Sampling: SamplePerClass, Steps: 300, BatchSize: 128, Augment: true, Seed: 1,
		Optimizer: OptimizerConfig{Name: OptimizerAdam, LR: 1e-3, WeightDecay: 1e-6, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, TotalSteps: 300}}
}

// SemiSupResult is the outcome of FineTune.
type SemiSupResult struct {
	// Top1 and Top5 are the test accuracies of the fine-tuned encoder and head.
	Top1 float64 `json:"top1"`
	Top5 float64 `json:"top5"`
	// Labelled is the number of labelled training images drawn (with repeats for SampleOfficial).
	Labelled int `json:"labelled"`
	// FinalLoss is the mean cross-entropy of the last 10 steps.
	FinalLoss float64 `json:"final_loss"`
	Seconds   float64 `json:"seconds"`
}

// FineTune copies the trainer's backbone, adds a linear head (PyTorch nn.Linear initialisation)
// and trains both on the labelled subset of the trainer's training set drawn by config, with
// BatchNorm in training mode, then reports accuracy on test with BatchNorm in evaluation mode.
// The trainer's own weights are not changed. progress (may be nil) gets a line every 10 s.
func (t *Trainer) FineTune(test *datasets.Dataset, config SemiSupConfig, progress io.Writer) (SemiSupResult, error) {
	start := time.Now()
	opt, err := t.fineTuneOptimizer(test, config)
	if err != nil {
		return SemiSupResult{}, err
	}
	train := t.data
	for _, d := range []*datasets.Dataset{train, test} {
		if err := d.CheckLabeled("mvmr: semi-supervised fine-tuning"); err != nil {
			return SemiSupResult{}, err
		}
	}
	labelled, err := SampleLabelled(train.Labels, train.NumClasses, config.Fraction, config.Sampling, config.Seed)
	if err != nil {
		return SemiSupResult{}, err
	}
	augment, err := t.config.Augmenter(train)
	if err != nil {
		return SemiSupResult{}, fmt.Errorf("mvmr: semi-supervised: %w", err)
	}
	store, err := t.copyEncoder(config.Seed)
	if err != nil {
		return SemiSupResult{}, err
	}
	f := &fineTuning{config: config, train: train, labelled: labelled, augment: augment,
		rng: rand.New(rand.NewPCG(uint64(config.Seed), 0x5e3150c))}
	if err := f.build(t.backend, store, t.config.Encoder, opt); err != nil {
		return SemiSupResult{}, err
	}
	final, err := f.run(start, progress)
	if err != nil {
		return SemiSupResult{}, err
	}
	top1, top5, err := f.evaluate(test)
	if err != nil {
		return SemiSupResult{}, err
	}
	return SemiSupResult{Top1: top1, Top5: top5, Labelled: len(labelled), FinalLoss: final, Seconds: time.Since(start).Seconds()}, nil
}

// fineTuneOptimizer checks config and test against the trainer's data and returns the optimizer
// of the fine-tuning, its schedule over config.Steps.
func (t *Trainer) fineTuneOptimizer(test *datasets.Dataset, config SemiSupConfig) (OptimizerConfig, error) {
	if config.Steps < 1 || config.BatchSize < 2 {
		return OptimizerConfig{}, fmt.Errorf("mvmr: semi-supervised: steps = %d, batch_size = %d; expected >= 1 and >= 2", config.Steps, config.BatchSize)
	}
	opt := config.Optimizer
	opt.TotalSteps = int64(config.Steps)
	opt.WarmupSteps = min(opt.WarmupSteps, opt.TotalSteps)
	if err := opt.Validate(); err != nil {
		return OptimizerConfig{}, fmt.Errorf("mvmr: semi-supervised: %w", err)
	}
	train := t.data
	if test.Height != train.Height || test.Width != train.Width || test.Channels != train.Channels || test.NumClasses != train.NumClasses {
		return OptimizerConfig{}, fmt.Errorf("mvmr: semi-supervised: test set %s (%dx%dx%d, %d classes) does not match %s (%dx%dx%d, %d classes)",
			test.Name, test.Height, test.Width, test.Channels, test.NumClasses, train.Name, train.Height, train.Width, train.Channels, train.NumClasses)
	}
	return opt, nil
}

// copyEncoder returns a new store, its random generator seeded by seed, holding a copy of the
// trainer's encoder variables.
func (t *Trainer) copyEncoder(seed int64) (*model.Store, error) {
	store, err := newEncoderStore()
	if err != nil {
		return nil, err
	}
	if err := store.SetRNGStateFromSeed(seed); err != nil {
		return nil, err
	}
	prefix := "/" + encoderScope + "/"
	for v := range t.store.IterVariables() {
		if !strings.HasPrefix(v.Path(), prefix) || !v.HasValue() {
			continue
		}
		value, err := v.MustValue().LocalClone()
		if err != nil {
			return nil, fmt.Errorf("mvmr: semi-supervised: copying %s: %w", v.Path(), err)
		}
		copied, err := store.CreateVariable(v.Path(), value)
		if err != nil {
			return nil, fmt.Errorf("mvmr: semi-supervised: copying %s: %w", v.Path(), err)
		}
		copied.SetTrainable(v.Trainable)
	}
	return store, nil
}

// fineTuning is one FineTune: the copied encoder with its head, and the labelled images it
// trains on, drawn in a shuffled order.
type fineTuning struct {
	config   SemiSupConfig
	train    *datasets.Dataset
	labelled []int
	augment  datasets.Augmenter

	stepExec, evalExec *model.Exec

	rng   *rand.Rand // shuffles order
	order []int      // the labelled images in the current epoch's order
	pos   int        // the next image of order
}

// build creates the training step (backbone and head in training mode, Adam) and the evaluation
// (BatchNorm in evaluation mode) on store.
func (f *fineTuning) build(backend compute.Backend, store *model.Store, encoder nn.EncoderConfig, opt OptimizerConfig) error {
	classes := f.train.NumClasses
	forward := func(scope *model.Scope, images *Node) *Node {
		h := encoder.Backbone(scope.In(encoderScope), images)
		return nn.Linear(scope.In("semisup_head"), h, classes, true)
	}
	var err error
	f.stepExec, err = model.NewExec(backend, store, func(scope *model.Scope, images, labels *Node) *Node {
		g := images.Graph()
		scope.Store().SetTraining(g, true)
		nn.DeferStateUpdates(g)
		loss := crossEntropy(forward(scope, images), labels)
		vars, params := trainableInUse(scope.Store(), g)
		finite := IsFinite(loss)
		opt.applyAdam(scope.Store(), g, vars, Gradient(loss, params...), finite)
		nn.CommitStateUpdates(g, finite)
		return loss
	})
	if err != nil {
		return fmt.Errorf("mvmr: semi-supervised: %w", err)
	}
	f.evalExec, err = model.NewExec(backend, store, forward)
	if err != nil {
		return fmt.Errorf("mvmr: semi-supervised: %w", err)
	}
	return nil
}

// run trains config.Steps steps and returns the mean cross-entropy of the last 10.
func (f *fineTuning) run(start time.Time, progress io.Writer) (float64, error) {
	config, train := f.config, f.train
	batch := min(config.BatchSize, len(f.labelled))
	f.order = append([]int(nil), f.labelled...)
	f.pos = len(f.order)
	var recent []float64
	lastReport := start
	for step := range config.Steps {
		images, labels := f.nextBatch(step, batch)
		var loss float64
		err := exceptions.TryCatch[error](func() {
			out := f.stepExec.MustExec(tensors.FromFlatDataAndDimensions(images, batch, train.Height, train.Width, train.Channels),
				tensors.FromFlatDataAndDimensions(labels, batch))
			loss = flatFloat64(out[0])[0]
		})
		if err != nil {
			return 0, fmt.Errorf("mvmr: semi-supervised step %d: %w", step, err)
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return 0, fmt.Errorf("mvmr: semi-supervised step %d: cross-entropy is %v (the step was not applied)", step, loss)
		}
		recent = append(recent, loss)
		if len(recent) > 10 {
			recent = recent[1:]
		}
		if progress != nil && (time.Since(lastReport) >= 10*time.Second || step == config.Steps-1) {
			lastReport = time.Now()
			rate := float64(step+1) / time.Since(start).Seconds()
			fmt.Fprintf(progress, "semi-supervised %g %%: step %d/%d | cross-entropy %.4f | %.2f steps/s | %s left\n",
				100*config.Fraction, step+1, config.Steps, loss, rate,
				(time.Duration(float64(config.Steps-step-1)/rate) * time.Second).Round(time.Second))
		}
	}
	var final float64
	for _, l := range recent {
		final += l / float64(len(recent))
	}
	return final, nil
}

// nextBatch returns the images (augmented views, or the normalised originals) and labels of the
// batch of step: the next labelled images in a shuffled order, reshuffled at each pass.
func (f *fineTuning) nextBatch(step, batch int) ([]float32, []int32) {
	config, train := f.config, f.train
	size := train.ImageSize()
	images := make([]float32, batch*size)
	labels := make([]int32, batch)
	for j := range batch {
		if f.pos == len(f.order) {
			f.rng.Shuffle(len(f.order), func(a, b int) { f.order[a], f.order[b] = f.order[b], f.order[a] })
			f.pos = 0
		}
		idx := f.order[f.pos]
		f.pos++
		if config.Augment {
			f.augment.Augment(images[j*size:(j+1)*size], train, idx, rand.New(rand.NewPCG(uint64(config.Seed), uint64(step)<<20|uint64(j))))
		} else {
			train.Normalize(images[j*size:(j+1)*size], idx)
		}
		labels[j] = train.Labels[idx]
	}
	return images, labels
}

// evaluate returns the top-1 and top-5 accuracy of the fine-tuned encoder and head on test.
func (f *fineTuning) evaluate(test *datasets.Dataset) (top1, top5 float64, err error) {
	size := test.ImageSize()
	var logits []float32
	for lo := 0; lo < test.Len(); lo += FeatureBatchSize {
		n := min(FeatureBatchSize, test.Len()-lo)
		buf := make([]float32, n*size)
		for j := range n {
			test.Normalize(buf[j*size:(j+1)*size], lo+j)
		}
		err := exceptions.TryCatch[error](func() {
			out := f.evalExec.MustExec(tensors.FromFlatDataAndDimensions(buf, n, test.Height, test.Width, test.Channels))
			logits = append(logits, tensors.MustCopyFlatData[float32](out[0])...)
		})
		if err != nil {
			return 0, 0, fmt.Errorf("mvmr: semi-supervised evaluation on %s: %w", test.Name, err)
		}
	}
	top1, top5 = TopKAccuracy(logits, test.Labels, f.train.NumClasses)
	return top1, top5, nil
}
