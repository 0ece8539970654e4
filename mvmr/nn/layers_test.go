package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// referenceConv is a direct float64 NHWC convolution with kernel [k·k·cin, cout] ordered
// (row, column, input channel), zero padding.
func referenceConv(x []float64, b, h, w, cin int, kernel []float64, k, cout, stride, pad int) ([]float64, int, int) {
	oh, ow := (h+2*pad-k)/stride+1, (w+2*pad-k)/stride+1
	out := make([]float64, b*oh*ow*cout)
	for n := range b {
		for i := range oh {
			for j := range ow {
				for o := range cout {
					var s float64
					for di := range k {
						for dj := range k {
							y, xx := i*stride+di-pad, j*stride+dj-pad
							if y < 0 || xx < 0 || y >= h || xx >= w {
								continue
							}
							for c := range cin {
								s += x[((n*h+y)*w+xx)*cin+c] * kernel[((di*k+dj)*cin+c)*cout+o]
							}
						}
					}
					out[((n*oh+i)*ow+j)*cout+o] = s
				}
			}
		}
	}
	return out, oh, ow
}

// runModel builds fn in a fresh Store whose variables are set from values (by path) and runs it.
func runModel(t *testing.T, values map[string]*tensors.Tensor, fn func(scope *model.Scope, x *Node) *Node, x *tensors.Tensor) []float64 {
	t.Helper()
	store := model.NewStore()
	for path, v := range values {
		if _, err := store.CreateVariable(path, v); err != nil {
			t.Fatal(err)
		}
	}
	exec, err := model.NewExec(testutil.Backend(t), store, fn)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(x)
	if err != nil {
		t.Fatal(err)
	}
	return testutil.Flat64(t, out[0])
}

func TestConvMatchesDirectConvolution(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, tc := range []struct{ b, h, w, cin, cout, k, stride, pad int }{
		{2, 7, 7, 3, 4, 3, 2, 1},
		{1, 6, 5, 2, 3, 3, 1, 1},
		{2, 8, 8, 1, 2, 5, 3, 2},
		{1, 4, 4, 2, 2, 1, 1, 0},
	} {
		x := testutil.RandomMatrix(rng, 1, tc.b*tc.h*tc.w*tc.cin).Data
		kernel := testutil.RandomMatrix(rng, tc.k*tc.k*tc.cin, tc.cout).Data
		want, oh, ow := referenceConv(x, tc.b, tc.h, tc.w, tc.cin, kernel, tc.k, tc.cout, tc.stride, tc.pad)
		got := runModel(t,
			map[string]*tensors.Tensor{"/conv/weights": tensors.FromFlatDataAndDimensions(kernel, tc.k*tc.k*tc.cin, tc.cout)},
			func(scope *model.Scope, x *Node) *Node {
				out := Conv(scope.In("conv"), x, tc.cout).Kernel(tc.k).Stride(tc.stride).Padding(tc.pad).Done()
				out.AssertDims(tc.b, oh, ow, tc.cout)
				return out
			}, tensors.FromFlatDataAndDimensions(x, tc.b, tc.h, tc.w, tc.cin))
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-10 {
				t.Fatalf("%+v: output[%d] = %g, direct convolution %g", tc, i, got[i], want[i])
			}
		}
	}
}

func TestConvGradientMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	const b, h, w, cin, cout = 2, 5, 5, 2, 3
	x := testutil.RandomMatrix(rng, 1, b*h*w*cin).Data
	kernel := testutil.RandomMatrix(rng, 9*cin, cout).Data
	target := testutil.RandomMatrix(rng, 1, b*3*3*cout).Data
	// loss = Σ (conv(x) - target)² / 2 with stride 2: gradient w.r.t. the input and the kernel.
	lossOf := func(x, kernel []float64) float64 {
		out, _, _ := referenceConv(x, b, h, w, cin, kernel, 3, cout, 2, 1)
		var s float64
		for i := range out {
			s += (out[i] - target[i]) * (out[i] - target[i]) / 2
		}
		return s
	}
	grads := runModel(t,
		map[string]*tensors.Tensor{"/conv/weights": tensors.FromFlatDataAndDimensions(kernel, 9*cin, cout)},
		func(scope *model.Scope, xn *Node) *Node {
			out := Conv(scope.In("conv"), xn, cout).Stride(2).Done()
			diff := Sub(out, Const(xn.Graph(), tensors.FromFlatDataAndDimensions(target, b, 3, 3, cout)))
			loss := MulScalar(ReduceAllSum(Square(diff)), 0.5)
			weights := scope.Store().GetVariable("/conv/weights").NodeValue(xn.Graph())
			g := Gradient(loss, xn, weights)
			return Concatenate([]*Node{Reshape(g[0], -1), Reshape(g[1], -1)}, 0)
		}, tensors.FromFlatDataAndDimensions(x, b, h, w, cin))
	const eps = 1e-6
	check := func(name string, values []float64, offset int, indices []int) {
		for _, i := range indices {
			orig := values[i]
			values[i] = orig + eps
			plus := lossOf(x, kernel)
			values[i] = orig - eps
			minus := lossOf(x, kernel)
			values[i] = orig
			fd := (plus - minus) / (2 * eps)
			if math.Abs(fd-grads[offset+i]) > 1e-5*(1+math.Abs(fd)) {
				t.Errorf("d loss / d %s[%d]: autodiff %.8g, finite differences %.8g", name, i, grads[offset+i], fd)
			}
		}
	}
	check("x", x, 0, []int{0, 7, 23, 49, len(x) - 1})
	check("kernel", kernel, len(x), []int{0, 5, 17, len(kernel) - 1})
}

func TestBatchNormTrainingAndEvaluation(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	const n, f = 10, 3
	x := testutil.RandomMatrix(rng, n, f)
	for i := range x.Data {
		x.Data[i] = x.Data[i]*float64(1+i%f) + float64(i%f)
	}
	gamma := []float64{1.5, -0.5, 2}
	beta := []float64{0.1, 0.2, -0.3}
	runningMean := []float64{0.5, -1, 2}
	runningVar := []float64{2, 0.5, 1}
	vars := func() map[string]*tensors.Tensor {
		return map[string]*tensors.Tensor{
			"/bn/gamma": tensors.FromValue(gamma), "/bn/beta": tensors.FromValue(beta),
			"/bn/running_mean": tensors.FromValue(runningMean), "/bn/running_var": tensors.FromValue(runningVar),
		}
	}
	// Training mode: batch statistics (biased variance) in the output, unbiased variance in the
	// running average, momentum 0.1 — PyTorch's nn.BatchNorm1d.
	got := runModel(t, vars(), func(scope *model.Scope, xn *Node) *Node {
		scope.Store().SetTraining(xn.Graph(), true)
		y := BatchNorm(scope.In("bn"), xn)
		g := xn.Graph()
		rm := scope.Store().GetVariable("/bn/running_mean").NodeValue(g)
		rv := scope.Store().GetVariable("/bn/running_var").NodeValue(g)
		return Concatenate([]*Node{Reshape(y, -1), rm, rv}, 0)
	}, testutil.TensorOf(x, dtypes.Float64))
	for j := range f {
		var mean, ss float64
		for i := range n {
			mean += x.At(i, j) / n
		}
		for i := range n {
			ss += (x.At(i, j) - mean) * (x.At(i, j) - mean)
		}
		biased, unbiased := ss/n, ss/(n-1)
		for i := range n {
			want := (x.At(i, j)-mean)/math.Sqrt(biased+BatchNormEpsilon)*gamma[j] + beta[j]
			if math.Abs(got[i*f+j]-want) > 1e-10 {
				t.Errorf("training output[%d,%d] = %g, want %g", i, j, got[i*f+j], want)
			}
		}
		if want := 0.9*runningMean[j] + 0.1*mean; math.Abs(got[n*f+j]-want) > 1e-12 {
			t.Errorf("running_mean[%d] = %g, want %g", j, got[n*f+j], want)
		}
		if want := 0.9*runningVar[j] + 0.1*unbiased; math.Abs(got[n*f+f+j]-want) > 1e-12 {
			t.Errorf("running_var[%d] = %g, want %g", j, got[n*f+f+j], want)
		}
	}
	// Evaluation mode: running statistics.
	got = runModel(t, vars(), func(scope *model.Scope, xn *Node) *Node {
		return BatchNorm(scope.In("bn"), xn)
	}, testutil.TensorOf(x, dtypes.Float64))
	for i := range n {
		for j := range f {
			want := (x.At(i, j)-runningMean[j])/math.Sqrt(runningVar[j]+BatchNormEpsilon)*gamma[j] + beta[j]
			if math.Abs(got[i*f+j]-want) > 1e-10 {
				t.Errorf("evaluation output[%d,%d] = %g, want %g", i, j, got[i*f+j], want)
			}
		}
	}
}

func TestEncoderShapesAndProjectorSpec(t *testing.T) {
	config := EncoderConfig{Channels: []int{4, 8}, Strides: []int{2, 2}, Head: HeadFlatten, Projector: "16-6"}
	if got := config.HDim(28, 28); got != 7*7*8 {
		t.Errorf("HDim(28, 28) = %d, want %d", got, 7*7*8)
	}
	store := model.NewStore()
	exec, err := model.NewExec(testutil.Backend(t), store, func(scope *model.Scope, x *Node) (*Node, *Node) {
		return config.Encode(scope.In("encoder"), x)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromShape(shapes.Make(dtypes.Float32, 5, 28, 28, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if !out[0].Shape().Equal(shapes.Make(dtypes.Float32, 5, 392)) || !out[1].Shape().Equal(shapes.Make(dtypes.Float32, 5, 6)) {
		t.Errorf("Encode: h %s, z %s; want [5, 392] and [5, 6]", out[0].Shape(), out[1].Shape())
	}
	// Linear(no bias)-BN-ReLU-Linear(no bias): 392·16 + 2·16 (gamma, beta) + 16·6 trainable, plus
	// the convolutions' kernels and BatchNorms.
	var projector int
	for v := range store.IterVariables() {
		if v.Trainable && len(v.Path()) > 18 && v.Path()[:18] == "/encoder/projector" {
			projector += v.Shape().Size()
		}
	}
	if want := 392*16 + 2*16 + 16*6; projector != want {
		t.Errorf("projector has %d trainable parameters, want %d", projector, want)
	}

	for spec, want := range map[string]string{"": "empty", "512-x": `layer 2 is "x"`, "512--2": "layer 2", "0": "layer 1"} {
		if _, err := ParseProjectorSpec(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseProjectorSpec(%q) = %v, want an error containing %q", spec, err, want)
		}
	}
	if widths, err := ParseProjectorSpec("8192-8192-8192"); err != nil || len(widths) != 3 || widths[2] != 8192 {
		t.Errorf(`ParseProjectorSpec("8192-8192-8192") = %v, %v`, widths, err)
	}
}
