package runs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// OpenData loads the training and test splits the config names, cut to dataset.limit and
// dataset.test_limit.
func OpenData(c DatasetConfig) (train, test *datasets.Dataset, err error) {
	switch c.Name {
	case "mnist":
		if c.Path != "" {
			if train, err = datasets.LoadMNISTFrom(c.Path, datasets.SplitTrain); err == nil {
				test, err = datasets.LoadMNISTFrom(c.Path, datasets.SplitTest)
			}
		} else {
			train, test, err = datasets.LoadMNISTTrainTest()
		}
	default:
		return nil, nil, fmt.Errorf("dataset.name = %q: expected one of %s", c.Name, strings.Join(DatasetNames, ", "))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("runs: dataset %s: %w", c.Name, err)
	}
	return train.Subset(c.Limit), test.Subset(c.TestLimit), nil
}

// augmentPolicy returns the second view's augmentation for the data set.
func augmentPolicy(c DatasetConfig) (datasets.DigitAugment, error) {
	switch c.AugPolicy {
	case "default", "digits":
		return datasets.DefaultDigitAugment(), nil
	}
	return datasets.DigitAugment{}, fmt.Errorf("dataset.aug_policy = %q: expected one of %s", c.AugPolicy, strings.Join(slices.Clone(AugPolicyNames), ", "))
}
