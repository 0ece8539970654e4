package mvmr

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLinearProbeRandomLabelsNearChance: with labels independent of the features, the probe can
// only memorise the training rows; test accuracy must stay at chance.
func TestLinearProbeRandomLabelsNearChance(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	config := DefaultProbeConfig()
	config.BatchSize = 250
	r, err := LinearProbe(testBackend(t), randomLabelled(rng, 2000, 32), randomLabelled(rng, 2000, 32), config)
	if err != nil {
		t.Fatal(err)
	}
	// Chance is 0.10 / 0.50; 2000 test rows give a standard error of 0.007 / 0.011.
	if math.Abs(r.Top1-0.1) > 0.035 || math.Abs(r.Top5-0.5) > 0.05 {
		t.Errorf("random labels: test top-1 %.3f top-5 %.3f; expected about 0.10 and 0.50", r.Top1, r.Top5)
	}
	// 33 parameters per class on 2000 rows: some memorisation, visible as train > test.
	if r.TrainTop1 <= r.Top1 {
		t.Errorf("random labels: train top-1 %.3f not above test %.3f", r.TrainTop1, r.Top1)
	}
}

// randomLabelled returns n rows of dim Gaussian values with labels drawn uniformly from 10
// classes, independent of the values.
func randomLabelled(rng *rand.Rand, n, dim int) Features {
	f := Features{N: n, Dim: dim, NumClasses: 10, Data: make([]float32, n*dim), Labels: make([]int32, n)}
	for i := range f.Data {
		f.Data[i] = float32(rng.NormFloat64())
	}
	for i := range f.Labels {
		f.Labels[i] = int32(rng.IntN(10))
	}
	return f
}
