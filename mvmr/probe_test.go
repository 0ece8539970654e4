package mvmr

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestTopKAccuracy(t *testing.T) {
	logits := []float32{
		0.1, 0.9, 0.0, // true 1: top-1 hit
		0.5, 0.4, 0.3, // true 2: third place, top-1 miss
		0.2, 0.2, 0.1, // true 0: tie with class 1 counts as a hit (no strictly larger logit)
	}
	top1, top5 := TopKAccuracy(logits, []int32{1, 2, 0}, 3)
	if math.Abs(top1-2.0/3) > 1e-12 || top5 != 1 {
		t.Errorf("top1 %g top5 %g, want 2/3 and 1", top1, top5)
	}
}

// gaussianClasses draws n points in dim dimensions from c classes with means on distinct axes.
func gaussianClasses(rng *rand.Rand, n, dim, c int, separation float64) Features {
	f := Features{N: n, Dim: dim, NumClasses: c, Data: make([]float32, n*dim), Labels: make([]int32, n)}
	for i := range n {
		label := i % c
		f.Labels[i] = int32(label)
		for j := range dim {
			v := rng.NormFloat64()
			if j == label {
				v += separation
			}
			f.Data[i*dim+j] = float32(100 + 50*v) // far from standardised: the probe must standardise
		}
	}
	return f
}

func TestLinearProbeSeparatesClasses(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	train := gaussianClasses(rng, 3000, 20, 10, 4)
	test := gaussianClasses(rng, 1000, 20, 10, 4)
	config := DefaultProbeConfig()
	config.BatchSize = 250
	r, err := LinearProbe(testBackend(t), train, test, config)
	if err != nil {
		t.Fatal(err)
	}
	// The Bayes rule for these classes (equal isotropic covariance, means on the class axes) is
	// the argmax over the class axes; the probe must come close to it.
	var bayes int
	for i := range test.N {
		best := 0
		for j := range test.NumClasses {
			if test.Data[i*test.Dim+j] > test.Data[i*test.Dim+best] {
				best = j
			}
		}
		if best == int(test.Labels[i]) {
			bayes++
		}
	}
	bayesAcc := float64(bayes) / float64(test.N)
	if r.Top1 < bayesAcc-0.02 || r.Top5 < 0.99 {
		t.Errorf("separable classes: top-1 %.4f (Bayes rule %.4f), top-5 %.4f", r.Top1, bayesAcc, r.Top5)
	}
	// Indistinguishable classes give chance accuracy.
	noise := gaussianClasses(rng, 3000, 20, 10, 0)
	noiseTest := gaussianClasses(rng, 2000, 20, 10, 0)
	r, err = LinearProbe(testBackend(t), noise, noiseTest, config)
	if err != nil {
		t.Fatal(err)
	}
	if r.Top1 > 0.15 {
		t.Errorf("pure noise: top-1 %.4f, want about 0.1", r.Top1)
	}
}

func TestLinearProbeRejectsBadFeatures(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	good := gaussianClasses(rng, 100, 4, 3, 2)
	nan := gaussianClasses(rng, 100, 4, 3, 2)
	nan.Data[17] = float32(math.NaN())
	short := gaussianClasses(rng, 100, 4, 3, 2)
	short.Labels = short.Labels[:99]
	wide := gaussianClasses(rng, 100, 5, 3, 2)
	for _, tc := range []struct {
		train, test Features
		want        string
	}{
		{nan, good, "row 4, column 1 is not finite"},
		{good, short, "99 labels for 100 rows"},
		{good, wide, "train has 4 features"},
	} {
		_, err := LinearProbe(testBackend(t), tc.train, tc.test, DefaultProbeConfig())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", err, tc.want)
		}
	}
}
