package mvmr

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// LabelSampling selects how the labelled subset of semi-supervised fine-tuning is drawn.
type LabelSampling string

const (
	// SamplePerClass draws round(fraction·n_c) images of each class c (at least one) without
	// replacement: every class is represented in proportion, as the SimCLR/BYOL 1 % and 10 %
	// ImageNet subsets are.
	SamplePerClass LabelSampling = "per_class"
	// SampleOfficial draws int(fraction·n) + 1 indices uniformly over the whole data set with
	// replacement, as the official semi-supervised module does
	// (np.random.randint(0, n, size=int(percentage * n / 100) + 1)): duplicates are possible and
	// a class may be missing.
	SampleOfficial LabelSampling = "official"
)

// SampleLabelled returns the indices of the labelled subset: a fraction (0, 1] of the images
// with the given labels, drawn as sampling says from a generator seeded by seed. The result is
// sorted for SamplePerClass and in draw order for SampleOfficial; the same arguments give the
// same indices.
func SampleLabelled(labels []int32, numClasses int, fraction float64, sampling LabelSampling, seed int64) ([]int, error) {
	if !(fraction > 0 && fraction <= 1) {
		return nil, fmt.Errorf("mvmr: label fraction = %g; expected a fraction in (0, 1] (0.01 for 1 %%)", fraction)
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("mvmr: sampling labelled images from an empty data set")
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5e3150b))
	switch sampling {
	case SamplePerClass:
		byClass := make([][]int, numClasses)
		for i, l := range labels {
			if l < 0 || int(l) >= numClasses {
				return nil, fmt.Errorf("mvmr: label %d of image %d is out of range [0, %d)", l, i, numClasses)
			}
			byClass[l] = append(byClass[l], i)
		}
		var out []int
		for _, members := range byClass {
			if len(members) == 0 {
				continue
			}
			count := max(1, int(math.Round(fraction*float64(len(members)))))
			rng.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
			out = append(out, members[:count]...)
		}
		slices.Sort(out)
		return out, nil
	case SampleOfficial:
		n := len(labels)
		out := make([]int, int(fraction*float64(n))+1)
		for i := range out {
			out[i] = rng.IntN(n)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("mvmr: label sampling %q; expected %q or %q", sampling, SamplePerClass, SampleOfficial)
	}
}

// SampleCountPerClass returns the sorted indices of perClass images of each of the numClasses
// classes, drawn without replacement from a generator seeded by seed: the class-balanced labelled
// subsets of a label-efficiency curve (10, 20, 50 ... labels per class). The same arguments give
// the same indices; a class with fewer than perClass images is an error naming it.
func SampleCountPerClass(labels []int32, numClasses, perClass int, seed int64) ([]int, error) {
	if perClass < 1 {
		return nil, fmt.Errorf("mvmr: %d labels per class; expected >= 1", perClass)
	}
	byClass := make([][]int, numClasses)
	for i, l := range labels {
		if l < 0 || int(l) >= numClasses {
			return nil, fmt.Errorf("mvmr: label %d of image %d is out of range [0, %d)", l, i, numClasses)
		}
		byClass[l] = append(byClass[l], i)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6c6162656c73))
	out := make([]int, 0, numClasses*perClass)
	for c, members := range byClass {
		if len(members) < perClass {
			return nil, fmt.Errorf("mvmr: class %d has %d images; expected at least %d labels per class", c, len(members), perClass)
		}
		rng.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
		out = append(out, members[:perClass]...)
	}
	slices.Sort(out)
	return out, nil
}
