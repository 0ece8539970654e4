package mvmr

import (
	"fmt"
	"slices"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
)

// Config is everything that defines a training run: with the same Config and data set, a run
// is reproducible step for step.
type Config struct {
	// Seed fixes the initial weights, the order of the images and every augmentation.
	Seed int64 `json:"seed"`
	// BatchSize is the number of images per step (each seen as two views).
	BatchSize int `json:"batch_size"`
	// Encoder is the backbone and projector.
	Encoder nn.EncoderConfig `json:"encoder"`
	// Loss holds the MV-MR loss terms and their settings.
	Loss LossConfig `json:"loss"`
	// Optimizer holds the optimizer and learning-rate schedule.
	Optimizer OptimizerConfig `json:"optimizer"`
	// Augment is the augmentation policy for the second view when Policy is empty.
	Augment datasets.DigitAugment `json:"augment"`
	// Policy names an augmentation policy of datasets.NewPolicy (datasets.PolicyNames: custom,
	// cifar20, cifar, mnist, none, randaugment, autoaugment, ...) used instead of Augment; see
	// Config.Augmenter.
	Policy string `json:"policy,omitempty"`
	// FreshPerBatch draws the fresh view's augmentation once per batch, as the official code
	// does for its augmented-image representations; off, each image draws its own.
	FreshPerBatch bool `json:"fresh_per_batch,omitempty"`
	// FreshOfficial makes the fresh view the official one (datasets.OfficialFreshView): the
	// custom policy applied to the normalised image, its colour jitter clamping to [0, 1],
	// whatever Policy the pair uses; off, the fresh view is another draw of the pair's policy.
	FreshOfficial bool `json:"fresh_official,omitempty"`
	// Parallel spreads the step over several devices and sets the official multi-GPU loss
	// grouping; the zero value is one device and one loss on the whole batch.
	Parallel ParallelConfig `json:"parallel,omitempty"`
	// GraphRepresentations says where host representations with an exact graph form (hog)
	// are computed: "auto" (the default, ""): in the step's graph on XLA, on the host
	// otherwise; "on": in the graph (an error for one without a graph form); "off": on the
	// host. See GraphRepsAuto.
	GraphRepresentations string `json:"graph_representations,omitempty"`
}

// DefaultConfig returns the quickstart configuration for MNIST with a learning-rate schedule
// over totalSteps steps: batch 256, DefaultEncoderConfig, DefaultLossConfig,
// DefaultOptimizerConfig and DefaultDigitAugment.
func DefaultConfig(totalSteps int64) Config {
	return Config{
		Seed:      1,
		BatchSize: 256,
		Encoder:   nn.DefaultEncoderConfig(),
		Loss:      DefaultLossConfig(),
		Optimizer: DefaultOptimizerConfig(totalSteps),
		Augment:   datasets.DefaultDigitAugment(),
	}
}

// MinBatchSize is the smallest batch a training step takes: the std term and dCor need two images.
const MinBatchSize = 2

// CheckBatchSize returns an error naming key when batch is below MinBatchSize: the one batch
// check of Config.Validate, runs' config and the notebooks' --batch.
func CheckBatchSize(key string, batch int) error {
	if batch < MinBatchSize {
		return fmt.Errorf("%s = %d: expected an integer >= %d (the std term and dCor need a batch)", key, batch, MinBatchSize)
	}
	return nil
}

// Validate checks every field and returns an error naming the first bad one.
func (c Config) Validate() error {
	_, err := c.validate()
	return err
}

// validate is Validate returning the loss the configuration describes, its representations
// built once.
func (c Config) validate() (*Loss, error) {
	if err := CheckBatchSize("batch_size", c.BatchSize); err != nil {
		return nil, err
	}
	if err := c.Encoder.Validate(); err != nil {
		return nil, err
	}
	loss, err := NewLoss(c.Loss)
	if err != nil {
		return nil, err
	}
	if err := c.Optimizer.Validate(); err != nil {
		return nil, err
	}
	if err := c.Parallel.Validate(c.BatchSize); err != nil {
		return nil, err
	}
	if c.Policy != "" && !slices.Contains(datasets.PolicyNames, c.Policy) {
		return nil, fmt.Errorf("policy = %q; expected one of %v", c.Policy, datasets.PolicyNames)
	}
	if err := c.Augment.Validate(); err != nil {
		return nil, err
	}
	if err := checkGraphRepresentations(c.GraphRepresentations); err != nil {
		return nil, err
	}
	return loss, nil
}
