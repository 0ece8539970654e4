package datasets

import (
	"fmt"
	"strings"
)

// Normalisation returns the per-channel mean and standard deviation (on the [0, 1] scale) that
// Open gives the named data set's Dataset.Mean and Dataset.Std, without reading its files: what a
// model trained on it expects its inputs normalised with.
func Normalisation(name string) (mean, std []float32, err error) {
	switch name {
	case "mnist":
		return []float32{MNISTMean}, []float32{MNISTStd}, nil
	case "cifar10", "cifar100", "cifar20":
		return CIFARMean, CIFARStd, nil
	case "stl10", "folder", "imagenet", "imagenet50", "imagenet100", "imagenet200":
		return ImageNetMean, ImageNetStd, nil
	}
	return nil, nil, fmt.Errorf("datasets: unknown data set %q; expected one of %s", name, strings.Join(Names, ", "))
}
