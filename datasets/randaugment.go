package datasets

import (
	"fmt"
	"math/rand/v2"
)

// RandAugment applies NumOps ops drawn uniformly, with replacement, from RandAugmentOps, each at
// the fixed bin Magnitude of Bins and with a random sign where the op is signed
// (torchvision.transforms.RandAugment, nearest interpolation). Per op it draws the op index, then,
// for a signed op only, the sign: negative with probability ½. See AugOp for the ops and the
// "float levels" deviation.
type RandAugment struct {
	// NumOps is the number of ops applied in sequence (torchvision num_ops).
	NumOps int
	// Magnitude is the magnitude bin, 0 ≤ Magnitude < Bins (torchvision magnitude).
	Magnitude int
	// Bins is the number of magnitude bins (torchvision num_magnitude_bins).
	Bins int
	// Fill is the value outside the image after a geometric op, one per channel or one for all,
	// on the [0, 1] scale; nil is 0.
	Fill []float32
}

// RandAugment settings: the official policy's and torchvision's defaults.
const (
	// OfficialRandAugmentOps and OfficialRandAugmentMagnitude are the official "randaugment"
	// policy's RandAugment(num_ops=4, magnitude=10).
	OfficialRandAugmentOps       = 4
	OfficialRandAugmentMagnitude = 10
	// DefaultRandAugmentOps, DefaultRandAugmentMagnitude and DefaultRandAugmentBins are
	// torchvision's defaults, RandAugment(num_ops=2, magnitude=9, num_magnitude_bins=31).
	DefaultRandAugmentOps       = 2
	DefaultRandAugmentMagnitude = 9
	DefaultRandAugmentBins      = 31
)

// RandAugmentOps is RandAugment's op space, in torchvision's order (the index drawn).
var RandAugmentOps = []AugOp{OpIdentity, OpShearX, OpShearY, OpTranslateX, OpTranslateY, OpRotate,
	OpBrightness, OpColor, OpContrast, OpSharpness, OpPosterize, OpSolarize, OpAutoContrast, OpEqualize}

// OpDraw is one op drawn by RandAugment or AutoAugment, with its signed magnitude.
type OpDraw struct {
	Op        AugOp
	Magnitude float64
}

// Validate checks the settings and returns an error naming the bad field.
func (t RandAugment) Validate() error {
	switch {
	case t.NumOps < 0:
		return fmt.Errorf("randaugment num_ops = %d; expected >= 0", t.NumOps)
	case t.Bins < 1:
		return fmt.Errorf("randaugment num_magnitude_bins = %d; expected >= 1", t.Bins)
	case t.Magnitude < 0 || t.Magnitude >= t.Bins:
		return fmt.Errorf("randaugment magnitude = %d; expected 0..%d (num_magnitude_bins − 1)", t.Magnitude, t.Bins-1)
	}
	return nil
}

// Params draws the ops for a width×height image.
func (t RandAugment) Params(width, height int, rng *rand.Rand) []OpDraw {
	draws := make([]OpDraw, t.NumOps)
	for i := range draws {
		op := RandAugmentOps[rng.IntN(len(RandAugmentOps))]
		m, signed := OpMagnitude(op, t.Bins, t.Magnitude, width, height)
		if signed && rng.IntN(2) == 1 {
			m = -m
		}
		draws[i] = OpDraw{op, m}
	}
	return draws
}

// Apply implements Transform.
func (t RandAugment) Apply(p *Picture, rng *rand.Rand) {
	for _, d := range t.Params(p.Width, p.Height, rng) {
		ApplyOp(p, d.Op, d.Magnitude, t.Fill)
	}
}

func (t RandAugment) String() string {
	return fmt.Sprintf("RandAugment(num_ops=%d, magnitude=%d, num_magnitude_bins=%d)", t.NumOps, t.Magnitude, t.Bins)
}
