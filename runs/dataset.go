package runs

import (
	"fmt"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// OpenData loads the training and test splits the config names with datasets.Open (dataset.path
// is the folder of the data set's files; empty for the embedded MNIST), cut to dataset.limit
// and dataset.test_limit.
func OpenData(c DatasetConfig) (train, test *datasets.Dataset, err error) {
	opts := datasets.OpenOptions{Size: c.Size}
	opts.Split = datasets.SplitTrain
	if train, err = datasets.Open(c.Name, c.Path, opts); err != nil {
		return nil, nil, fmt.Errorf("runs: dataset.name = %q, dataset.path = %q: %w", c.Name, c.Path, err)
	}
	opts.Split = datasets.SplitTest
	if test, err = datasets.Open(c.Name, c.Path, opts); err != nil {
		return nil, nil, fmt.Errorf("runs: dataset.name = %q, dataset.path = %q: %w", c.Name, c.Path, err)
	}
	return train.Subset(c.Limit), test.Subset(c.TestLimit), nil
}

// AugPolicyDefault is the aug_policy value that picks the data set's usual policy: the digit
// policy (mvmr.Config.Augment) for MNIST, the official "custom" policy otherwise.
const AugPolicyDefault = "default"

// mvmrPolicy returns mvmr.Config.Policy for the config's aug_policy ("" selects Augment).
func mvmrPolicy(c DatasetConfig) string {
	if c.AugPolicy != AugPolicyDefault {
		return c.AugPolicy
	}
	if c.Name == "mnist" {
		return ""
	}
	return datasets.PolicyCustom
}
