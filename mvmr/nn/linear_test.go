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

// Linear's hand-written gradients (matmul: dx = v·wᵀ, dw = xᵀ·v) equal the float64 ones of
// Σ r·(x·W + b), for one input and for two inputs sharing the layer (the two views).
func TestLinearGradientMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	const batch, in, out = 3, 5, 4
	x1, x2 := testutil.RandomMatrix(rng, batch, in).Data, testutil.RandomMatrix(rng, batch, in).Data
	w := testutil.RandomMatrix(rng, in, out).Data
	bias := testutil.RandomMatrix(rng, 1, out).Data
	r1, r2 := testutil.RandomMatrix(rng, batch, out).Data, testutil.RandomMatrix(rng, batch, out).Data
	forward := func(x []float64) []float64 {
		y := make([]float64, batch*out)
		for i := range batch {
			for o := range out {
				y[i*out+o] = bias[o]
				for k := range in {
					y[i*out+o] += x[i*in+k] * w[k*out+o]
				}
			}
		}
		return y
	}
	grads := func(x, r []float64) (dx, dw, db []float64) {
		dx, dw, db = make([]float64, batch*in), make([]float64, in*out), make([]float64, out)
		for i := range batch {
			for o := range out {
				db[o] += r[i*out+o]
				for k := range in {
					dx[i*in+k] += r[i*out+o] * w[k*out+o]
					dw[k*out+o] += r[i*out+o] * x[i*in+k]
				}
			}
		}
		return dx, dw, db
	}
	dx1, dw1, db1 := grads(x1, r1)
	dx2, dw2, db2 := grads(x2, r2)
	sum := func(a, b []float64) []float64 {
		s := make([]float64, len(a))
		for i := range s {
			s[i] = a[i] + b[i]
		}
		return s
	}
	got := runModel(t, map[string]*tensors.Tensor{
		"/fc/weights": tensors.FromFlatDataAndDimensions(w, in, out),
		"/fc/bias":    tensors.FromFlatDataAndDimensions(bias, out),
	}, func(scope *model.Scope, xs *Node) *Node {
		g := xs.Graph()
		xa, xb := Squeeze(Slice(xs, AxisElem(0)), 0), Squeeze(Slice(xs, AxisElem(1)), 0)
		ya, yb := Linear(scope.In("fc"), xa, out, true), Linear(scope.Shared("fc"), xb, out, true)
		ra := Const(g, tensors.FromFlatDataAndDimensions(r1, batch, out))
		rb := Const(g, tensors.FromFlatDataAndDimensions(r2, batch, out))
		wn := scope.Store().GetVariable("/fc/weights").NodeValue(g)
		bn := scope.Store().GetVariable("/fc/bias").NodeValue(g)
		ga := Gradient(ReduceAllSum(Mul(ya, ra)), xa, wn, bn)
		gab := Gradient(Add(ReduceAllSum(Mul(ya, ra)), ReduceAllSum(Mul(yb, rb))), xa, xb, wn, bn)
		parts := []*Node{Reshape(ya, -1)}
		for _, gr := range append(ga, gab...) {
			parts = append(parts, Reshape(gr, -1))
		}
		return Concatenate(parts, 0)
	}, tensors.FromFlatDataAndDimensions(append(append([]float64(nil), x1...), x2...), 2, batch, in))
	offset := 0
	for _, want := range []struct {
		name string
		v    []float64
	}{
		{"output", forward(x1)}, {"d/dx", dx1}, {"d/dW", dw1}, {"d/db", db1},
		{"d/dx1 (two inputs)", dx1}, {"d/dx2 (two inputs)", dx2}, {"d/dW (two inputs)", sum(dw1, dw2)},
		{"d/db (two inputs)", sum(db1, db2)},
	} {
		for i, v := range want.v {
			if g := got[offset+i]; math.Abs(g-v) > 1e-10*(1+math.Abs(v)) {
				t.Fatalf("%s[%d] = %.12g, float64 reference %.12g", want.name, i, g, v)
			}
		}
		offset += len(want.v)
	}
}
