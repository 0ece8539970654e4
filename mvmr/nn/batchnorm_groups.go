package nn

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// batchNormGroupsParam is the graph parameter holding the number of BatchNorm groups of a
// training graph (ParallelConfig.LossGroups).
const batchNormGroupsParam = "mvmr_batchnorm_groups"

// SetBatchNormGroups makes every BatchNorm of the training graph g normalise each of k equal
// groups of the batch with its own statistics, as k GPUs trained with DDP without
// SyncBatchNorm do; k ≤ 1 keeps the statistics of the whole batch.
func SetBatchNormGroups(g *Graph, k int) {
	model.SetGraphParam(g, batchNormGroupsParam, k)
}

// batchNormGroups returns the number of BatchNorm groups set on g (1 when none is set).
func batchNormGroups(g *Graph) int {
	v, found := model.GetGraphParam(g, batchNormGroupsParam)
	if !found {
		return 1
	}
	k, _ := v.(int)
	return max(1, k)
}

// groupedBatchNorm normalises x ([batch, ..., features]) in training mode with the statistics
// of each of k equal groups of the batch (rows g·batch/k … (g+1)·batch/k−1), the output
// scaled by gamma and shifted by beta. It returns the normalised x and the mean and unbiased
// variance of group 0, the running-statistics update (DDP broadcasts rank 0's buffers).
func groupedBatchNorm(x *Node, k int, gamma, beta *Node) (out, mean0, unbiased0 *Node) {
	batch, features := x.Shape().Dim(0), x.Shape().Dim(-1)
	if batch%k != 0 {
		exceptions.Panicf("nn.BatchNorm: batch %d cannot be cut into %d equal groups", batch, k)
	}
	grouped := Reshape(x, append([]int{k, batch / k}, x.Shape().Dimensions[1:]...)...) // [k, b, ..., f]
	axes := make([]int, grouped.Rank()-2)                                              // every axis but the group and the feature axes
	for i := range axes {
		axes[i] = i + 1
	}
	mean := ReduceAndKeep(grouped, ReduceMean, axes...) // [k, 1, ..., 1, f]
	centred := Sub(grouped, mean)
	variance := ReduceAndKeep(Square(centred), ReduceMean, axes...)
	ones := make1s(grouped.Rank() - 1)
	scale := Mul(Reshape(gamma, append(ones, features)...), Reciprocal(Sqrt(AddScalar(variance, BatchNormEpsilon))))
	out = Add(Mul(centred, scale), Reshape(beta, append(ones, features)...))
	out = Reshape(out, x.Shape().Dimensions...)

	count := x.Shape().Size() / features / k
	mean0 = Reshape(Slice(mean, AxisRange(0, 1)), features)
	unbiased0 = Reshape(Slice(variance, AxisRange(0, 1)), features)
	if count > 1 {
		unbiased0 = MulScalar(unbiased0, float64(count)/float64(count-1))
	}
	return out, mean0, unbiased0
}
