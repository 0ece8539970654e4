package nn

import (
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Batch-normalisation hyper-parameters, PyTorch's defaults (nn.BatchNorm1d / nn.BatchNorm2d).
const (
	// BatchNormMomentum is the weight of the new batch statistic in the running averages:
	// running = (1 - momentum)·running + momentum·batch.
	BatchNormMomentum = 0.1
	// BatchNormEpsilon is added to the variance before the square root.
	BatchNormEpsilon = 1e-5
)

// BatchNorm normalises x over every axis but the last (the feature or channel axis), as PyTorch
// does in training and evaluation:
//
//   - Training graphs (model.Store.SetTraining(g, true)): normalise with the batch mean and the
//     biased batch variance, with gradients flowing through both statistics, and update the
//     running mean and the running unbiased variance (n/(n-1)) with BatchNormMomentum.
//   - Other graphs: normalise with the running statistics.
//
// Variables in scope: "gamma" (init 1), "beta" (init 0), and the non-trainable "running_mean"
// (init 0) and "running_var" (init 1).
//
// GoMLX's norm.BatchNorm is not used: its defaults are Keras' (momentum 0.99, epsilon 1e-3), and
// its fused training op is not implemented on the pure-Go backend.
func BatchNorm(scope *model.Scope, x *Node) *Node {
	return batchNormInit(scope, x, 1, false)
}

// BatchNormRelu is Relu(BatchNorm(scope, x)) with the two fused in training graphs: one
// hand-written backward pass for both (see batchNormTraining).
func BatchNormRelu(scope *model.Scope, x *Node) *Node {
	return batchNormInit(scope, x, 1, true)
}

// batchNormInit is BatchNorm with gamma initialised to gammaInit (0 for torchvision's
// zero_init_residual), followed by Relu when relu is set.
func batchNormInit(scope *model.Scope, x *Node, gammaInit float64, relu bool) *Node {
	if x.Rank() < 2 {
		exceptions.Panicf("nn.BatchNorm: input needs a batch and a feature axis, got %s", x.Shape())
	}
	if dt := masterDType(x.DType()); dt != x.DType() {
		// Mixed precision: statistics and normalisation in float32, as PyTorch's autocast runs
		// BatchNorm; the result goes back to the compute dtype.
		return ConvertDType(batchNormInit(scope, ConvertDType(x, dt), gammaInit, relu), x.DType())
	}
	g := x.Graph()
	features := x.Shape().Dim(-1)
	featShape := shapes.Make(x.DType(), features)
	gamma := scope.WithInitializer(constantInit(gammaInit)).VariableWithShape("gamma", featShape)
	beta := scope.WithInitializer(constantInit(0)).VariableWithShape("beta", featShape)
	runningMean := scope.WithInitializer(constantInit(0)).VariableWithShape("running_mean", featShape).SetTrainable(false)
	runningVar := scope.WithInitializer(constantInit(1)).VariableWithShape("running_var", featShape).SetTrainable(false)

	broadcast := func(v *Node) *Node { // [features] -> [1, ..., 1, features]
		return Reshape(v, append(make1s(x.Rank()-1), features)...)
	}

	if k := batchNormGroups(g); k > 1 && scope.IsTraining(g) {
		out, mean0, unbiased0 := groupedBatchNorm(x, k, gamma.NodeValue(g), beta.NodeValue(g))
		updateRunningStatistics(g, runningMean, runningVar, mean0, unbiased0)
		if relu {
			out = Relu(out)
		}
		return out
	}
	if scope.IsTraining(g) {
		count := x.Shape().Size() / features
		out, mean, variance := batchNormTraining(x, gamma.NodeValue(g), beta.NodeValue(g), relu)
		unbiased := variance
		if count > 1 {
			unbiased = MulScalar(variance, float64(count)/float64(count-1))
		}
		updateRunningStatistics(g, runningMean, runningVar, mean, unbiased)
		return out
	}
	mean, variance := runningMean.NodeValue(g), runningVar.NodeValue(g)
	scale := Mul(gamma.NodeValue(g), Reciprocal(Sqrt(AddScalar(variance, BatchNormEpsilon))))
	shift := Sub(beta.NodeValue(g), Mul(mean, scale))
	out := Add(Mul(x, broadcast(scale)), broadcast(shift))
	if relu {
		out = Relu(out)
	}
	return out
}

// updateRunningStatistics moves the running mean and variance towards the batch's mean and
// unbiased variance by BatchNormMomentum, as PyTorch does.
func updateRunningStatistics(g *Graph, runningMean, runningVar *model.Variable, mean, unbiased *Node) {
	setState(runningMean, Add(
		MulScalar(StateValue(runningMean, g), 1-BatchNormMomentum),
		MulScalar(StopGradient(mean), BatchNormMomentum)))
	setState(runningVar, Add(
		MulScalar(StateValue(runningVar, g), 1-BatchNormMomentum),
		MulScalar(StopGradient(unbiased), BatchNormMomentum)))
}

func make1s(n int) []int {
	ones := make([]int, n)
	for i := range ones {
		ones[i] = 1
	}
	return ones
}
