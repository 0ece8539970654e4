package nn

import (
	"math"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Linear applies x·W (+ b) to x ([batch, in]) and returns [batch, out], initialised as PyTorch's
// nn.Linear: W and b uniform in ±1/sqrt(in). Variables: "weights" [in, out] and, with bias, "bias".
func Linear(scope *model.Scope, x *Node, out int, bias bool) *Node {
	if x.Rank() != 2 {
		exceptions.Panicf("nn.Linear: input must be [batch, features], got %s", x.Shape())
	}
	in := x.Shape().Dim(1)
	bound := 1 / math.Sqrt(float64(in))
	g := x.Graph()
	w := scope.WithInitializer(uniformInit(-bound, bound)).VariableWithShape("weights", shapes.Make(masterDType(x.DType()), in, out))
	y := Dot(x, castLike(w.NodeValue(g), x)).Product()
	if bias {
		b := scope.WithInitializer(uniformInit(-bound, bound)).VariableWithShape("bias", shapes.Make(masterDType(x.DType()), out))
		y = Add(y, ExpandAxes(castLike(b.NodeValue(g), x), 0))
	}
	return y
}
