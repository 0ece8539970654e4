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

// referenceConvGrads returns, in float64, the gradients of Σ r·conv(x) with respect to x and the
// kernel ([k·k·cin, cout], rows ordered (row, column, channel)) for an NHWC convolution.
func referenceConvGrads(x []float64, b, h, w, cin int, kernel []float64, k, cout, stride, pad int, r []float64) (dx, dk []float64) {
	oh, ow := (h+2*pad-k)/stride+1, (w+2*pad-k)/stride+1
	dx, dk = make([]float64, len(x)), make([]float64, len(kernel))
	for n := range b {
		for i := range oh {
			for j := range ow {
				for di := range k {
					for dj := range k {
						y, xx := i*stride+di-pad, j*stride+dj-pad
						if y < 0 || xx < 0 || y >= h || xx >= w {
							continue
						}
						for c := range cin {
							for o := range cout {
								g := r[((n*oh+i)*ow+j)*cout+o]
								dx[((n*h+y)*w+xx)*cin+c] += g * kernel[((di*k+dj)*cin+c)*cout+o]
								dk[((di*k+dj)*cin+c)*cout+o] += g * x[((n*h+y)*w+xx)*cin+c]
							}
						}
					}
				}
			}
		}
	}
	return dx, dk
}

// The im2col convolution's hand-written gradients (weight gradient as (vᵀ·patches)ᵀ, input
// gradient of stride-1 convolutions as a transposed convolution, of 3×3 stride-2 ones on even
// sizes by output parity) equal the float64 gradients, for every padding a stride-1 kernel
// allows, for other strided kernels (autodiff input gradient), when
// the same weights serve two inputs (the two views), and when one graph takes two gradients.
func TestIm2colGradientsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, tc := range []struct{ b, h, w, cin, cout, k, stride, pad int }{
		{2, 5, 6, 3, 4, 3, 1, 1},
		{1, 6, 5, 2, 3, 3, 1, 0},
		{1, 5, 5, 2, 3, 3, 1, 2},
		{2, 7, 7, 2, 3, 5, 1, 2},
		{2, 4, 4, 3, 5, 1, 1, 0},
		{2, 7, 7, 3, 4, 3, 2, 1},
		{2, 6, 8, 3, 4, 3, 2, 1}, // even sizes: per-tap products scattered by parity (col2imK3S2)
		{1, 2, 4, 2, 3, 3, 2, 1},
		{1, 5, 5, 4, 2, 1, 2, 0},
		{2, 6, 6, 1, 12, 3, 2, 1}, // k·k·cin < cout: the weight gradient transposes the patches, not v
		{1, 5, 5, 1, 10, 3, 1, 1},
		{2, 7, 5, 2, 3, 3, 2, 1}, // odd sizes padded to even for the parity gradient
	} {
		n := tc.b * tc.h * tc.w * tc.cin
		x1, x2 := testutil.RandomMatrix(rng, 1, n).Data, testutil.RandomMatrix(rng, 1, n).Data
		kernel := testutil.RandomMatrix(rng, tc.k*tc.k*tc.cin, tc.cout).Data
		out1, oh, ow := referenceConv(x1, tc.b, tc.h, tc.w, tc.cin, kernel, tc.k, tc.cout, tc.stride, tc.pad)
		r1, r2 := testutil.RandomMatrix(rng, 1, len(out1)).Data, testutil.RandomMatrix(rng, 1, len(out1)).Data
		dx1, dk1 := referenceConvGrads(x1, tc.b, tc.h, tc.w, tc.cin, kernel, tc.k, tc.cout, tc.stride, tc.pad, r1)
		dx2, dk2 := referenceConvGrads(x2, tc.b, tc.h, tc.w, tc.cin, kernel, tc.k, tc.cout, tc.stride, tc.pad, r2)

		got := runModel(t,
			map[string]*tensors.Tensor{"/conv/weights": tensors.FromFlatDataAndDimensions(kernel, tc.k*tc.k*tc.cin, tc.cout)},
			func(scope *model.Scope, xs *Node) *Node {
				scope.SetParam(ParamConvMode, ConvIm2Col)
				g := xs.Graph()
				xa, xb := Squeeze(Slice(xs, AxisElem(0)), 0), Squeeze(Slice(xs, AxisElem(1)), 0)
				conv := func(sc *model.Scope, x *Node) *Node {
					return Conv(sc, x, tc.cout).Kernel(tc.k).Stride(tc.stride).Padding(tc.pad).Done()
				}
				ya, yb := conv(scope.In("conv"), xa), conv(scope.Shared("conv"), xb)
				ya.AssertDims(tc.b, oh, ow, tc.cout)
				ra := Const(g, tensors.FromFlatDataAndDimensions(r1, tc.b, oh, ow, tc.cout))
				rb := Const(g, tensors.FromFlatDataAndDimensions(r2, tc.b, oh, ow, tc.cout))
				w := scope.Store().GetVariable("/conv/weights").NodeValue(g)
				// First gradient: view a alone. Second: both views sharing the kernel.
				ga := Gradient(ReduceAllSum(Mul(ya, ra)), xa, w)
				gab := Gradient(Add(ReduceAllSum(Mul(ya, ra)), ReduceAllSum(Mul(yb, rb))), xa, xb, w)
				parts := []*Node{Reshape(ya, -1)}
				for _, gr := range append(ga, gab...) {
					parts = append(parts, Reshape(gr, -1))
				}
				return Concatenate(parts, 0)
			}, tensors.FromFlatDataAndDimensions(append(append([]float64(nil), x1...), x2...), 2, tc.b, tc.h, tc.w, tc.cin))

		dkSum := make([]float64, len(dk1))
		for i := range dkSum {
			dkSum[i] = dk1[i] + dk2[i]
		}
		offset := 0
		for _, want := range []struct {
			name string
			v    []float64
		}{
			{"output", out1}, {"d/dx (one view)", dx1}, {"d/dkernel (one view)", dk1},
			{"d/dx1 (two views)", dx1}, {"d/dx2 (two views)", dx2}, {"d/dkernel (two views)", dkSum},
		} {
			for i, v := range want.v {
				if g := got[offset+i]; math.Abs(g-v) > 1e-10*(1+math.Abs(v)) {
					t.Fatalf("%+v: %s[%d] = %.12g, float64 reference %.12g", tc, want.name, i, g, v)
				}
			}
			offset += len(want.v)
		}
	}
}
