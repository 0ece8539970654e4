package nn

import (
	"math"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// Variable initializers. They draw from the model.Store's random state, so a Store seeded with
// SetRNGStateFromSeed initialises identically every time.

// kaimingNormalFanOut is torchvision's ResNet convolution initialisation,
// kaiming_normal_(mode="fan_out", nonlinearity="relu"): N(0, 2/fanOut).
func kaimingNormalFanOut(fanOut int) model.VariableInitializer {
	std := math.Sqrt(2 / float64(fanOut))
	return func(g *Graph, shape shapes.Shape) *Node {
		store := model.GetStore(g)
		return MulScalar(store.RandomNormal(g, shape), std)
	}
}

// uniformInit draws from U(low, high). With bound 1/sqrt(fanIn) it is PyTorch's default for
// nn.Linear and nn.Conv2d weights (kaiming_uniform_ with a=√5) and biases.
func uniformInit(low, high float64) model.VariableInitializer {
	return func(g *Graph, shape shapes.Shape) *Node {
		store := model.GetStore(g)
		return AddScalar(MulScalar(store.RandomUniform(g, shape), high-low), low)
	}
}

// constantInit fills the variable with value.
func constantInit(value float64) model.VariableInitializer {
	return func(g *Graph, shape shapes.Shape) *Node {
		return AddScalar(Zeros(g, shape), value)
	}
}
