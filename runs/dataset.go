package runs

import (
	"fmt"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// Data are the splits of a run.
type Data struct {
	// SSL is what the encoder trains on (dataset.train_split), Train and Test what the
	// evaluation protocols fit and score on; SSL is Train when train_split is "train".
	SSL, Train, Test *datasets.Dataset
}

// OpenData loads the splits the config names with datasets.Open (dataset.path is the folder of
// the data set's files; empty for the embedded MNIST), the training splits cut to dataset.limit
// images and the test split to dataset.test_limit.
func OpenData(c DatasetConfig) (Data, error) {
	open := func(split string, limit int) (*datasets.Dataset, error) {
		d, err := datasets.Open(c.Name, c.Path, datasets.OpenOptions{Split: split, Size: c.Size})
		if err != nil {
			return nil, fmt.Errorf("runs: dataset.name = %q, dataset.path = %q, split %s: %w", c.Name, c.Path, split, err)
		}
		return d.Subset(limit), nil
	}
	var data Data
	var err error
	if data.Train, err = open(datasets.SplitTrain, c.Limit); err != nil {
		return Data{}, err
	}
	if data.Test, err = open(datasets.SplitTest, c.TestLimit); err != nil {
		return Data{}, err
	}
	data.SSL = data.Train
	if c.TrainSplit != "" && c.TrainSplit != datasets.SplitTrain {
		if data.SSL, err = open(c.TrainSplit, c.Limit); err != nil {
			return Data{}, fmt.Errorf("dataset.train_split = %q: %w", c.TrainSplit, err)
		}
	}
	return data, nil
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
