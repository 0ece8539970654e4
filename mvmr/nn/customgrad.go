package nn

import (
	. "github.com/gomlx/gomlx/core/graph"
)

// withGradient returns forward(inputs) with hand-written gradients: during back-propagation,
// backward(out, v) receives the forward output and v, the gradient with respect to it, and
// returns the gradient with respect to each input (nil: keep GoMLX's autodiff gradient for that
// input). backward runs at most once per gradient computation, when the first input's gradient
// is needed.
//
// GoMLX v0.28 offers custom gradients only on identities (IdentityWithCustomGradient), so this
// is built from identities: each input goes through one whose gradient function returns
// backward's result, and the output through one whose gradient function records v. Back-
// propagation visits nodes in reverse creation order, so the output identity (created last)
// always runs before the input ones. The autodiff gradients that backward replaces are built
// but never used, and the backend's dead-code elimination drops them before execution.
//
// It exists for the pure-Go backend, whose generic autodiff of the im2col convolution,
// BatchNorm and ReLU costs several passes over the activations (and transposes) that the
// textbook backward formulas avoid. Tests: TestIm2colGradientsMatchReference,
// TestBatchNormReluGradientMatchesReference, TestReluGradientIsZeroAtZero and the blocks'
// TestResidualBlocksMatchFloat64Reference.
func withGradient(inputs []*Node, forward func(in []*Node) *Node, backward func(out, v *Node) []*Node) *Node {
	var out, v *Node
	var grads []*Node
	wrapped := make([]*Node, len(inputs))
	for i, x := range inputs {
		wrapped[i] = IdentityWithCustomGradient(x, func(_, autodiff *Node) *Node {
			if v == nil {
				return autodiff
			}
			if grads == nil {
				grads = backward(out, v)
			}
			if grads[i] == nil {
				return autodiff
			}
			return grads[i]
		})
	}
	out = forward(wrapped)
	return IdentityWithCustomGradient(out, func(_, g *Node) *Node {
		v, grads = g, nil // a new gradient computation
		return g
	})
}

// Relu is max(x, 0) with PyTorch's gradient: v where the output is positive, 0 elsewhere (also
// at x = 0, where GoMLX's Max would pass the whole gradient), computed as v·sign(output) in two
// passes instead of autodiff's five.
func Relu(x *Node) *Node {
	return withGradient([]*Node{x}, func(in []*Node) *Node {
		return Max(in[0], ScalarZero(x.Graph(), x.DType()))
	}, func(out, v *Node) []*Node {
		return []*Node{Mul(v, Sign(out))}
	})
}
