package datasets

import (
	"runtime"
	"slices"
	"strings"
	"testing"
)

// colourDataset returns n side×side RGB images with distinct smooth patterns.
func colourDataset(n, side int) *Dataset {
	d := &Dataset{Name: "colour", Height: side, Width: side, Channels: 3, NumClasses: 10,
		Mean: CIFARMean, Std: CIFARStd}
	for i := range n {
		for y := range side {
			for x := range side {
				for c := range 3 {
					d.Images = append(d.Images, pattern(i, y, x, c))
				}
			}
		}
		d.Labels = append(d.Labels, int32(i%10))
	}
	return d
}

func TestNewPolicyNamesAndSteps(t *testing.T) {
	wants := map[string]string{
		PolicyCustom:             "custom: RandomResizedCrop(32, scale=[0.08 1], ratio=(0.75, 1.333), bilinear), RandomHorizontalFlip(p=0.5), RandomApply([ColorJitter(0.8, 0.8, 0.8, 0.2)], p=0.8), RandomGrayscale(p=0.2), GaussianBlur(3, sigma=[0.1 2])",
		PolicyCIFAR20:            "cifar20: RandomApply([ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8), RandomGrayscale(p=0.1), RandomResizedCrop(32, scale=[0.2 1], ratio=(0.75, 1.333), bicubic), RandomHorizontalFlip(p=0.5)",
		PolicyCIFAR:              "cifar: RandomCrop(32, padding=4), RandomHorizontalFlip(p=0.5)",
		PolicyNone:               "none: ",
		PolicyRandAugment:        "randaugment: RandomResizedCrop(32, scale=[0.08 1], ratio=(0.75, 1.333), bilinear), RandAugment(num_ops=4, magnitude=10, num_magnitude_bins=31)",
		PolicyAutoAugment:        "autoaugment: RandomResizedCrop(32, scale=[0.08 1], ratio=(0.75, 1.333), bilinear), AutoAugment(policy=imagenet)",
		PolicyAutoAugmentCIFAR10: "autoaugment-cifar10: RandomResizedCrop(32, scale=[0.08 1], ratio=(0.75, 1.333), bilinear), AutoAugment(policy=cifar10)",
		PolicyAutoAugmentSVHN:    "autoaugment-svhn: RandomResizedCrop(32, scale=[0.08 1], ratio=(0.75, 1.333), bilinear), AutoAugment(policy=svhn)",
	}
	for name, want := range wants {
		a, err := NewPolicy(name, 32)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.(*Pipeline).String(); got != want {
			t.Errorf("policy %s:\n got %s\nwant %s", name, got, want)
		}
	}
	if a, err := NewPolicy(PolicyMNIST, 28); err != nil || a.(DigitAugment) != DefaultDigitAugment() {
		t.Errorf("mnist policy %v, %v; want DefaultDigitAugment", a, err)
	}
	if a, _ := NewPolicy(PolicyCustom, 96); !strings.Contains(a.(*Pipeline).String(), "GaussianBlur(9,") {
		t.Errorf("custom at 96 px: %s; want a 9-tap blur", a.(*Pipeline).String())
	}
	if _, err := NewPolicy("simclr", 32); err == nil || !strings.Contains(err.Error(), "cifar20") {
		t.Errorf("unknown policy: error %v; want the list of names", err)
	}
}

func TestPipelineNormalisesAndChecksShape(t *testing.T) {
	data := colourDataset(3, 8)
	none, _ := NewPolicy(PolicyNone, 8)
	got := make([]float32, data.ImageSize())
	want := make([]float32, data.ImageSize())
	none.Augment(got, data, 2, newRNG(1))
	data.Normalize(want, 2)
	if !equalF32(got, want) {
		t.Error("policy none differs from plain normalisation")
	}
	custom, _ := NewPolicy(PolicyCustom, 16)
	if _, err := NewTwoViewSource(data, 2, 1, custom); err == nil || !strings.Contains(err.Error(), "16×16") || !strings.Contains(err.Error(), "8×8") {
		t.Errorf("16-px policy on 8-px images: error %v", err)
	}
	// The same generator state gives the same view; another gives another.
	custom, _ = NewPolicy(PolicyCustom, 8)
	a, b, c := make([]float32, data.ImageSize()), make([]float32, data.ImageSize()), make([]float32, data.ImageSize())
	custom.Augment(a, data, 1, newRNG(5))
	custom.Augment(b, data, 1, newRNG(5))
	custom.Augment(c, data, 1, newRNG(6))
	if !slices.Equal(a, b) || slices.Equal(a, c) {
		t.Error("custom policy: same seed must repeat the view and another seed must change it")
	}
	// The cifar policy's view is the image shifted by the crop offsets, possibly mirrored:
	// with offsets (4, 4) and no flip it is the image itself.
	cifar, _ := NewPolicy(PolicyCIFAR, 8)
	for s := range uint64(200) {
		replay := newRNG(s)
		top, left, flip := replay.IntN(9), replay.IntN(9), replay.Float64() < 0.5
		if top != 4 || left != 4 || flip {
			continue
		}
		cifar.Augment(a, data, 0, newRNG(s))
		data.Normalize(b, 0)
		if !equalF32(a, b) {
			t.Fatalf("seed %d: centred unflipped crop differs from the image", s)
		}
		return
	}
	t.Fatal("no seed gave a centred unflipped crop in 200 tries")
}

func TestTwoViewBatchesIndependentOfWorkerCount(t *testing.T) {
	for _, name := range []string{PolicyCustom, PolicyRandAugment, PolicyAutoAugment} {
		t.Run(name, func(t *testing.T) { checkWorkerCountIndependence(t, name) })
	}
}

func checkWorkerCountIndependence(t *testing.T, name string) {
	data := colourDataset(16, 12)
	policy, _ := NewPolicy(name, 12)
	build := func(procs int) *TwoViewBatch {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		s, err := NewTwoViewSource(data, 8, 3, policy)
		if err != nil {
			t.Fatal(err)
		}
		s.SetFreshView(true)
		return s.Batch(5)
	}
	one, four := build(1), build(4)
	if !slices.Equal(one.Augmented, four.Augmented) || !slices.Equal(one.Fresh, four.Fresh) {
		t.Error("batches differ between 1 and 4 workers")
	}
}

func TestFreshPerBatchSharesParameters(t *testing.T) {
	// Eight copies of one image: per-image draws give eight different fresh views; the
	// official per-batch draw gives eight equal ones, while x~ stays per image.
	img := colourDataset(1, 12)
	data := &Dataset{Name: "copies", Height: 12, Width: 12, Channels: 3, NumClasses: 1, Mean: CIFARMean, Std: CIFARStd}
	for range 8 {
		data.Images = append(data.Images, img.Images...)
		data.Labels = append(data.Labels, 0)
	}
	policy, _ := NewPolicy(PolicyCustom, 12)
	distinct := func(perBatch bool) (fresh, aug int) {
		s, err := NewTwoViewSource(data, 8, 1, policy)
		if err != nil {
			t.Fatal(err)
		}
		s.SetFreshView(true)
		s.SetFreshPerBatch(perBatch)
		b := s.Batch(0)
		size := data.ImageSize()
		count := func(v []float32) int {
			n := 1
			for j := 1; j < 8; j++ {
				if !slices.Equal(v[j*size:(j+1)*size], v[0:size]) {
					n++
				}
			}
			return n
		}
		return count(b.Fresh), count(b.Augmented)
	}
	if fresh, aug := distinct(false); fresh != 8 || aug != 8 {
		t.Errorf("per image: %d fresh and %d augmented views differ from the first +1; want 8 and 8", fresh, aug)
	}
	if fresh, aug := distinct(true); fresh != 1 || aug != 8 {
		t.Errorf("per batch: %d distinct fresh groups, %d augmented; want 1 and 8", fresh, aug)
	}
}

// TestAutoPoliciesReplay checks that the randaugment and autoaugment policies are the random
// resized crop, then the op draws, then normalisation, drawing from one generator in that order;
// that a seed repeats the view and another changes it.
func TestAutoPoliciesReplay(t *testing.T) {
	data := colourDataset(2, 16)
	for _, name := range []string{PolicyRandAugment, PolicyAutoAugment, PolicyAutoAugmentCIFAR10, PolicyAutoAugmentSVHN} {
		a, err := NewPolicy(name, 16)
		if err != nil {
			t.Fatal(err)
		}
		steps := a.(*Pipeline).Steps
		got, again, other := make([]float32, data.ImageSize()), make([]float32, data.ImageSize()), make([]float32, data.ImageSize())
		for seed := range uint64(20) {
			a.Augment(got, data, 1, newRNG(seed))
			a.Augment(again, data, 1, newRNG(seed))
			a.Augment(other, data, 1, newRNG(seed+1000))
			if !slices.Equal(got, again) || slices.Equal(got, other) {
				t.Fatalf("%s seed %d: same seed must repeat the view and another seed change it", name, seed)
			}
			// Replay: crop, then the ops drawn by the second step.
			rng := newRNG(seed)
			pic := &Picture{Height: 16, Width: 16, Channels: 3, Pix: make([]float32, data.ImageSize())}
			for k, v := range data.Image(1) {
				pic.Pix[k] = float32(v) / 255
			}
			steps[0].(RandomResizedCrop).Apply(pic, rng)
			switch s := steps[1].(type) {
			case RandAugment:
				for _, d := range s.Params(16, 16, rng) {
					ApplyOp(pic, d.Op, d.Magnitude, nil)
				}
			case AutoAugment:
				d := s.Params(16, 16, rng)
				for i, op := range d.Ops {
					if d.Applied[i] {
						ApplyOp(pic, op.Op, op.Magnitude, nil)
					}
				}
			default:
				t.Fatalf("%s: second step %T", name, s)
			}
			for k, v := range pic.Pix {
				ch := k % 3
				if want := (v - data.Mean[ch]) / data.Std[ch]; got[k] != want {
					t.Fatalf("%s seed %d: value %d = %g; replay gives %g", name, seed, k, got[k], want)
				}
			}
		}
	}
}
