package datasets

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestOnNormalizedJittersTheNormalisedImage: the official fresh view applies its colour jitter
// to the normalised tensor, so the result is clamp01(factor · (v − mean)/std), not the kit
// policy's normalise(clamp01(factor · v)).
func TestOnNormalizedJittersTheNormalisedImage(t *testing.T) {
	d := colourDataset(2, 8)
	jitter := ColorJitter{Brightness: 0.5}
	o := OnNormalized{Pipeline: &Pipeline{Name: "jitter", Steps: []Transform{jitter}}}
	got := make([]float32, d.ImageSize())
	o.Augment(got, d, 1, rand.New(rand.NewPCG(7, 9)))
	factor := float32(jitter.Params(rand.New(rand.NewPCG(7, 9))).Brightness)
	norm := make([]float32, d.ImageSize())
	d.Normalize(norm, 1)
	negative := false
	for k, v := range norm {
		want := min(max(factor*v, 0), 1)
		if math.Abs(float64(got[k]-want)) > 1e-6 {
			t.Fatalf("value %d: %g; want clamp01(%g · %g) = %g", k, got[k], factor, v, want)
		}
		negative = negative || v < 0
	}
	if !negative {
		t.Fatal("the test image has no negative normalised value: the clamp is not exercised")
	}
	kit := make([]float32, d.ImageSize())
	o.Pipeline.Augment(kit, d, 1, rand.New(rand.NewPCG(7, 9)))
	if slices.Equal(kit, got) {
		t.Error("the kit's pipeline (jitter on [0, 1], then normalise) gives the same values")
	}
}

// TestTwoViewFreshAugmenter: the fresh view uses the augmenter set for it (the official one,
// the custom policy on the normalised image), and the pair's views are unchanged.
func TestTwoViewFreshAugmenter(t *testing.T) {
	d := colourDataset(8, 16)
	pair, err := NewPolicy(PolicyCIFAR, 16)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := OfficialFreshView(16)
	if err != nil {
		t.Fatal(err)
	}
	if s := fresh.(OnNormalized).Pipeline.String(); s[:7] != "custom:" {
		t.Errorf("official fresh view %s; want the custom policy", s)
	}
	batch := func(official bool) *TwoViewBatch {
		s, err := NewTwoViewSource(d, 4, 3, pair)
		if err != nil {
			t.Fatal(err)
		}
		s.SetFreshView(true)
		if official {
			s.SetFreshAugmenter(fresh)
		}
		return s.Batch(2)
	}
	kit, off := batch(false), batch(true)
	if !slices.Equal(kit.Augmented, off.Augmented) || !slices.Equal(kit.Original, off.Original) {
		t.Error("the fresh augmenter changed the pair's views")
	}
	if slices.Equal(kit.Fresh, off.Fresh) {
		t.Error("the fresh view is the same with the official augmenter")
	}
	// Every value the official view produces is a normalised value passed through, or clamped
	// to [0, 1] by the jitter: never below the smallest normalised value.
	lo := slices.Min(off.Original)
	if m := slices.Min(off.Fresh); m < lo-1e-5 {
		t.Errorf("official fresh view minimum %g below the normalised minimum %g", m, lo)
	}
}
