package notebooks

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// TestKNNFoldsWholeSetMatchesOneRun checks that the fold-weighted accuracy equals mvmr.KNN on the
// whole test set (each test row is classified independently of the others).
func TestKNNFoldsWholeSetMatchesOneRun(t *testing.T) {
	backend, err := mvmr.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	features := func(n int) mvmr.Features {
		f := mvmr.Features{N: n, Dim: 4, NumClasses: 3, Data: make([]float32, n*4), Labels: make([]int32, n)}
		for i := range n {
			f.Labels[i] = int32(rng.IntN(3))
			for j := range 4 {
				f.Data[i*4+j] = float32(rng.NormFloat64()) + float32(int(f.Labels[i])*j)*0.5
			}
		}
		return f
	}
	train, test := features(300), features(103)
	perFold, all, err := KNNFolds(backend, train, test, 4)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := mvmr.KNN(backend, train, test, mvmr.DefaultKNNConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range whole {
		if all[i].K != r.K || math.Abs(all[i].Top1-r.Top1) > 1e-9 || math.Abs(all[i].Top5-r.Top5) > 1e-9 {
			t.Errorf("k=%d: folds give top-1 %g top-5 %g, one run %g %g", r.K, all[i].Top1, all[i].Top5, r.Top1, r.Top5)
		}
		if len(perFold[r.K]) != 4 {
			t.Errorf("k=%d: %d fold scores; want 4", r.K, len(perFold[r.K]))
		}
	}
	if _, _, err := KNNFolds(backend, train, test, 0); err == nil {
		t.Error("0 folds accepted")
	}
}
