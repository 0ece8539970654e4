package mvmr

import (
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Data-parallel MV-MR: the distance correlation is not a mean over samples, so a loss computed
// per device on its shard of the batch is a different loss (TestShardedLossEqualsGlobalLoss
// measures the gap). Each device must see the embeddings of the whole global batch: all-gather z
// (and z~) before the distance matrices, compute the global loss, back-propagate into its own
// shard, and all-reduce (sum) the parameter gradients.
//
// What GoMLX v0.28.8 offers for this (read from its sources):
//   - Exec.AutoSharding(mesh) with WithInputShardingSpecs: XLA Shardy partitions the *global*
//     graph; the batch inputs sharded along a "data" mesh axis and the variables replicated give
//     data parallelism in which every op keeps its single-device meaning, so dCor and the
//     BatchNorm statistics are computed over the global batch (SyncBatchNorm) and Shardy inserts
//     the all-gathers. Inputs and outputs are passed per device (exec.Call(shard0..., shard1...)).
//   - Exec.SPMD(mesh) with explicit collectives: the graph API has AllReduce only (no
//     AllGather), so the all-gather of z is an all-reduce sum of each device's shard placed at
//     its rows of a zero matrix: PlaceShard below.
//   - Only XLA implements them (StableHLO collectives); the pure-Go backend has one device and
//     returns "not supported" for collectives.
// The trainer uses the first (ParallelConfig.Devices, dataparallel.go); PlaceShard is the
// explicit-collective form of its all-gather, whose maths TestShardedLossEqualsGlobalLoss checks on
// one CPU device. Neither has run on several devices yet: no machine here has two accelerators.

// PlaceShard returns the [numShards·b, d] matrix that is zero except for rows
// index·b .. (index+1)·b−1, which hold shard ([b, d]); index is an integer scalar node (the
// device's position along the data axis, fed as an input in SPMD). Summing PlaceShard over the
// devices — an AllReduce sum — all-gathers the shards in order, and the gradient of a loss of the
// gathered matrix with respect to shard is the rows of the global gradient that belong to it.
func PlaceShard(shard, index *Node, numShards int) *Node {
	if shard.Rank() != 2 || numShards < 1 {
		exceptions.Panicf("mvmr.PlaceShard: shard must be [batch, features] and numShards >= 1, got %s and %d", shard.Shape(), numShards)
	}
	g := shard.Graph()
	blocks := make([]*Node, numShards)
	idx := ConvertDType(index, dtypes.Int64)
	for j := range blocks {
		mask := ConvertDType(Equal(idx, Scalar(g, dtypes.Int64, j)), shard.DType())
		blocks[j] = Mul(shard, mask)
	}
	return Concatenate(blocks, 0)
}
