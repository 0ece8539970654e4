package mvmr

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// TestShardedLossEqualsGlobalLoss emulates data parallelism over 4 devices on the CPU: each
// device holds 6 of the 24 rows of z and z~, places them with placeShard, the placements are
// summed (the AllReduce), and the loss of the gathered embeddings must equal the single-device
// loss of the whole batch, with each shard's gradient equal to its rows of the global gradient.
// The mean of per-shard losses, what a naive data-parallel run computes, must differ.
func TestShardedLossEqualsGlobalLoss(t *testing.T) {
	const n, d, shards = 24, 5, 4
	b := n / shards
	rng := rand.New(rand.NewPCG(91, 92))
	zOrig, zAug := testutil.RandomMatrix(rng, n, d), testutil.RandomMatrix(rng, n, d)
	for i := range zAug.Data {
		zAug.Data[i] = 0.6*zOrig.Data[i] + 0.8*zAug.Data[i] // correlated views
	}
	loss, err := NewLoss(LossConfig{StdMargin: 1, DCorScale: 32, MSEWeight: 1, StdWeight: 1, DCorZZWeight: 1})
	if err != nil {
		t.Fatal(err)
	}
	total := func(zo, za *Node) *Node {
		c := loss.Components(reps.Views{}, zo, za)
		return c[len(c)-1]
	}
	out := testutil.Flat64(t, testutil.Call1(t, testBackend(t), func(in []*Node) *Node {
		zo, za := in[0], in[1]
		global := total(zo, za)
		globalGrads := Gradient(global, zo, za)

		var gatheredO, gatheredA *Node
		var shardO, shardA []*Node
		for s := range shards {
			so := Slice(zo, AxisRange(s*b, (s+1)*b)) // device s's rows, as its own input
			sa := Slice(za, AxisRange(s*b, (s+1)*b))
			so, sa = Add(StopGradient(so), ZerosLike(so)), Add(StopGradient(sa), ZerosLike(sa))
			shardO, shardA = append(shardO, so), append(shardA, sa)
			index := Scalar(zo.Graph(), dtypes.Int32, s)
			po, pa := placeShard(so, index, shards), placeShard(sa, index, shards)
			if gatheredO == nil {
				gatheredO, gatheredA = po, pa
			} else {
				gatheredO, gatheredA = Add(gatheredO, po), Add(gatheredA, pa)
			}
		}
		sharded := total(gatheredO, gatheredA)
		shardGrads := Gradient(sharded, append(shardO, shardA...)...)
		var naive *Node
		for s := range shards {
			l := total(shardO[s], shardA[s])
			if naive == nil {
				naive = l
			} else {
				naive = Add(naive, l)
			}
		}
		naive = DivScalar(naive, shards)
		parts := []*Node{Stack([]*Node{global, sharded, naive}, 0), Reshape(globalGrads[0], -1), Reshape(globalGrads[1], -1)}
		for _, g := range shardGrads {
			parts = append(parts, Reshape(g, -1))
		}
		return Concatenate(parts, 0)
	}, testutil.TensorOf(zOrig, dtypes.Float64), testutil.TensorOf(zAug, dtypes.Float64)))

	global, sharded, naive := out[0], out[1], out[2]
	if math.Abs(global-sharded) > 1e-12 {
		t.Errorf("loss from all-gathered shards %.15g, single-device loss %.15g", sharded, global)
	}
	if math.Abs(global-naive) < 1e-3 {
		t.Errorf("mean of per-shard losses %.6g equals the global loss %.6g; dCor should not decompose over shards", naive, global)
	}
	gradO, gradA := out[3:3+n*d], out[3+n*d:3+2*n*d]
	rest := out[3+2*n*d:]
	for s := range shards {
		for k, global := range [][]float64{gradO, gradA} {
			shard := rest[(k*shards+s)*b*d : (k*shards+s+1)*b*d]
			for i := range shard {
				if want := global[s*b*d+i]; math.Abs(shard[i]-want) > 1e-12 {
					t.Fatalf("view %d shard %d gradient[%d] = %.15g, global gradient %.15g", k, s, i, shard[i], want)
				}
			}
		}
	}
}

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
//     its rows of a zero matrix: placeShard below.
//   - Only XLA implements them (StableHLO collectives); the pure-Go backend has one device and
//     returns "not supported" for collectives.
// The trainer uses the first (ParallelConfig.Devices, dataparallel.go); placeShard (a test helper) is the
// explicit-collective form of its all-gather, whose maths TestShardedLossEqualsGlobalLoss checks on
// one CPU device. Neither has run on several devices yet: no machine here has two accelerators.

// placeShard returns the [numShards·b, d] matrix that is zero except for rows
// index·b .. (index+1)·b−1, which hold shard ([b, d]); index is an integer scalar node (the
// device's position along the data axis, fed as an input in SPMD). Summing placeShard over the
// devices — an AllReduce sum — all-gathers the shards in order, and the gradient of a loss of the
// gathered matrix with respect to shard is the rows of the global gradient that belong to it.
func placeShard(shard, index *Node, numShards int) *Node {
	if shard.Rank() != 2 || numShards < 1 {
		exceptions.Panicf("placeShard: shard must be [batch, features] and numShards >= 1, got %s and %d", shard.Shape(), numShards)
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
