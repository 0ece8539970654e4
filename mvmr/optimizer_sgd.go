package mvmr

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// More optimizer names (see OptimizerAdam).
const (
	// OptimizerSGD is torch.optim.SGD with momentum (dampening 0, not Nesterov) and L2 weight
	// decay: g ← grad + wd·p; buf ← momentum·buf + g; p ← p − lr·buf.
	OptimizerSGD = "sgd"
	// OptimizerLARS is LARS as the VICReg/Barlow Twins code writes it (exclude_bias_and_norm): for
	// every parameter with more than one dimension, g ← grad + wd·p, then
	// g ← g · eta·‖p‖/‖g‖ (1 when either norm is 0); biases and BatchNorm parameters (one
	// dimension) get neither weight decay nor adaptation; then buf ← momentum·buf + g,
	// p ← p − lr·buf.
	OptimizerLARS = "lars"
)

// DefaultLARSEta is LARS' trust coefficient (VICReg, Barlow Twins: 0.001).
const DefaultLARSEta = 0.001

// applySGD builds the SGD-with-momentum or LARS update, gated by apply; it returns the
// learning rate.
func (c OptimizerConfig) applySGD(store *model.Store, g *Graph, vars []*model.Variable, grads []*Node, apply *Node) *Node {
	stepVar := stepVariable(store)
	step := stepVar.NodeValue(g)
	nextStep := AddScalar(step, 1)
	stepVar.SetNodeValue(Where(apply, nextStep, step))
	lr := c.learningRateGraph(ConvertDType(nextStep, grads[0].DType()))
	eta := c.LARSEta
	if eta == 0 {
		eta = DefaultLARSEta
	}
	momentScope := store.Scope("/" + optimizerScope + "/moments")
	for i, v := range vars {
		param := v.NodeValue(g)
		grad := grads[i]
		adapt := c.Name == OptimizerSGD || v.Shape().Rank() > 1 // LARS: exclude_bias_and_norm
		if c.WeightDecay > 0 && adapt {
			grad = Add(grad, MulScalar(param, c.WeightDecay))
		}
		if c.Name == OptimizerLARS && adapt {
			pNorm := Sqrt(ReduceAllSum(Square(param)))
			gNorm := Sqrt(ReduceAllSum(Square(grad)))
			zero := ZerosLike(pNorm)
			one := OnesLike(pNorm)
			safe := Where(GreaterThan(gNorm, zero), gNorm, one)
			trust := Where(LogicalAnd(GreaterThan(pNorm, zero), GreaterThan(gNorm, zero)), MulScalar(Div(pNorm, safe), eta), one)
			grad = Mul(grad, trust)
		}
		bufVar := momentScope.WithInitializer(initializer.Zero).VariableWithShape(momentName(v)+"_momentum", v.Shape()).SetTrainable(false)
		buf := Add(MulScalar(bufVar.NodeValue(g), c.Momentum), grad)
		v.SetNodeValue(Where(apply, Sub(param, Mul(lr, buf)), param))
		bufVar.SetNodeValue(Where(apply, buf, bufVar.NodeValue(g)))
	}
	return lr
}
