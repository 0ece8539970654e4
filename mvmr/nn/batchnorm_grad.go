package nn

import (
	. "github.com/gomlx/gomlx/core/graph"
)

// batchNormTraining normalises x ([batch, ..., features]) with its batch statistics over every
// axis but the last, scales by gamma and shifts by beta ([features]), then applies ReLU when
// relu is set. It returns the output with the batch mean and the biased batch variance (for the
// running statistics).
//
// The values are the plain formulation's; the gradients are the textbook BatchNorm backward
// (withGradient) instead of GoMLX's autodiff through the mean, the variance and the
// normalisation, with the ReLU folded in (PyTorch's convention: no gradient where the output is
// 0). With M rows, x̂ = (x-μ)/σ and dy = v·1[out > 0] (or v without relu):
//
//	dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ/σ · (dy − dβ/M − x̂·dγ/M)
//
// about eight passes over the activations where autodiff takes over twenty on the pure-Go backend.
// TestResidualBlocksMatchFloat64Reference and TestBatchNormReluGradientMatchesReference check it.
func batchNormTraining(x, gamma, beta *Node, relu bool) (out, mean, variance *Node) {
	features := x.Shape().Dim(-1)
	rows := float64(x.Shape().Size() / features)
	axes := make([]int, x.Rank()-1)
	for i := range axes {
		axes[i] = i
	}
	broadcast := func(v *Node) *Node { // [features] -> [1, ..., 1, features]
		return Reshape(v, append(make1s(x.Rank()-1), features)...)
	}
	var centred, invStd *Node
	out = withGradient([]*Node{x, gamma, beta}, func(in []*Node) *Node {
		mean = ReduceMean(in[0], axes...)
		centred = Sub(in[0], broadcast(mean))
		variance = ReduceMean(Square(centred), axes...)
		invStd = Reciprocal(Sqrt(AddScalar(variance, BatchNormEpsilon)))
		y := Add(Mul(centred, broadcast(Mul(in[1], invStd))), broadcast(in[2]))
		if relu {
			y = Max(y, ScalarZero(y.Graph(), y.DType()))
		}
		return y
	}, func(out, v *Node) []*Node {
		dy := v
		if relu {
			dy = Mul(v, Sign(out)) // out ≥ 0: sign is 1 where positive, 0 where clipped
		}
		dBeta := ReduceSum(dy, axes...)
		dyCentred := ReduceSum(Mul(dy, centred), axes...) // Σ dy·(x-μ) = σ·dγ
		scale := Mul(gamma, invStd)                       // γ/σ
		// dx = γ/σ·dy − γ/σ·dβ/M − (x-μ)·γ/σ³·Σ dy·(x-μ)/M
		k := MulScalar(Mul(scale, Mul(Square(invStd), dyCentred)), -1/rows)
		shift := MulScalar(Mul(scale, dBeta), -1/rows)
		dx := Add(Add(Mul(dy, broadcast(scale)), Mul(centred, broadcast(k))), broadcast(shift))
		return []*Node{dx, Mul(dyCentred, invStd), dBeta}
	})
	return out, mean, variance
}
