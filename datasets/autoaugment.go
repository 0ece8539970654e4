package datasets

import (
	"fmt"
	"math/rand/v2"
)

// AutoAugmentPolicy names one of the sub-policy lists learned by AutoAugment
// (torchvision.transforms.AutoAugmentPolicy).
type AutoAugmentPolicy string

// The learned policies.
const (
	AutoAugmentImageNet AutoAugmentPolicy = "imagenet"
	AutoAugmentCIFAR10  AutoAugmentPolicy = "cifar10"
	AutoAugmentSVHN     AutoAugmentPolicy = "svhn"
)

// AutoAugmentBins is the number of magnitude bins of AutoAugment's levels (0–9).
const AutoAugmentBins = 10

// SubOp is one op of an AutoAugment sub-policy: applied with probability P at magnitude bin
// Level of AutoAugmentBins (Level −1: the op has no magnitude).
type SubOp struct {
	Op    AugOp
	P     float64
	Level int
}

// SubPolicy is a pair of ops applied in order.
type SubPolicy [2]SubOp

// AutoAugment applies one sub-policy drawn uniformly from the named Policy
// (torchvision.transforms.AutoAugment, nearest interpolation). It draws, as torchvision's
// get_params does, the sub-policy index, then two uniform numbers (op i is applied when its
// number is ≤ its P), then two signs (a signed magnitude is negated when its sign is 0). See
// AugOp for the ops and the "float levels" deviation.
type AutoAugment struct {
	// Policy is the learned sub-policy list; empty is ImageNet, torchvision's default.
	Policy AutoAugmentPolicy
	// Fill is the value outside the image after a geometric op, one per channel or one for all,
	// on the [0, 1] scale; nil is 0.
	Fill []float32
}

func so(op AugOp, p float64, level int) SubOp { return SubOp{op, p, level} }

// autoAugmentPolicies are torchvision's sub-policy lists, in its order.
var autoAugmentPolicies = map[AutoAugmentPolicy][]SubPolicy{
	AutoAugmentImageNet: {
		{so(OpPosterize, 0.4, 8), so(OpRotate, 0.6, 9)},
		{so(OpSolarize, 0.6, 5), so(OpAutoContrast, 0.6, -1)},
		{so(OpEqualize, 0.8, -1), so(OpEqualize, 0.6, -1)},
		{so(OpPosterize, 0.6, 7), so(OpPosterize, 0.6, 6)},
		{so(OpEqualize, 0.4, -1), so(OpSolarize, 0.2, 4)},
		{so(OpEqualize, 0.4, -1), so(OpRotate, 0.8, 8)},
		{so(OpSolarize, 0.6, 3), so(OpEqualize, 0.6, -1)},
		{so(OpPosterize, 0.8, 5), so(OpEqualize, 1.0, -1)},
		{so(OpRotate, 0.2, 3), so(OpSolarize, 0.6, 8)},
		{so(OpEqualize, 0.6, -1), so(OpPosterize, 0.4, 6)},
		{so(OpRotate, 0.8, 8), so(OpColor, 0.4, 0)},
		{so(OpRotate, 0.4, 9), so(OpEqualize, 0.6, -1)},
		{so(OpEqualize, 0.0, -1), so(OpEqualize, 0.8, -1)},
		{so(OpInvert, 0.6, -1), so(OpEqualize, 1.0, -1)},
		{so(OpColor, 0.6, 4), so(OpContrast, 1.0, 8)},
		{so(OpRotate, 0.8, 8), so(OpColor, 1.0, 2)},
		{so(OpColor, 0.8, 8), so(OpSolarize, 0.8, 7)},
		{so(OpSharpness, 0.4, 7), so(OpInvert, 0.6, -1)},
		{so(OpShearX, 0.6, 5), so(OpEqualize, 1.0, -1)},
		{so(OpColor, 0.4, 0), so(OpEqualize, 0.6, -1)},
		{so(OpEqualize, 0.4, -1), so(OpSolarize, 0.2, 4)},
		{so(OpSolarize, 0.6, 5), so(OpAutoContrast, 0.6, -1)},
		{so(OpInvert, 0.6, -1), so(OpEqualize, 1.0, -1)},
		{so(OpColor, 0.6, 4), so(OpContrast, 1.0, 8)},
		{so(OpEqualize, 0.8, -1), so(OpEqualize, 0.6, -1)},
	},
	AutoAugmentCIFAR10: {
		{so(OpInvert, 0.1, -1), so(OpContrast, 0.2, 6)},
		{so(OpRotate, 0.7, 2), so(OpTranslateX, 0.3, 9)},
		{so(OpSharpness, 0.8, 1), so(OpSharpness, 0.9, 3)},
		{so(OpShearY, 0.5, 8), so(OpTranslateY, 0.7, 9)},
		{so(OpAutoContrast, 0.5, -1), so(OpEqualize, 0.9, -1)},
		{so(OpShearY, 0.2, 7), so(OpPosterize, 0.3, 7)},
		{so(OpColor, 0.4, 3), so(OpBrightness, 0.6, 7)},
		{so(OpSharpness, 0.3, 9), so(OpBrightness, 0.7, 9)},
		{so(OpEqualize, 0.6, -1), so(OpEqualize, 0.5, -1)},
		{so(OpContrast, 0.6, 7), so(OpSharpness, 0.6, 5)},
		{so(OpColor, 0.7, 7), so(OpTranslateX, 0.5, 8)},
		{so(OpEqualize, 0.3, -1), so(OpAutoContrast, 0.4, -1)},
		{so(OpTranslateY, 0.4, 3), so(OpSharpness, 0.2, 6)},
		{so(OpBrightness, 0.9, 6), so(OpColor, 0.2, 8)},
		{so(OpSolarize, 0.5, 2), so(OpInvert, 0.0, -1)},
		{so(OpEqualize, 0.2, -1), so(OpAutoContrast, 0.6, -1)},
		{so(OpEqualize, 0.2, -1), so(OpEqualize, 0.6, -1)},
		{so(OpColor, 0.9, 9), so(OpEqualize, 0.6, -1)},
		{so(OpAutoContrast, 0.8, -1), so(OpSolarize, 0.2, 8)},
		{so(OpBrightness, 0.1, 3), so(OpColor, 0.7, 0)},
		{so(OpSolarize, 0.4, 5), so(OpAutoContrast, 0.9, -1)},
		{so(OpTranslateY, 0.9, 9), so(OpTranslateY, 0.7, 9)},
		{so(OpAutoContrast, 0.9, -1), so(OpSolarize, 0.8, 3)},
		{so(OpEqualize, 0.8, -1), so(OpInvert, 0.1, -1)},
		{so(OpTranslateY, 0.7, 9), so(OpAutoContrast, 0.9, -1)},
	},
	AutoAugmentSVHN: {
		{so(OpShearX, 0.9, 4), so(OpInvert, 0.2, -1)},
		{so(OpShearY, 0.9, 8), so(OpInvert, 0.7, -1)},
		{so(OpEqualize, 0.6, -1), so(OpSolarize, 0.6, 6)},
		{so(OpInvert, 0.9, -1), so(OpEqualize, 0.6, -1)},
		{so(OpEqualize, 0.6, -1), so(OpRotate, 0.9, 3)},
		{so(OpShearX, 0.9, 4), so(OpAutoContrast, 0.8, -1)},
		{so(OpShearY, 0.9, 8), so(OpInvert, 0.4, -1)},
		{so(OpShearY, 0.9, 5), so(OpSolarize, 0.2, 6)},
		{so(OpInvert, 0.9, -1), so(OpAutoContrast, 0.8, -1)},
		{so(OpEqualize, 0.6, -1), so(OpRotate, 0.9, 3)},
		{so(OpShearX, 0.9, 4), so(OpSolarize, 0.3, 3)},
		{so(OpShearY, 0.8, 8), so(OpInvert, 0.7, -1)},
		{so(OpEqualize, 0.9, -1), so(OpTranslateY, 0.6, 6)},
		{so(OpInvert, 0.9, -1), so(OpEqualize, 0.6, -1)},
		{so(OpContrast, 0.3, 3), so(OpRotate, 0.8, 4)},
		{so(OpInvert, 0.8, -1), so(OpTranslateY, 0.0, 2)},
		{so(OpShearY, 0.7, 6), so(OpSolarize, 0.4, 8)},
		{so(OpInvert, 0.6, -1), so(OpRotate, 0.8, 4)},
		{so(OpShearY, 0.3, 7), so(OpTranslateX, 0.9, 3)},
		{so(OpShearX, 0.1, 6), so(OpInvert, 0.6, -1)},
		{so(OpSolarize, 0.7, 2), so(OpTranslateY, 0.6, 7)},
		{so(OpShearY, 0.8, 4), so(OpInvert, 0.8, -1)},
		{so(OpShearX, 0.7, 9), so(OpTranslateY, 0.8, 3)},
		{so(OpShearY, 0.8, 5), so(OpAutoContrast, 0.7, -1)},
		{so(OpShearX, 0.7, 2), so(OpInvert, 0.1, -1)},
	},
}

func (t AutoAugment) policy() AutoAugmentPolicy {
	if t.Policy == "" {
		return AutoAugmentImageNet
	}
	return t.Policy
}

// Validate checks that Policy is a known one.
func (t AutoAugment) Validate() error {
	if _, ok := autoAugmentPolicies[t.policy()]; !ok {
		return fmt.Errorf("autoaugment policy = %q; expected %s, %s or %s", t.Policy, AutoAugmentImageNet, AutoAugmentCIFAR10, AutoAugmentSVHN)
	}
	return nil
}

// SubPolicies returns the policy's sub-policies, in torchvision's order (a copy).
func (t AutoAugment) SubPolicies() []SubPolicy {
	return append([]SubPolicy(nil), autoAugmentPolicies[t.policy()]...)
}

// AutoAugmentDraw is one draw of AutoAugment: the sub-policy index, which of its two ops are
// applied, and the ops with their signed magnitudes.
type AutoAugmentDraw struct {
	Index   int
	Applied [2]bool
	Ops     [2]OpDraw
}

// Params draws a sub-policy for a width×height image.
func (t AutoAugment) Params(width, height int, rng *rand.Rand) AutoAugmentDraw {
	subs := autoAugmentPolicies[t.policy()]
	d := AutoAugmentDraw{Index: rng.IntN(len(subs))}
	probs := [2]float64{rng.Float64(), rng.Float64()}
	signs := [2]int{rng.IntN(2), rng.IntN(2)}
	for i, s := range subs[d.Index] {
		m, signed := 0.0, false
		if s.Level >= 0 {
			m, signed = OpMagnitude(s.Op, AutoAugmentBins, s.Level, width, height)
		}
		if signed && signs[i] == 0 {
			m = -m
		}
		d.Applied[i] = probs[i] <= s.P
		d.Ops[i] = OpDraw{s.Op, m}
	}
	return d
}

// Apply implements Transform.
func (t AutoAugment) Apply(p *Picture, rng *rand.Rand) {
	d := t.Params(p.Width, p.Height, rng)
	for i, op := range d.Ops {
		if d.Applied[i] {
			ApplyOp(p, op.Op, op.Magnitude, t.Fill)
		}
	}
}

func (t AutoAugment) String() string { return fmt.Sprintf("AutoAugment(policy=%s)", t.policy()) }
