package runs

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
)

// Validate checks every value and returns one error per bad value (joined), each naming the
// key, the value and what is allowed. Checks that need the data (batch size against the number
// of images, image size, representations that fit the images) are done by Resolve.
func (c Config) Validate() error {
	var v checker
	c.validateOptimization(&v)
	c.validateLoss(&v)
	c.validateDataset(&v)
	c.validateEncoder(&v)
	c.validateRepresentationSettings(&v)
	c.validateEval(&v)
	c.validateRun(&v)
	c.validateSemi(&v)
	return errors.Join(v.errs...)
}

// checker collects the errors of Validate, in the order the checks run.
type checker struct{ errs []error }

// add records err when it is not nil.
func (v *checker) add(err error) {
	if err != nil {
		v.errs = append(v.errs, err)
	}
}

// bad records that key = value is not what is allowed.
func (v *checker) bad(key string, value any, allowed string) {
	v.errs = append(v.errs, fmt.Errorf("%s = %s: expected %s", key, show(value), allowed))
}

func (v *checker) oneOf(key, value string, allowed []string) {
	if !slices.Contains(allowed, value) {
		v.bad(key, value, "one of "+strings.Join(allowed, ", "))
	}
}

func (v *checker) positive(key string, x float64) {
	if !(x > 0) || math.IsInf(x, 0) {
		v.bad(key, x, "a positive finite number")
	}
}

func (v *checker) nonNegative(key string, x float64) {
	if !(x >= 0) || math.IsInf(x, 0) {
		v.bad(key, x, "a finite number >= 0")
	}
}

// validateOptimization checks the batch, the length of the run, the optimizer and its
// learning-rate schedule.
func (c Config) validateOptimization(v *checker) {
	v.add(mvmr.CheckBatchSize("batch_size", c.BatchSize))
	if c.Steps < 0 {
		v.bad("steps", c.Steps, "an integer >= 0 (0: use epochs)")
	}
	v.nonNegative("epochs", c.Epochs)
	if c.Steps == 0 && !(c.Epochs > 0) {
		v.bad("steps", c.Steps, "a positive number of steps, or epochs > 0")
	}
	if c.WarmupSteps < -1 {
		v.bad("warmup_steps", c.WarmupSteps, "an integer >= 0, or -1 for warmup_epochs")
	}
	v.nonNegative("warmup_epochs", c.WarmupEpochs)
	v.oneOf("optimizer", c.Optimizer, mvmr.OptimizerNames())
	if !(c.Momentum >= 0 && c.Momentum < 1) {
		v.bad("momentum", c.Momentum, "a number in [0, 1)")
	}
	v.nonNegative("lars_eta", c.LARSEta)
	if c.AccumulateGradBatches < 1 {
		v.bad("accumulate_grad_batches", c.AccumulateGradBatches, "an integer >= 1 (1: an update per batch)")
	}
	v.positive("lr", c.LR)
	v.nonNegative("wd", c.WD)
	if c.LR > 0 && !(c.MinLR >= 0 && c.MinLR <= c.LR) {
		v.bad("min_lr", c.MinLR, fmt.Sprintf("a number in [0, lr = %g]", c.LR))
	}
	v.oneOf("scheduler", c.Scheduler, Schedulers)
	if c.Scheduler == mvmr.ScheduleMultiStep {
		if len(c.Milestones) == 0 {
			v.bad("milestones", c.Milestones, "the epochs at which multistep multiplies lr by gamma, as [30, 60] (the official code requires the key)")
		}
		for i, m := range c.Milestones {
			if m < 0 {
				v.bad(fmt.Sprintf("milestones[%d]", i), m, "an epoch >= 0")
			}
		}
		v.positive("gamma", c.Gamma)
	}
}

// validateLoss checks the loss terms: the std hinge, the dCor scale, the weights and modes, and
// each representation (its name once, known, and its params).
func (c Config) validateLoss(v *checker) {
	v.nonNegative("std_margin", c.StdMargin)
	v.nonNegative("std_epsilon", c.StdEpsilon)
	v.positive("dcor_scale", c.DCorScale)
	v.nonNegative("weights.mse", c.Weights.MSE)
	v.nonNegative("weights.std", c.Weights.Std)
	v.nonNegative("weights.dcor_zz", c.Weights.DCorZZ)
	modes := []string{string(mvmr.ModeMaximize), string(mvmr.ModeOfficial)}
	v.oneOf("l3_mode", c.L3Mode, modes)
	names, known := c.Representations.Names(), mvmr.Representations().Names()
	for i, rep := range c.Representations {
		key := fmt.Sprintf("representations[%d]", i)
		v.add(checkRepresentationName(key+".name", rep.Name, names[:i]))
		if !slices.Contains(known, rep.Name) {
			continue // an unknown representation has no weight, mode or params to check
		}
		v.nonNegative(key+".weight", rep.Weight)
		if rep.Mode != "" {
			v.oneOf(key+".mode", rep.Mode, modes)
		}
		term := c.lossTerms()[i]
		if _, err := mvmr.Representations().New(term.Name, term.Params); err != nil {
			v.add(fmt.Errorf("%s.params = %s: %w", key, show(map[string]any(term.Params)), err))
		}
	}
}

// validateDataset checks the dataset.* keys.
func (c Config) validateDataset(v *checker) {
	v.oneOf("dataset.name", c.Dataset.Name, DatasetNames())
	if c.Dataset.Size < 0 {
		v.bad("dataset.size", c.Dataset.Size, "the image side in pixels, or 0 for the data set's own")
	}
	if c.Dataset.NClasses < 0 {
		v.bad("dataset.n_classes", c.Dataset.NClasses, "the number of classes, or 0 for the data set's own")
	}
	v.oneOf("dataset.aug_policy", c.Dataset.AugPolicy, AugPolicyNames)
	if c.Dataset.Limit < 0 {
		v.bad("dataset.limit", c.Dataset.Limit, "an integer >= 0 (0: all images)")
	}
	if c.Dataset.TestLimit < 0 {
		v.bad("dataset.test_limit", c.Dataset.TestLimit, "an integer >= 0 (0: all images)")
	}
	digit, err := c.Augment.digit()
	v.add(err)
	if err == nil && digit != datasets.DefaultDigitAugment() && mvmrPolicy(c.Dataset) != "" {
		v.add(fmt.Errorf("augment.*: the digit policy's strengths apply to mnist with dataset.aug_policy = %s only; "+
			"this config augments with the %q policy, which they do not change: leave augment.* at its defaults", AugPolicyDefault, mvmrPolicy(c.Dataset)))
	}
}

// validateEncoder checks the encoder.* keys: the architecture, the keys that belong to it, and
// the encoder they make.
func (c Config) validateEncoder(v *checker) {
	v.oneOf("encoder.type", c.Encoder.Type, nn.Archs())
	if !slices.Contains(nn.Archs(), c.Encoder.Type) {
		return
	}
	switch {
	case c.Encoder.Type != nn.ArchCNN && len(c.Encoder.Channels)+len(c.Encoder.Strides) > 0:
		v.bad("encoder.channels", c.Encoder.Channels, fmt.Sprintf("none for encoder.type %s (channels and strides are for cnn)", c.Encoder.Type))
	case c.Encoder.Type == nn.ArchCNN && (c.Encoder.SmallKernel || c.Encoder.NoMaxPool):
		v.bad("encoder.small_kernel", c.Encoder.SmallKernel, fmt.Sprintf("false for encoder.type cnn (small_kernel and no_maxpool are for %s)",
			strings.Join(slices.DeleteFunc(nn.Archs(), func(a string) bool { return a == nn.ArchCNN }), ", ")))
	default:
		if err := c.mvmrEncoder().Validate(); err != nil {
			v.add(errors.New(strings.Replace(err.Error(), "encoder.projector", "encoder.out_dim", 1)))
		}
	}
}

// validateRepresentationSettings checks the settings of the representations with their own
// section (scatnet.*, hog.*).
func (c Config) validateRepresentationSettings(v *checker) {
	switch c.GraphRepresentations {
	case "", mvmr.GraphRepsAuto, mvmr.GraphRepsOn, mvmr.GraphRepsOff:
	default:
		v.bad("graph_representations", c.GraphRepresentations, "one of auto, on, off")
	}
	if c.Scatnet.J < 1 {
		v.bad("scatnet.J", c.Scatnet.J, "an integer >= 1")
	}
	if c.Scatnet.L < 1 {
		v.bad("scatnet.L", c.Scatnet.L, "an integer >= 1")
	}
	if n := len(c.Scatnet.Shape); n != 0 && n != 2 {
		v.bad("scatnet.shape", c.Scatnet.Shape, "[height, width] or empty")
	}
	if c.HOG.NBins < 1 {
		v.bad("hog.nbins", c.HOG.NBins, "an integer >= 1")
	}
	if c.HOG.Pool < 1 {
		v.bad("hog.pool", c.HOG.Pool, "an integer >= 1")
	}
}

// validateEval checks the eval.* keys: the protocols and their settings.
func (c Config) validateEval(v *checker) {
	for i, p := range c.Eval.Protocols {
		v.oneOf(fmt.Sprintf("eval.protocols[%d]", i), p, EvalProtocols())
	}
	v.oneOf("eval.features", c.Eval.Features, []string{"h", "z"})
	if c.Eval.Probe.Epochs < 1 {
		v.bad("eval.probe.epochs", c.Eval.Probe.Epochs, "an integer >= 1")
	}
	if c.Eval.Probe.BatchSize < 1 {
		v.bad("eval.probe.batch_size", c.Eval.Probe.BatchSize, "an integer >= 1")
	}
	v.positive("eval.probe.lr", c.Eval.Probe.LR)
	v.nonNegative("eval.probe.weight_decay", c.Eval.Probe.WeightDecay)
	if len(c.Eval.KNN.Ks) == 0 {
		v.bad("eval.knn.ks", c.Eval.KNN.Ks, "at least one neighbourhood size")
	}
	for i, k := range c.Eval.KNN.Ks {
		if k < 1 {
			v.bad(fmt.Sprintf("eval.knn.ks[%d]", i), k, "an integer >= 1")
		}
	}
	v.positive("eval.knn.temperature", c.Eval.KNN.Temperature)
	for i, temp := range c.Eval.KNN.Temperatures {
		v.positive(fmt.Sprintf("eval.knn.temperatures[%d]", i), temp)
	}
	for i, w := range c.Eval.KNN.Whiten {
		if w < 0 || slices.Contains(c.Eval.KNN.Whiten[:i], w) {
			v.bad(fmt.Sprintf("eval.knn.whiten[%d]", i), w, "0 (raw features) or a number of principal components >= 1, each once")
		}
	}
	if c.Eval.SemiSteps < 1 {
		v.bad("eval.semi_steps", c.Eval.SemiSteps, "an integer >= 1")
	}
	if c.Eval.SemiOfficialEpochs < 0 {
		v.bad("eval.semi_official_epochs", c.Eval.SemiOfficialEpochs, "an integer >= 0 (0: the kit's fast fine-tune)")
	}
	if c.Eval.OfficialLinear.Epochs < 1 {
		v.bad("eval.official_linear.epochs", c.Eval.OfficialLinear.Epochs, "an integer >= 1 (official 100)")
	}
}

// validateRun checks how the run is watched and carried out: its monitors, devices and
// checkpoints.
func (c Config) validateRun(v *checker) {
	if c.MonitorEvery < 0 {
		v.bad("monitor_every", c.MonitorEvery, "an integer >= 0 (0: no monitors)")
	}
	for i, m := range c.Monitors {
		v.oneOf(fmt.Sprintf("monitors[%d]", i), m, MonitorNames)
		if slices.Index(c.Monitors, m) < i {
			v.bad(fmt.Sprintf("monitors[%d]", i), m, "each monitor once")
		}
	}
	v.add(c.mvmrParallel().Validate(c.BatchSize))
	if c.CheckpointEvery < 1 {
		v.bad("checkpoint_every", c.CheckpointEvery, "an integer >= 1 (steps between checkpoints)")
	}
}

func (c Config) mvmrEncoder() nn.EncoderConfig {
	if c.Encoder.Type != nn.ArchCNN {
		e := nn.ResNetConfig(c.Encoder.Type, c.Encoder.SmallKernel, c.Encoder.OutDim)
		e.NoMaxPool = c.Encoder.NoMaxPool
		e.Head = nn.Head(c.Encoder.Head)
		e.Precision = c.Encoder.Precision
		return e
	}
	return nn.EncoderConfig{Channels: c.Encoder.Channels, Strides: c.Encoder.Strides,
		Head: nn.Head(c.Encoder.Head), Projector: c.Encoder.OutDim, Precision: c.Encoder.Precision}
}

// mvmrParallel returns the parallel.* settings as mvmr's.
func (c Config) mvmrParallel() mvmr.ParallelConfig {
	return mvmr.ParallelConfig{Devices: c.Parallel.Devices, LossGroups: c.Parallel.LossGroups}
}

// TotalSteps returns the number of training steps (batches) on a training set of n images.
func (c Config) TotalSteps(n int) int64 {
	if c.Steps > 0 {
		return c.Steps
	}
	return max(1, int64(math.Round(c.Epochs*float64(n/c.BatchSize))))
}

// Resolve validates the config against the training data and returns the mvmr.Config it
// trains with.
func (c Config) Resolve(train *datasets.Dataset) (mvmr.Config, error) {
	if err := c.Validate(); err != nil {
		return mvmr.Config{}, err
	}
	if err := c.checkCLIPTeacher(); err != nil {
		return mvmr.Config{}, err
	}
	var errs []error
	if c.BatchSize > train.Len() {
		errs = append(errs, fmt.Errorf("batch_size = %d: expected at most the %d training images of %s", c.BatchSize, train.Len(), train.Name))
	}
	if s := c.Dataset.Size; s != 0 && !datasets.Resizes(c.Dataset.Name) && (s != train.Height || s != train.Width) {
		errs = append(errs, fmt.Errorf("dataset.size = %d: %s has %dx%d images (not resized); expected %d or 0", s, train.Name, train.Height, train.Width, train.Height))
	}
	if n := c.Dataset.NClasses; n != 0 && n != train.NumClasses {
		errs = append(errs, fmt.Errorf("dataset.n_classes = %d: %s has %d classes; expected %d or 0", n, train.Name, train.NumClasses, train.NumClasses))
	}
	if s := c.Scatnet.Shape; len(s) == 2 && (s[0] != train.Height || s[1] != train.Width) {
		errs = append(errs, fmt.Errorf("scatnet.shape = %v: expected [%d, %d] (the images of %s) or empty", s, train.Height, train.Width, train.Name))
	}
	if len(errs) > 0 {
		return mvmr.Config{}, errors.Join(errs...)
	}
	opt, err := c.optimizerConfig(train.Len())
	if err != nil {
		return mvmr.Config{}, err
	}
	digit, err := c.Augment.digit() // checked by Validate
	if err != nil {
		return mvmr.Config{}, err
	}
	loss := mvmr.DefaultLossConfig()
	loss.StdMargin, loss.StdEpsilon, loss.NormalizeZ, loss.DCorScale = c.StdMargin, c.StdEpsilon, c.NormalizeZ, c.DCorScale
	loss.MSEWeight, loss.StdWeight, loss.DCorZZWeight = c.Weights.MSE, c.Weights.Std, c.Weights.DCorZZ
	loss.Representations = c.lossTerms()
	mc := mvmr.Config{Seed: c.Seed, BatchSize: c.BatchSize, Encoder: c.mvmrEncoder(), Loss: loss, Optimizer: opt,
		Augment: digit, Policy: mvmrPolicy(c.Dataset), Parallel: c.mvmrParallel(), FreshPerBatch: c.FreshPerBatch,
		FreshOfficial: c.FreshOfficial, GraphRepresentations: c.GraphRepresentations}
	if err := mc.Validate(); err != nil {
		return mvmr.Config{}, fmt.Errorf("runs: the resolved mvmr config: %w", err)
	}
	return mc, nil
}

// optimizerConfig returns the optimizer and its schedule for a training set of n images. The
// kit's schedules count updates: warmup and length in batches divided by
// accumulate_grad_batches. The official ones count as the official configure_optimizers and
// Lightning do: lengths in batches (epochs · len(train_dataloader)), stepped once per update.
func (c Config) optimizerConfig(n int) (mvmr.OptimizerConfig, error) {
	total := c.TotalSteps(n)
	perEpoch := int64(n / c.BatchSize)
	warmup := c.WarmupSteps
	switch {
	case warmup >= 0:
	case c.WarmupEpochs > 0:
		warmup = int64(math.Round(c.WarmupEpochs * float64(perEpoch)))
	default:
		warmup = min(50, total/10)
	}
	k := int64(c.AccumulateGradBatches)
	opt := mvmr.DefaultOptimizerConfig(max(1, total/k))
	opt.Name, opt.LR, opt.WeightDecay, opt.MinLR = c.Optimizer, c.LR, c.WD, c.MinLR
	if c.Optimizer == mvmr.OptimizerSGD || c.Optimizer == mvmr.OptimizerLARS {
		opt.Momentum, opt.LARSEta = c.Momentum, c.LARSEta
	}
	if k > 1 {
		opt.AccumulateSteps = int(k)
	}
	switch c.Scheduler {
	case mvmr.ScheduleWarmupCosine:
		opt.Schedule, opt.TotalSteps, opt.WarmupSteps = c.Scheduler, total, warmup
		if warmup >= total {
			return opt, fmt.Errorf("warmup_epochs = %g (%d batches): expected fewer than the run's %d batches, as the official CosineAnnealingWarmupRestarts asserts",
				c.WarmupEpochs, warmup, total)
		}
	case mvmr.ScheduleCosine:
		opt.Schedule, opt.TotalSteps, opt.WarmupSteps = c.Scheduler, total, 0
	case mvmr.ScheduleMultiStep:
		opt.Schedule, opt.WarmupSteps, opt.BatchesPerEpoch = c.Scheduler, 0, max(1, perEpoch)
		opt.Milestones, opt.Gamma = slices.Clone(c.Milestones), c.Gamma
	default:
		// The official configs once set warmup_epochs: 10 with epochs: 10: the kit's warmup
		// cannot exceed the run.
		opt.WarmupSteps = min(warmup, total) / k
		if c.Scheduler == SchedulerConstant {
			opt.MinLR = c.LR
		}
	}
	return opt, nil
}

// KNNConfig returns the kNN settings.
func (c Config) KNNConfig() mvmr.KNNConfig {
	k := mvmr.DefaultKNNConfig()
	k.Ks, k.Temperature = slices.Clone(c.Eval.KNN.Ks), c.Eval.KNN.Temperature
	k.Temperatures = slices.Clone(c.Eval.KNN.Temperatures)
	return k
}

// ProbeConfig returns the linear-probe settings, seeded with the run's seed.
func (c Config) ProbeConfig() mvmr.ProbeConfig {
	p := c.Eval.Probe
	return mvmr.ProbeConfig{Epochs: p.Epochs, BatchSize: p.BatchSize, LR: p.LR, WeightDecay: p.WeightDecay, Seed: c.Seed}
}
