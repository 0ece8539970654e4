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
// The official semi-supervised module (semi_supervised_module.py) trains with Adam (lr 1e-4,
// weight decay 1e-6, one learning rate for backbone and head) for 100-200 epochs: see
// OfficialSemiSupConfig. A CPU budget affords a few hundred steps, so the default
// (DefaultSemiSupConfig) samples per class, trains Steps steps at a 10× higher learning rate
// (1e-3) with a cosine to 0.
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
	// Epochs > 0 trains by epochs as the official module does, instead of Steps: each epoch
	// shuffles the labelled indices (duplicates included) into floor(n/BatchSize) batches (the
	// DataLoader's drop_last), and epoch e trains at OfficialSemiSupLR(Optimizer.LR, e, n/BatchSize):
	// CosineAnnealingLR(T_max = len(train_dataloader)) stepped once per epoch (Lightning's
	// default interval), which is periodic past T_max.
	Epochs int `json:"epochs,omitempty"`
	// Policy is the augmentation policy of the training views (datasets.NewPolicy); empty takes
	// the trainer's. The official module uses AugTransform(name, size), that is "custom".
	Policy string `json:"policy,omitempty"`
}

// The official semi-supervised configs' learning rate and weight decay
// (configs/imagenet_semi_supervised.yaml: lr 1e-4, wd 1e-6).
const (
	OfficialSemiLR = 1e-4
	OfficialSemiWD = 1e-6
)

// OfficialSemiSupConfig returns the official semi-supervised fine-tune of fraction of the labels
// (main_semi_supervised.py with a config's dataset.percentage = 100·fraction): indices drawn
// uniformly with replacement (SampleOfficial), batchSize images per step, epochs epochs, Adam at
// lr with L2 weight decay wd on backbone and head alike, the per-epoch cosine (Epochs), the
// custom policy's augmented views, BatchNorm in training mode.
func OfficialSemiSupConfig(fraction float64, batchSize, epochs int, lr, wd float64) SemiSupConfig {
	return SemiSupConfig{Fraction: fraction, Sampling: SampleOfficial, BatchSize: batchSize, Epochs: epochs, Augment: true,
		Policy: datasets.PolicyCustom, Seed: 1, Steps: 1, // Steps is unused in Epochs mode: the learning rate is fed per epoch
		Optimizer: OptimizerConfig{Name: OptimizerAdam, LR: lr, WeightDecay: wd, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, TotalSteps: 1}}
}

// OfficialSemiSupLR is the learning rate of epoch e (0-based) of torch's
// CosineAnnealingLR(T_max = batchesPerEpoch, eta_min = 0) stepped once per epoch, as the official
// semi-supervised module sets it: lr·(1 + cos(π·e/T_max))/2, periodic (it rises again past T_max).
func OfficialSemiSupLR(lr float64, epoch, batchesPerEpoch int) float64 {
	return OfficialLinearLR(lr, epoch, batchesPerEpoch)
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
	// Steps is the number of updates applied; EpochLR the learning rate of each epoch (Epochs mode).
	Steps   int       `json:"steps"`
	EpochLR []float64 `json:"epoch_lr,omitempty"`
	Seconds float64   `json:"seconds"`
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
	if config.Policy != "" {
		augment, err = datasets.NewPolicy(config.Policy, train.Height)
	}
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
	run := f.run
	if config.Epochs > 0 {
		run = f.runEpochs
	}
	final, err := run(start, progress)
	if err != nil {
		return SemiSupResult{}, err
	}
	top1, top5, err := f.evaluate(test)
	if err != nil {
		return SemiSupResult{}, err
	}
	return SemiSupResult{Top1: top1, Top5: top5, Labelled: len(labelled), FinalLoss: final, EpochLR: f.epochLR,
		Steps: f.steps, Seconds: time.Since(start).Seconds()}, nil
}

// fineTuneOptimizer checks config and test against the trainer's data and returns the optimizer
// of the fine-tuning, its schedule over config.Steps.
func (t *Trainer) fineTuneOptimizer(test *datasets.Dataset, config SemiSupConfig) (OptimizerConfig, error) {
	if config.Epochs < 0 || config.Epochs == 0 && config.Steps < 1 || config.BatchSize < 2 {
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
	epochExec          *model.Exec // the step at a fed learning rate (Epochs mode)

	steps   int       // updates applied
	recent  []float64 // the cross-entropy of the last 10 updates
	epochLR []float64 // the learning rate of each epoch (Epochs mode)

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
	f.epochExec, err = model.NewExec(backend, store, func(scope *model.Scope, images, labels, lr *Node) *Node {
		g := images.Graph()
		scope.Store().SetTraining(g, true)
		nn.DeferStateUpdates(g)
		loss := crossEntropy(forward(scope, images), labels)
		vars, params := trainableInUse(scope.Store(), g)
		finite := IsFinite(loss)
		opt.applyAdamAt(scope.Store(), g, vars, Gradient(loss, params...), finite, lr)
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
		if err := f.record(loss, fmt.Sprintf("step %d", step)); err != nil {
			return 0, err
		}
		if progress != nil && (time.Since(lastReport) >= 10*time.Second || step == config.Steps-1) {
			lastReport = time.Now()
			rate := float64(step+1) / time.Since(start).Seconds()
			fmt.Fprintf(progress, "semi-supervised %g %%: step %d/%d | cross-entropy %.4f | %.2f steps/s | %s left\n",
				100*config.Fraction, step+1, config.Steps, loss, rate,
				(time.Duration(float64(config.Steps-step-1)/rate) * time.Second).Round(time.Second))
		}
	}
	return f.finalLoss(), nil
}

// runEpochs trains config.Epochs epochs as the official module (SemiSupConfig.Epochs) and returns
// the mean cross-entropy of the last 10 steps.
func (f *fineTuning) runEpochs(start time.Time, progress io.Writer) (float64, error) {
	config, train := f.config, f.train
	perEpoch := len(f.labelled) / config.BatchSize
	if perEpoch < 1 {
		return 0, fmt.Errorf("mvmr: semi-supervised: %d labelled images (%g %% of %d) make no batch of %d (the official loader drops the last short batch); lower batch_size",
			len(f.labelled), 100*config.Fraction, train.Len(), config.BatchSize)
	}
	order := append([]int(nil), f.labelled...)
	lastReport := start
	for epoch := range config.Epochs {
		lr := OfficialSemiSupLR(config.Optimizer.LR, epoch, perEpoch)
		f.epochLR = append(f.epochLR, lr)
		f.rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		for b := range perEpoch {
			images, labels := f.batchOf(order[b*config.BatchSize:(b+1)*config.BatchSize], f.steps)
			var loss float64
			err := exceptions.TryCatch[error](func() {
				out := f.epochExec.MustExec(tensors.FromFlatDataAndDimensions(images, config.BatchSize, train.Height, train.Width, train.Channels),
					tensors.FromFlatDataAndDimensions(labels, config.BatchSize), tensors.FromValue(float32(lr)))
				loss = flatFloat64(out[0])[0]
			})
			if err != nil {
				return 0, fmt.Errorf("mvmr: semi-supervised epoch %d, step %d: %w", epoch, b, err)
			}
			if err := f.record(loss, fmt.Sprintf("epoch %d, step %d", epoch, b)); err != nil {
				return 0, err
			}
		}
		if progress != nil && (time.Since(lastReport) >= 10*time.Second || epoch == config.Epochs-1) {
			lastReport = time.Now()
			fmt.Fprintf(progress, "semi-supervised %g %% (official): epoch %d/%d | lr %.3g | cross-entropy %.4f | %s\n",
				100*config.Fraction, epoch+1, config.Epochs, lr, f.recent[len(f.recent)-1], time.Since(start).Round(time.Second))
		}
	}
	return f.finalLoss(), nil
}

// record checks the cross-entropy of an update (at, such as "step 3", names it in the error)
// and keeps it among the last 10.
func (f *fineTuning) record(loss float64, at string) error {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return fmt.Errorf("mvmr: semi-supervised %s: cross-entropy is %v (the step was not applied)", at, loss)
	}
	f.steps++
	f.recent = append(f.recent, loss)
	if len(f.recent) > 10 {
		f.recent = f.recent[1:]
	}
	return nil
}

// finalLoss is the mean cross-entropy of the last 10 updates.
func (f *fineTuning) finalLoss() float64 {
	var final float64
	for _, l := range f.recent {
		final += l / float64(len(f.recent))
	}
	return final
}

// batchOf returns the images (augmented views, or the normalised originals) and labels of the
// given training indices, the augmentations drawn for update number step.
func (f *fineTuning) batchOf(indices []int, step int) ([]float32, []int32) {
	config, train := f.config, f.train
	size := train.ImageSize()
	images := make([]float32, len(indices)*size)
	labels := make([]int32, len(indices))
	for j, idx := range indices {
		if config.Augment {
			f.augment.Augment(images[j*size:(j+1)*size], train, idx, rand.New(rand.NewPCG(uint64(config.Seed), uint64(step)<<20|uint64(j))))
		} else {
			train.Normalize(images[j*size:(j+1)*size], idx)
		}
		labels[j] = train.Labels[idx]
	}
	return images, labels
}

// nextBatch returns the images (augmented views, or the normalised originals) and labels of the
// batch of step: the next labelled images in a shuffled order, reshuffled at each pass.
func (f *fineTuning) nextBatch(step, batch int) ([]float32, []int32) {
	indices := make([]int, batch)
	for j := range batch {
		if f.pos == len(f.order) {
			f.rng.Shuffle(len(f.order), func(a, b int) { f.order[a], f.order[b] = f.order[b], f.order[a] })
			f.pos = 0
		}
		indices[j] = f.order[f.pos]
		f.pos++
	}
	return f.batchOf(indices, step)
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
