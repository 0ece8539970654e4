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

// The native convolution and the im2col one read the same kernel and give the same values and
// gradients.
func TestNativeConvMatchesIm2Col(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, tc := range []struct{ b, h, w, cin, cout, k, stride, pad int }{
		{2, 7, 7, 3, 4, 3, 2, 1},
		{1, 6, 5, 2, 3, 3, 1, 1},
		{2, 9, 9, 3, 2, 7, 2, 3},
		{1, 4, 4, 2, 5, 1, 2, 0},
	} {
		x := testutil.RandomMatrix(rng, 1, tc.b*tc.h*tc.w*tc.cin).Data
		kernel := testutil.RandomMatrix(rng, tc.k*tc.k*tc.cin, tc.cout).Data
		want, oh, ow := referenceConv(x, tc.b, tc.h, tc.w, tc.cin, kernel, tc.k, tc.cout, tc.stride, tc.pad)
		r := testutil.RandomMatrix(rng, 1, len(want)).Data
		run := func(mode string) []float64 {
			return runModel(t,
				map[string]*tensors.Tensor{"/conv/weights": tensors.FromFlatDataAndDimensions(kernel, tc.k*tc.k*tc.cin, tc.cout)},
				func(scope *model.Scope, xn *Node) *Node {
					scope.SetParam(ParamConvMode, mode)
					out := Conv(scope.In("conv"), xn, tc.cout).Kernel(tc.k).Stride(tc.stride).Padding(tc.pad).Done()
					out.AssertDims(tc.b, oh, ow, tc.cout)
					loss := ReduceAllSum(Mul(out, Const(xn.Graph(), tensors.FromFlatDataAndDimensions(r, tc.b, oh, ow, tc.cout))))
					w := scope.Store().GetVariable("/conv/weights").NodeValue(xn.Graph())
					grads := Gradient(loss, xn, w)
					return Concatenate([]*Node{Reshape(out, -1), Reshape(grads[0], -1), Reshape(grads[1], -1)}, 0)
				}, tensors.FromFlatDataAndDimensions(x, tc.b, tc.h, tc.w, tc.cin))
		}
		native, im2col := run(ConvNative), run(ConvIm2Col)
		for i := range want {
			if math.Abs(native[i]-want[i]) > 1e-10 {
				t.Fatalf("%+v: native conv[%d] = %g, reference %g", tc, i, native[i], want[i])
			}
		}
		for i := range native {
			if math.Abs(native[i]-im2col[i]) > 1e-10 {
				t.Fatalf("%+v: value or gradient %d: native %g, im2col %g", tc, i, native[i], im2col[i])
			}
		}
	}
	if _, err := ParseConvMode("winograd"); err == nil {
		t.Errorf("ParseConvMode accepted winograd")
	}
	for value, want := range map[string]string{"": ConvAuto, " auto": ConvAuto, "native": ConvNative, "im2col ": ConvIm2Col} {
		if got, err := ParseConvMode(value); err != nil || got != want {
			t.Errorf("ParseConvMode(%q) = %q, %v; want %q", value, got, err, want)
		}
	}
}

func TestConvModeAutoPicksIm2ColOnGoBackend(t *testing.T) {
	g := NewGraph(testutil.Backend(t), "probe")
	defer g.Finalize()
	scope := model.NewStore().RootScope()
	if useNativeConv(scope, g) {
		t.Errorf("auto conv mode picks the native convolution on %q; want im2col (11x faster there)", g.Backend().Name())
	}
	scope.SetParam(ParamConvMode, ConvNative)
	if !useNativeConv(scope.In("layer"), g) {
		t.Errorf("%s=%s does not select the native convolution", ParamConvMode, ConvNative)
	}
}
