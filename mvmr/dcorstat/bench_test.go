package dcorstat

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkMonitorTests times what the dCor monitor adds per representation and record on its
// 256 held-out images: U-centring z (128 dimensions), the independence test and the partial
// test given a third sample, each with 199 permutations.
//
//	go test -run '^$' -bench MonitorTests ./mvmr/dcorstat
func BenchmarkMonitorTests(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 256
	z, rep, image := randomSample(rng, n, 128), randomSample(rng, n, 81), randomSample(rng, n, 784)
	ru, err := Centre(rep, Unbiased)
	if err != nil {
		b.Fatal(err)
	}
	iu, err := Centre(image, Unbiased)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("centre_z", func(b *testing.B) {
		for range b.N {
			if _, err := Centre(z, Unbiased); err != nil {
				b.Fatal(err)
			}
		}
	})
	zu, _ := Centre(z, Unbiased)
	b.Run("independence_199", func(b *testing.B) {
		for range b.N {
			if _, err := TestCentred(zu, ru, 199, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("partial_199", func(b *testing.B) {
		for range b.N {
			if _, err := PartialTestCentred(zu, ru, iu, 199, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
}
