package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// buildEncoder runs config.Encode once on a zero batch of the given size (BatchNorm in evaluation
// mode) and returns the store with the initialised variables and the shapes of h and z.
func buildEncoder(t *testing.T, config EncoderConfig, b, h, w, c int) (*model.Store, shapes.Shape, shapes.Shape) {
	t.Helper()
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(1); err != nil {
		t.Fatal(err)
	}
	exec, err := model.NewExec(testutil.Backend(t), store, func(scope *model.Scope, x *Node) (*Node, *Node) {
		return config.Encode(scope.In("encoder"), x)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromShape(shapes.Make(dtypes.Float32, b, h, w, c)))
	if err != nil {
		t.Fatal(err)
	}
	return store, out[0].Shape(), out[1].Shape()
}

// backboneParams counts the trainable backbone parameters (conv kernels, BatchNorm gamma and
// beta), as torchvision's sum(p.numel() for p in model.parameters()) without fc.
func backboneParams(store *model.Store) int {
	n := 0
	for v := range store.IterVariables() {
		if v.Trainable && strings.HasPrefix(v.Path(), "/encoder/backbone/") {
			n += v.Shape().Size()
		}
	}
	return n
}

func TestResNetParameterCountsEqualTorchvision(t *testing.T) {
	if testing.Short() {
		t.Skip("initialises 35M parameters")
	}
	for _, tc := range []struct {
		config EncoderConfig
		want   int
		hDim   int
	}{
		// torchvision: sum of parameters of resnet50() / resnet18() minus fc (2048·1000+1000,
		// 512·1000+1000).
		{ResNetConfig(ArchResNet50, false, "16"), 23508032, 2048},
		{ResNetConfig(ArchResNet18, false, "16"), 11176512, 512},
		// small_kernel: conv1 3·3·3·64 = 1728 instead of 7·7·3·64 = 9408.
		{ResNetConfig(ArchResNet18, true, "16"), 11176512 - 9408 + 1728, 512},
		// CRD resnet8x4: 864 + 64 (stem) + 57728 + 230144 + 919040 (three stages with their
		// downsample convs and BNs); with its 100-class fc (25700) the 1.23M the CRD paper lists.
		{ResNetConfig(ArchResNet8x4, false, "16"), 1207840, 256},
	} {
		store, hShape, zShape := buildEncoder(t, tc.config, 2, 32, 32, 3)
		if got := backboneParams(store); got != tc.want {
			t.Errorf("%s small_kernel=%v: %d backbone parameters, want %d", tc.config.Arch, tc.config.SmallKernel, got, tc.want)
		}
		if hShape.Dim(1) != tc.hDim || tc.config.HDim(32, 32) != tc.hDim || zShape.Dim(1) != 16 {
			t.Errorf("%s: h %s (HDim %d), z %s; want h dim %d, z dim 16", tc.config.Arch, hShape, tc.config.HDim(32, 32), zShape, tc.hDim)
		}
	}
}

func TestResNetZeroInitResidualAndStem(t *testing.T) {
	config := ResNetConfig(ArchResNet18, true, "8")
	store, _, _ := buildEncoder(t, config, 2, 8, 8, 3)
	var zero, one []string
	for v := range store.IterVariables() {
		if !strings.HasSuffix(v.Path(), "/gamma") || !strings.HasPrefix(v.Path(), "/encoder/backbone/") {
			continue
		}
		values := testutil.Flat32(v)
		if slices.Max(values) == 0 && slices.Min(values) == 0 {
			zero = append(zero, v.Path())
		} else if slices.Max(values) == 1 && slices.Min(values) == 1 {
			one = append(one, v.Path())
		}
	}
	// 8 BasicBlocks: their bn2 starts at 0; stem, bn1 and the 3 downsample BNs start at 1.
	if len(zero) != 8 || len(one) != 1+8+3 {
		t.Errorf("zero-initialised gammas %v, ones %v; want the 8 bn2 at 0 and 12 at 1", zero, one)
	}
	for _, p := range zero {
		if !strings.HasSuffix(p, "/bn2/gamma") {
			t.Errorf("%s starts at 0; only the last BN of a residual branch should", p)
		}
	}
	if w := store.GetVariable("/encoder/backbone/conv1/weights"); w.Shape().Dim(0) != 27 {
		t.Errorf("small_kernel conv1 kernel %s, want [27, 64] (3×3×3)", w.Shape())
	}
	// The replaced stem is a fresh nn.Conv2d: PyTorch's default U(±1/√27), standard deviation
	// (1/√27)/√3 = 0.111, not torchvision's kaiming_normal_(fan_out = 576), 0.059; a 3×3 layer
	// conv is still the latter.
	for _, tc := range []struct {
		path       string
		maxAbs, sd float64
	}{
		{"/encoder/backbone/conv1/weights", 1 / math.Sqrt(27), 1 / math.Sqrt(27*3)},
		{"/encoder/backbone/layer1/0/conv1/weights", math.Inf(1), math.Sqrt(2.0 / (9 * 64))},
	} {
		values := testutil.Flat32(store.GetVariable(tc.path))
		var sum2, maxAbs float64
		for _, v := range values {
			sum2 += float64(v) * float64(v)
			maxAbs = max(maxAbs, math.Abs(float64(v)))
		}
		sd := math.Sqrt(sum2 / float64(len(values)))
		if maxAbs > tc.maxAbs || math.Abs(sd-tc.sd) > 0.1*tc.sd {
			t.Errorf("%s: max |w| %.4f, rms %.4f; want at most %.4f and about %.4f", tc.path, maxAbs, sd, tc.maxAbs, tc.sd)
		}
	}
	// Spatial sizes: 32 → conv1 16 → maxpool 8 → 8, 4, 2, 1; small_kernel keeps the max pool
	// (as the official code does), NoMaxPool drops it.
	for _, tc := range []struct {
		c    EncoderConfig
		want int
	}{
		{ResNetConfig(ArchResNet50, false, "8"), 1},
		{ResNetConfig(ArchResNet50, true, "8"), 2},
		{EncoderConfig{Arch: ArchResNet50, SmallKernel: true, NoMaxPool: true, Projector: "8"}, 4},
		{ResNetConfig(ArchResNet8x4, false, "8"), 8},
	} {
		if h, w, _ := tc.c.FeatureShape(32, 32); h != tc.want || w != tc.want {
			t.Errorf("%+v: feature map %dx%d for 32x32, want %d", tc.c, h, w, tc.want)
		}
	}
}

func TestEncoderConfigRejectsBadArch(t *testing.T) {
	for _, tc := range []struct {
		c    EncoderConfig
		want string
	}{
		{EncoderConfig{Arch: "resnet34", Projector: "8"}, "encoder.arch"},
		{EncoderConfig{Arch: ArchResNet50, Channels: []int{8}, Strides: []int{1}, Projector: "8"}, "encoder.channels"},
		{EncoderConfig{Arch: ArchResNet50, Head: HeadFlatten, Projector: "8"}, "encoder.head"},
		{EncoderConfig{Arch: ArchResNet50, Projector: "8-x"}, "encoder.projector"},
		{EncoderConfig{Channels: []int{8}, Strides: []int{1}, Head: HeadFlatten, Projector: "8", SmallKernel: true}, "small_kernel"},
	} {
		if err := tc.c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate(%+v) = %v; want an error naming %q", tc.c, err, tc.want)
		}
	}
	if err := ResNetConfig(ArchResNet50, true, "8192-8192-8192").Validate(); err != nil {
		t.Errorf("the paper's encoder: %v", err)
	}
}

// refBatchNorm normalises x ([rows, c]) per channel with the biased batch variance (PyTorch
// training mode).
func refBatchNorm(x []float64, c int, gamma, beta []float64) []float64 {
	rows := len(x) / c
	out := make([]float64, len(x))
	for j := range c {
		var mean, ss float64
		for i := range rows {
			mean += x[i*c+j]
		}
		mean /= float64(rows)
		for i := range rows {
			ss += (x[i*c+j] - mean) * (x[i*c+j] - mean)
		}
		inv := 1 / math.Sqrt(ss/float64(rows)+BatchNormEpsilon)
		for i := range rows {
			out[i*c+j] = (x[i*c+j]-mean)*inv*gamma[j] + beta[j]
		}
	}
	return out
}

func refRelu(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = max(v, 0)
	}
	return out
}

// refBlock is a float64 reference of BasicBlock (bottleneck false) or BottleneckBlock with a
// downsample shortcut, BatchNorm in training mode. p holds the variables by path below "/block".
func refBlock(p map[string][]float64, x []float64, b, h, w, cin, planes, stride int, bottleneck bool) []float64 {
	conv := func(name string, in []float64, h, w, cin, cout, k, stride int) ([]float64, int, int) {
		return referenceConv(in, b, h, w, cin, p["/block/"+name+"/weights"], k, cout, stride, k/2)
	}
	bn := func(name string, in []float64, c int) []float64 {
		return refBatchNorm(in, c, p["/block/"+name+"/gamma"], p["/block/"+name+"/beta"])
	}
	var out []float64
	var oh, ow, cout int
	if bottleneck {
		cout = 4 * planes
		y, _, _ := conv("conv1", x, h, w, cin, planes, 1, 1)
		y = refRelu(bn("bn1", y, planes))
		y, oh, ow = conv("conv2", y, h, w, planes, planes, 3, stride)
		y = refRelu(bn("bn2", y, planes))
		y, _, _ = conv("conv3", y, oh, ow, planes, cout, 1, 1)
		out = bn("bn3", y, cout)
	} else {
		cout = planes
		y, oh1, ow1 := conv("conv1", x, h, w, cin, planes, 3, stride)
		y = refRelu(bn("bn1", y, planes))
		y, oh, ow = conv("conv2", y, oh1, ow1, planes, planes, 3, 1)
		out = bn("bn2", y, planes)
	}
	short, _, _ := conv("downsample/conv", x, h, w, cin, cout, 1, stride)
	short = bn("downsample/bn", short, cout)
	_ = oh * ow
	for i := range out {
		out[i] += short[i]
	}
	return refRelu(out)
}

func TestResidualBlocksMatchFloat64Reference(t *testing.T) {
	const b, h, w, cin, stride = 2, 5, 5, 3, 2
	for _, bottleneck := range []bool{false, true} {
		planes := 4
		if bottleneck {
			planes = 2
		}
		cout := planes
		if bottleneck {
			cout = 4 * planes
		}
		rng := rand.New(rand.NewPCG(71, uint64(planes)))
		dims := map[string][]int{
			"conv1/weights": {9 * cin, planes}, "bn1": {planes},
			"conv2/weights": {9 * planes, planes}, "bn2": {planes},
			"downsample/conv/weights": {cin, cout}, "downsample/bn": {cout},
		}
		if bottleneck {
			dims["conv1/weights"] = []int{cin, planes}
			dims["conv3/weights"] = []int{planes, cout}
			dims["bn3"] = []int{cout}
		}
		params := map[string][]float64{}
		values := map[string]*tensors.Tensor{}
		var names []string
		for name, d := range dims {
			size := 1
			for _, n := range d {
				size *= n
			}
			paths := []string{"/block/" + name}
			if !strings.HasSuffix(name, "weights") {
				paths = []string{"/block/" + name + "/gamma", "/block/" + name + "/beta"}
			}
			for _, path := range paths {
				v := testutil.RandomMatrix(rng, 1, size).Data
				if strings.HasSuffix(path, "gamma") {
					for i := range v {
						v[i] += 1.5 // away from 0, so every branch matters
					}
				}
				params[path] = v
				values[path] = tensors.FromFlatDataAndDimensions(slices.Clone(v), d...)
				names = append(names, path)
			}
		}
		slices.Sort(names)
		x := testutil.RandomMatrix(rng, 1, b*h*w*cin).Data
		oh := (h-1)/stride + 1
		r := testutil.RandomMatrix(rng, 1, b*oh*oh*cout).Data
		lossOf := func() float64 {
			out := refBlock(params, x, b, h, w, cin, planes, stride, bottleneck)
			var s float64
			for i := range out {
				s += out[i] * r[i]
			}
			return s
		}
		want := refBlock(params, x, b, h, w, cin, planes, stride, bottleneck)

		got := runModel(t, values, func(scope *model.Scope, xn *Node) *Node {
			g := xn.Graph()
			scope.Store().SetTraining(g, true)
			var out *Node
			if bottleneck {
				out = BottleneckBlock(scope.In("block"), xn, planes, stride, false)
			} else {
				out = BasicBlock(scope.In("block"), xn, planes, stride, false)
			}
			loss := ReduceAllSum(Mul(out, Const(g, tensors.FromFlatDataAndDimensions(r, b, oh, oh, cout))))
			wrt := []*Node{xn}
			for _, name := range names {
				wrt = append(wrt, scope.Store().GetVariable(name).NodeValue(g))
			}
			parts := []*Node{Reshape(out, -1)}
			for _, gr := range Gradient(loss, wrt...) {
				parts = append(parts, Reshape(gr, -1))
			}
			return Concatenate(parts, 0)
		}, tensors.FromFlatDataAndDimensions(x, b, h, w, cin))

		kind := map[bool]string{false: "BasicBlock", true: "Bottleneck"}[bottleneck]
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-9*(1+math.Abs(want[i])) {
				t.Fatalf("%s forward[%d] = %.12g, reference %.12g", kind, i, got[i], want[i])
			}
		}
		const eps = 1e-6
		offset := len(want)
		check := func(name string, v []float64) {
			for _, i := range []int{0, len(v) / 3, len(v) / 2, len(v) - 1} {
				orig := v[i]
				v[i] = orig + eps
				plus := lossOf()
				v[i] = orig - eps
				minus := lossOf()
				v[i] = orig
				fd := (plus - minus) / (2 * eps)
				if math.Abs(fd-got[offset+i]) > 1e-5*(1+math.Abs(fd)) {
					t.Errorf("%s d loss / d %s[%d]: autodiff %.8g, finite differences %.8g", kind, name, i, got[offset+i], fd)
				}
			}
			offset += len(v)
		}
		check("x", x)
		for _, name := range names {
			check(name, params[name])
		}
	}
}

func TestMaxPoolStemMatchesReference(t *testing.T) {
	// All values negative: the padding must never win the max (nn.MaxPool2d pads with -inf).
	const b, h, w, c = 1, 5, 4, 2
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float64, b*h*w*c)
	for i := range x {
		x[i] = -1 - rng.Float64()
	}
	got := testutil.Call1(t, testutil.Backend(t), func(in []*Node) *Node { return maxPool3x3Stride2(in[0]) },
		tensors.FromFlatDataAndDimensions(x, b, h, w, c))
	oh, ow := (h+2-3)/2+1, (w+2-3)/2+1
	if !got.Shape().Equal(shapes.Make(dtypes.Float64, b, oh, ow, c)) {
		t.Fatalf("max pool shape %s, want [1 %d %d 2]", got.Shape(), oh, ow)
	}
	values := testutil.Flat64(t, got)
	for i := range oh {
		for j := range ow {
			for ch := range c {
				want := math.Inf(-1)
				for di := -1; di <= 1; di++ {
					for dj := -1; dj <= 1; dj++ {
						y, xx := 2*i+di, 2*j+dj
						if y >= 0 && xx >= 0 && y < h && xx < w {
							want = max(want, x[(y*w+xx)*c+ch])
						}
					}
				}
				if v := values[(i*ow+j)*c+ch]; v != want {
					t.Errorf("max pool [%d,%d,%d] = %g, want %g", i, j, ch, v, want)
				}
			}
		}
	}
}

// TestMaxPoolGradientGoesToFirstMaximum: with many ties, each window's gradient goes to its first
// maximum in row-major order, as PyTorch's max_pool2d backward.
// On odd sizes through autodiff, on even ones through the hand-written gradient (col2imK3S2).
func TestMaxPoolGradientGoesToFirstMaximum(t *testing.T) {
	for _, size := range [][2]int{{6, 5}, {6, 4}, {4, 8}, {2, 2}} {
		testMaxPoolGradient(t, 2, size[0], size[1], 2)
	}
}

func testMaxPoolGradient(t *testing.T, b, h, w, c int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, uint64(h*w)))
	levels := []float64{-1, 0, 0, 0.5, 2}
	x := make([]float64, b*h*w*c)
	for i := range x {
		x[i] = levels[rng.IntN(len(levels))]
	}
	oh, ow := (h+2-3)/2+1, (w+2-3)/2+1
	r := testutil.RandomMatrix(rng, 1, b*oh*ow*c).Data
	got := testutil.Flat64(t, testutil.Call1(t, testutil.Backend(t), func(in []*Node) *Node {
		out := maxPool3x3Stride2(in[0])
		loss := ReduceAllSum(Mul(out, Const(in[0].Graph(), tensors.FromFlatDataAndDimensions(r, b, oh, ow, c))))
		return Gradient(loss, in[0])[0]
	}, tensors.FromFlatDataAndDimensions(x, b, h, w, c)))
	want := make([]float64, len(x))
	for n := range b {
		for i := range oh {
			for j := range ow {
				for ch := range c {
					best, at := math.Inf(-1), -1
					for di := -1; di <= 1; di++ {
						for dj := -1; dj <= 1; dj++ {
							y, xx := 2*i+di, 2*j+dj
							if y < 0 || xx < 0 || y >= h || xx >= w {
								continue
							}
							if idx := ((n*h+y)*w+xx)*c + ch; x[idx] > best {
								best, at = x[idx], idx
							}
						}
					}
					want[at] += r[((n*oh+i)*ow+j)*c+ch]
				}
			}
		}
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("%dx%d: max pool gradient[%d] = %g, want %g (first maximum of each window)", h, w, i, got[i], want[i])
		}
	}
}
