package mvmr

import (
	"fmt"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// Augmenter returns the augmentation of the second view for data: the named Policy built for
// the data set's (square) image size, or Augment, the digits policy, when Policy is empty.
func (c Config) Augmenter(data *datasets.Dataset) (datasets.Augmenter, error) {
	if c.Policy == "" {
		return c.Augment, nil
	}
	if data.Height != data.Width {
		return nil, fmt.Errorf("policy %s needs square images; %s holds %d×%d", c.Policy, data.Name, data.Height, data.Width)
	}
	return datasets.NewPolicy(c.Policy, data.Height)
}
