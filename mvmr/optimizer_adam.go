package mvmr

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// applyAdam builds the update of every variable in vars from grads, gated by apply (a boolean
// scalar: when false every variable, moment and the step counter keep their values). It returns
// the learning rate used.
func (c OptimizerConfig) applyAdam(store *model.Store, g *Graph, vars []*model.Variable, grads []*Node, apply *Node) *Node {
	return c.applyAdamAt(store, g, vars, grads, apply, nil)
}

// applyAdamAt is applyAdam at the learning rate lr (a scalar node: a schedule the caller feeds,
// such as a per-epoch cosine), or at the config's schedule when lr is nil.
func (c OptimizerConfig) applyAdamAt(store *model.Store, g *Graph, vars []*model.Variable, grads []*Node, apply, lr *Node) *Node {
	stepVar := stepVariable(store)
	step := stepVar.NodeValue(g)
	nextStep := AddScalar(step, 1)
	stepVar.SetNodeValue(Where(apply, nextStep, step))

	dtype := grads[0].DType()
	t := ConvertDType(nextStep, dtype)
	if lr == nil {
		lr = c.learningRateGraph(t)
	} else {
		lr = ConvertDType(lr, dtype)
	}
	debias1 := OneMinus(Pow(Scalar(g, dtype, c.Beta1), t))
	debias2 := OneMinus(Pow(Scalar(g, dtype, c.Beta2), t))
	momentScope := store.Scope("/" + optimizerScope + "/moments")
	for i, v := range vars {
		grad := grads[i]
		param := v.NodeValue(g)
		if c.WeightDecay > 0 && c.Name == OptimizerAdam {
			grad = Add(grad, MulScalar(param, c.WeightDecay))
		}
		name := momentName(v)
		m1Var := momentScope.WithInitializer(initializer.Zero).VariableWithShape(name+"_m1", v.Shape()).SetTrainable(false)
		m2Var := momentScope.WithInitializer(initializer.Zero).VariableWithShape(name+"_m2", v.Shape()).SetTrainable(false)
		m1 := Add(MulScalar(m1Var.NodeValue(g), c.Beta1), MulScalar(grad, 1-c.Beta1))
		m2 := Add(MulScalar(m2Var.NodeValue(g), c.Beta2), MulScalar(Square(grad), 1-c.Beta2))
		// torch: p -= lr/debias1 · m1 / (sqrt(m2)/sqrt(debias2) + eps)
		denom := AddScalar(Div(Sqrt(m2), Sqrt(debias2)), c.Epsilon)
		update := Mul(Div(lr, debias1), Div(m1, denom))
		newParam := param
		if c.WeightDecay > 0 && c.Name == OptimizerAdamW {
			newParam = Mul(newParam, OneMinus(MulScalar(lr, c.WeightDecay)))
		}
		newParam = Sub(newParam, update)
		v.SetNodeValue(Where(apply, newParam, param))
		m1Var.SetNodeValue(Where(apply, m1, m1Var.NodeValue(g)))
		m2Var.SetNodeValue(Where(apply, m2, m2Var.NodeValue(g)))
	}
	return lr
}
