package notebooks

import (
	"fmt"

	"github.com/gomlx/compute"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// KNNFolds runs the kNN protocol (mvmr.KNN with the default configuration) on folds contiguous
// folds of the test rows. It returns, for every k, the top-1 of each fold in percent, and the
// results on the whole test set: a test row's vote depends only on the training rows, so the
// whole-set accuracy is the fold accuracies weighted by fold size, exactly. The folds are what
// CompareKNN pairs two feature sets over.
func KNNFolds(backend compute.Backend, train, test mvmr.Features, folds int) (perFold map[int][]float64, all []mvmr.KNNResult, err error) {
	if folds < 1 || folds > test.N {
		return nil, nil, fmt.Errorf("notebooks: KNNFolds: %d folds of %d test rows; expected 1 to %d", folds, test.N, test.N)
	}
	config := mvmr.DefaultKNNConfig()
	perFold = map[int][]float64{}
	all = make([]mvmr.KNNResult, len(config.Ks))
	for f := range folds {
		lo, hi := f*test.N/folds, (f+1)*test.N/folds
		part := mvmr.Features{Data: test.Data[lo*test.Dim : hi*test.Dim], N: hi - lo, Dim: test.Dim,
			Labels: test.Labels[lo:hi], NumClasses: test.NumClasses}
		results, err := mvmr.KNN(backend, train, part, config, nil)
		if err != nil {
			return nil, nil, err
		}
		weight := float64(hi-lo) / float64(test.N)
		for i, r := range results {
			perFold[r.K] = append(perFold[r.K], 100*r.Top1)
			all[i].K = r.K
			all[i].Top1 += weight * r.Top1
			all[i].Top5 += weight * r.Top5
		}
	}
	return perFold, all, nil
}
