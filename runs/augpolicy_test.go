package runs

import (
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// TestOfficialAugPolicyNames checks that the official AugTransform policy names (custom,
// randaugment, autoaugment), and the AutoAugment variants, are accepted as aug_policy and passed
// on unchanged to mvmr.Config.Policy.
func TestOfficialAugPolicyNames(t *testing.T) {
	for _, name := range []string{datasets.PolicyCustom, datasets.PolicyRandAugment, datasets.PolicyAutoAugment,
		datasets.PolicyAutoAugmentCIFAR10, datasets.PolicyAutoAugmentSVHN} {
		l, err := Parse([]byte("dataset:\n  name: cifar10\n  aug_policy: " + name + "\n"))
		if err != nil {
			t.Fatalf("aug_policy %s: %v", name, err)
		}
		if err := l.Config.Validate(); err != nil {
			t.Errorf("aug_policy %s rejected: %v", name, err)
		}
		if got := mvmrPolicy(l.Config.Dataset); got != name {
			t.Errorf("aug_policy %s resolves to policy %q", name, got)
		}
	}
}
