package datasets

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestAutoPoliciesMatchTorchvisionMoments compares the whole op mixture of RandAugment(4, 10) and
// the three AutoAugment policies with torchvision's: the mean and spread of every value over
// 20000 draws on one 12×12 image (testdata/autoaugment_moments.json, torchvision 0.14.1 on a PIL
// image) against the kit's over as many draws of its own generator. Every value's mean must agree
// within 5 standard errors plus momentsBias levels, and the average difference within
// momentsBias.
func TestAutoPoliciesMatchTorchvisionMoments(t *testing.T) {
	// momentsBias allows for the "float levels" deviation (see AugOp): PIL truncates each blend
	// (Brightness, Color, Contrast, Sharpness) and AutoContrast to uint8, ½ level down on
	// average, and RandAugment(4, 10) applies 4·5/14 ≈ 1.4 of them per image.
	const momentsBias = 1.0
	raw, err := os.ReadFile("testdata/autoaugment_moments.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Draws, Height, Width, Channels int
		Pix                            []int
		Moments                        map[string]struct{ Mean, Meansq []float64 }
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatalf("testdata/autoaugment_moments.json: %v", err)
	}
	draws := ref.Draws
	if testing.Short() {
		draws /= 4
	}
	transforms := map[string]Transform{
		"randaugment": RandAugment{NumOps: OfficialRandAugmentOps, Magnitude: OfficialRandAugmentMagnitude, Bins: DefaultRandAugmentBins},
		"imagenet":    AutoAugment{Policy: AutoAugmentImageNet},
		"cifar10":     AutoAugment{Policy: AutoAugmentCIFAR10},
		"svhn":        AutoAugment{Policy: AutoAugmentSVHN},
	}
	for name, tr := range transforms {
		want, ok := ref.Moments[name]
		if !ok {
			t.Fatalf("no reference for %s", name)
		}
		n := len(ref.Pix)
		s1, s2 := make([]float64, n), make([]float64, n)
		rng := newRNG(9)
		p := &Picture{Height: ref.Height, Width: ref.Width, Channels: ref.Channels}
		for range draws {
			p.Pix = make([]float32, n)
			for i, v := range ref.Pix {
				p.Pix[i] = float32(v) / 255
			}
			tr.Apply(p, rng)
			for i, v := range p.Pix {
				l := float64(v) * 255
				s1[i] += l
				s2[i] += l * l
			}
		}
		worstZ, worstDiff, meanDiff := 0.0, 0.0, 0.0
		for i := range n {
			m := s1[i] / float64(draws)
			varKit := s2[i]/float64(draws) - m*m
			varRef := want.Meansq[i] - want.Mean[i]*want.Mean[i]
			se := math.Sqrt(max(varKit, 0)/float64(draws) + max(varRef, 0)/float64(ref.Draws))
			d := m - want.Mean[i]
			if math.Abs(d) > 5*se+momentsBias {
				t.Errorf("%s: value %d has mean %.2f levels; torchvision %.2f (standard error %.2f)", name, i, m, want.Mean[i], se)
			}
			meanDiff += d / float64(n)
			worstDiff = max(worstDiff, math.Abs(d))
			if se > 0 {
				worstZ = max(worstZ, math.Abs(d)/se)
			}
		}
		if math.Abs(meanDiff) > momentsBias {
			t.Errorf("%s: value means differ by %.2f levels on average; want within %g", name, meanDiff, momentsBias)
		}
		t.Logf("%s: value means differ by %.2f levels on average, at most %.2f levels (%.1f standard errors)", name, meanDiff, worstDiff, worstZ)
	}
}
