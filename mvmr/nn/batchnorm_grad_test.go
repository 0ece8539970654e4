package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// The fused BatchNorm + ReLU of training graphs: values equal the float64 reference, and the
// hand-written gradients w.r.t. x, gamma and beta equal central finite differences of the float64
// reference, at every element, for a 2-D (projector) and a 4-D (convolution) input.
func TestBatchNormReluGradientMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	for _, dims := range [][]int{{6, 3}, {2, 3, 2, 4}} {
		c := dims[len(dims)-1]
		size := 1
		for _, d := range dims {
			size *= d
		}
		x := testutil.RandomMatrix(rng, 1, size).Data
		gamma, beta := testutil.RandomMatrix(rng, 1, c).Data, testutil.RandomMatrix(rng, 1, c).Data
		r := testutil.RandomMatrix(rng, 1, size).Data
		forward := func() []float64 { return refRelu(refBatchNorm(x, c, gamma, beta)) }
		lossOf := func() float64 {
			var s float64
			for i, v := range forward() {
				s += v * r[i]
			}
			return s
		}
		want := forward()
		got := runModel(t, map[string]*tensors.Tensor{
			"/bn/gamma": tensors.FromFlatDataAndDimensions(append([]float64(nil), gamma...), c),
			"/bn/beta":  tensors.FromFlatDataAndDimensions(append([]float64(nil), beta...), c),
		}, func(scope *model.Scope, xn *Node) *Node {
			g := xn.Graph()
			scope.Store().SetTraining(g, true)
			out := BatchNormRelu(scope.In("bn"), xn)
			loss := ReduceAllSum(Mul(out, Const(g, tensors.FromFlatDataAndDimensions(r, dims...))))
			grads := Gradient(loss, xn,
				scope.Store().GetVariable("/bn/gamma").NodeValue(g), scope.Store().GetVariable("/bn/beta").NodeValue(g))
			return Concatenate([]*Node{Reshape(out, -1), Reshape(grads[0], -1), grads[1], grads[2]}, 0)
		}, tensors.FromFlatDataAndDimensions(x, dims...))
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-10 {
				t.Fatalf("%v: output[%d] = %.12g, reference %.12g", dims, i, got[i], want[i])
			}
		}
		offset := len(want)
		const eps = 1e-6
		for _, p := range []struct {
			name string
			v    []float64
		}{{"x", x}, {"gamma", gamma}, {"beta", beta}} {
			for i := range p.v {
				orig := p.v[i]
				p.v[i] = orig + eps
				plus := lossOf()
				p.v[i] = orig - eps
				minus := lossOf()
				p.v[i] = orig
				fd := (plus - minus) / (2 * eps)
				if g := got[offset+i]; math.Abs(g-fd) > 1e-6*(1+math.Abs(fd)) {
					t.Errorf("%v: d loss / d %s[%d] = %.10g, finite differences %.10g", dims, p.name, i, g, fd)
				}
			}
			offset += len(p.v)
		}
	}
}

// Relu passes the gradient where its output is positive and nothing where it is 0, x = 0
// included (PyTorch's threshold backward; GoMLX's Max would pass it all at x = 0).
func TestReluGradientIsZeroAtZero(t *testing.T) {
	x := []float64{-2, -0.5, 0, 0, 0.25, 3}
	got := runModel(t, nil, func(_ *model.Scope, xn *Node) *Node {
		out := Relu(xn)
		return Concatenate([]*Node{out, Gradient(ReduceAllSum(MulScalar(out, 2)), xn)[0]}, 0)
	}, tensors.FromFlatDataAndDimensions(x, len(x)))
	want := []float64{0, 0, 0, 0, 0.25, 3, 0, 0, 0, 0, 2, 2}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Relu value and gradient %v; want %v", got, want)
		}
	}
}
