package mvmr

import (
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/onnx-gomlx/onnx/parser"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// randomiseEncoder gives every encoder variable random values (running variances positive), so
// that every weight, gamma, beta and running statistic reaches the export's outputs.
func randomiseEncoder(t *testing.T, tr *Trainer, data *datasets.Dataset, seed uint64) {
	t.Helper()
	if _, _, err := tr.Embeddings(data); err != nil { // creates the encoder's variables
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	for v := range tr.Store().IterVariables() {
		if !strings.HasPrefix(v.Path(), "/"+encoderScope+"/") || v.Shape().DType != dtypes.Float32 {
			continue
		}
		values := make([]float32, v.Shape().Size())
		for i := range values {
			switch {
			case strings.HasSuffix(v.Path(), "running_var"):
				values[i] = float32(0.5 + rng.Float64())
			case strings.HasSuffix(v.Path(), "gamma"):
				values[i] = float32(0.5 + 0.5*rng.Float64())
			case strings.HasSuffix(v.Path(), "weights"):
				values[i] = float32(rng.NormFloat64() * math.Sqrt(2/float64(v.Shape().Dimensions[0])))
			default:
				values[i] = float32(0.2 * rng.NormFloat64())
			}
		}
		if err := v.SetValue(tensors.FromFlatDataAndDimensions(values, v.Shape().Dimensions...)); err != nil {
			t.Fatal(err)
		}
	}
}

// onnxOutputs runs an ONNX file through onnx-gomlx on data's normalised images (NCHW) and
// returns the named outputs, row-major [n, dim].
func onnxOutputs(t *testing.T, path string, data *datasets.Dataset, names ...string) [][]float32 {
	t.Helper()
	m, err := parser.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	if err := m.VariablesToScope(store.RootScope()); err != nil {
		t.Fatal(err)
	}
	n, c, hh, ww := data.Len(), data.Channels, data.Height, data.Width
	images := tensors.FromFlatDataAndDimensions(data.NormalizedImages(), n, hh, ww, c)
	outs := model.MustCallOnceN(testBackend(t), store, func(scope *model.Scope, x *Node) []*Node {
		nchw := TransposeAllAxes(x, 0, 3, 1, 2)
		return m.CallGraph(scope, x.Graph(), map[string]*Node{nn.ONNXInput: nchw}, names...)
	}, images)
	var flat [][]float32
	for _, o := range outs {
		flat = append(flat, tensors.MustCopyFlatData[float32](o))
	}
	return flat
}

// assertClose checks |got − want| ≤ tol·max(1, max|want|): absolute for outputs within ±1,
// relative to the largest output above (float32 sums through a random ResNet-50 reach h near 10,
// and a different summation order moves a small feature by ~1e-5), and returns the largest
// |got − want|.
func assertClose(t *testing.T, what string, got, want []float32, tol float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	scale := 1.0
	for _, v := range want {
		scale = max(scale, math.Abs(float64(v)))
	}
	bound := tol * scale
	worst := 0.0
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		worst = max(worst, d)
		if d > bound || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s[%d] = %.8g, want %.8g (|diff| %.3g > %.3g)", what, i, got[i], want[i], d, bound)
		}
	}
	return worst
}

// exportedEncoder trains nothing: it randomises the encoder of config on data, saves a
// checkpoint, exports it with z, and returns the trainer and the ONNX path.
func exportedEncoder(t *testing.T, config Config, data *datasets.Dataset) (*Trainer, string, ONNXExport) {
	t.Helper()
	tr := newTestTrainer(t, config, data)
	randomiseEncoder(t, tr, data, 7)
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "checkpoint.mvmr")
	if err := tr.Save(ckpt); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "encoder.onnx")
	e, err := ExportONNX(ckpt, out, ONNXExportOptions{Z: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Mean) != 1 || e.Mean[0] != datasets.MNISTMean || e.Std[0] != datasets.MNISTStd {
		t.Fatalf("normalisation of %s: mean %v, std %v; want MNIST's", data.Name, e.Mean, e.Std)
	}
	return tr, out, e
}

// The exported model, run through onnx-gomlx, gives the kit's h and z (BatchNorm in evaluation
// mode) within 1e-5, for the CNN encoder with both heads and for ResNet-18 (7×7 stem, max pool,
// downsampling shortcuts), ResNet-50 (bottlenecks) and ResNet-8x4.
func TestExportONNXMatchesTrainer(t *testing.T) {
	_, test := testutil.MNIST(t, 0, 16)
	resnet := func(arch string) Config {
		c := exportConfig()
		c.Encoder = nn.ResNetConfig(arch, false, "32-16")
		return c
	}
	avgpool := exportConfig()
	avgpool.Encoder.Head = nn.HeadAvgPool
	for _, tc := range []struct {
		name   string
		config Config
	}{
		{"cnn flatten", exportConfig()},
		{"cnn avgpool", avgpool},
		{"resnet18", resnet(nn.ArchResNet18)},
		{"resnet8x4", resnet(nn.ArchResNet8x4)},
		{"resnet50", resnet(nn.ArchResNet50)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && (tc.name == "resnet18" || tc.name == "resnet50") {
				t.Skip("ResNet-18 and -50 exports in -short")
			}
			tr, path, e := exportedEncoder(t, tc.config, test)
			h, hDim, err := tr.Features(test)
			if err != nil {
				t.Fatal(err)
			}
			z, zDim, err := tr.Embeddings(test)
			if err != nil {
				t.Fatal(err)
			}
			if e.HDim != hDim || e.ZDim != zDim {
				t.Fatalf("export says h %d, z %d; the trainer's are %d, %d", e.HDim, e.ZDim, hDim, zDim)
			}
			outs := onnxOutputs(t, path, test, nn.ONNXOutputH, nn.ONNXOutputZ)
			dh := assertClose(t, "h", outs[0], h, 1e-5)
			dz := assertClose(t, "z", outs[1], z, 1e-5)
			t.Logf("%s: %d bytes; max |diff| h %.2g, z %.2g", tc.name, e.Bytes, dh, dz)
		})
	}
}

// The exported file works as a teacher of kind onnx: its features are the trainer's h (divided
// by the teacher scale), and output "z" selects the embedding.
func TestExportONNXAsTeacher(t *testing.T) {
	_, test := testutil.MNIST(t, 0, 12)
	tr, path, _ := exportedEncoder(t, exportConfig(), test)
	for _, tc := range []struct {
		output string
		want   func(*datasets.Dataset) ([]float32, int, error)
	}{
		{"", tr.Features},
		{nn.ONNXOutputZ, tr.Embeddings},
	} {
		var params reps.Params
		if tc.output != "" {
			params = reps.Params{ParamTeacherOutput: tc.output}
		}
		rep := newTeacherRep(t, TeacherONNX, path, params)
		got, err := reps.NewFeatureCache("").RepresentationFeatures(testBackend(t), rep, test)
		if err != nil {
			t.Fatal(err)
		}
		want, _, err := tc.want(test)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			got[i] *= TeacherScale
		}
		assertClose(t, "teacher output "+tc.output, got, want, 1e-5)
	}
}

// python3-onnx's checker (with shape inference) accepts the exported model. Skipped where
// /usr/bin/python3 has no onnx module.
func TestExportONNXPassesONNXChecker(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import onnx").Run(); err != nil {
		t.Skipf("%s has no onnx module (Debian's python3-onnx): %v", python, err)
	}
	_, test := testutil.MNIST(t, 0, 4)
	_, path, e := exportedEncoder(t, exportConfig(), test)
	script := `
import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
inferred = onnx.shape_inference.infer_shapes(m, strict_mode=True)
for o in inferred.graph.output:
    print(o.name, [d.dim_value or d.dim_param for d in o.type.tensor_type.shape.dim])
`
	out, err := exec.Command(python, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("onnx.checker rejected %s: %v\n%s", path, err, out)
	}
	want := "h ['N', " + strconv.Itoa(e.HDim) + "]\nz ['N', " + strconv.Itoa(e.ZDim) + "]\n"
	if string(out) != want {
		t.Errorf("onnx shape inference gives\n%s\nwant\n%s", out, want)
	}
}

// A missing variable, or one of another shape than the config's, is refused, naming it.
func TestExportONNXRejectsBadVariables(t *testing.T) {
	_, test := testutil.MNIST(t, 0, 4)
	tr := newTestTrainer(t, exportConfig(), test)
	randomiseEncoder(t, tr, test, 3)
	store := func(skip string, reshape bool) nn.ONNXWeights {
		return func(path string) ([]float32, []int, error) {
			v := tr.Store().GetVariable("/" + encoderScope + "/" + path)
			if v == nil || path == skip {
				return nil, nil, os.ErrNotExist
			}
			dims := v.Shape().Dimensions
			values := tensors.MustCopyFlatData[float32](v.MustValue())
			if reshape && strings.HasSuffix(path, "block_1/conv/weights") {
				dims = []int{len(values)}
			}
			return values, dims, nil
		}
	}
	_, err := tr.config.Encoder.ONNXGraph(store("backbone/block_1/bn/running_var", false), test.Height, test.Width, test.Channels, true)
	if err == nil || !strings.Contains(err.Error(), "backbone/block_1/bn/running_var") {
		t.Errorf("missing variable: error %v; want one naming backbone/block_1/bn/running_var", err)
	}
	_, err = tr.config.Encoder.ONNXGraph(store("", true), test.Height, test.Width, test.Channels, true)
	if err == nil || !strings.Contains(err.Error(), "backbone/block_1/conv/weights has shape [288]") {
		t.Errorf("reshaped variable: error %v; want one naming backbone/block_1/conv/weights and its shape", err)
	}
}

// exportConfig is tinyConfig with batches small enough for a few test images.
func exportConfig() Config {
	c := tinyConfig(4)
	c.BatchSize = 4
	return c
}

// The exported model run by an independent interpreter, PyTorch's operators in float64
// (testdata/onnx_torch_run.py), gives the trainer's h and z within 1e-5: the ONNX semantics of
// the graph (pads, inference BatchNormalization, Flatten order) are the kit's, not only as
// onnx-gomlx reads them. Skipped where /usr/bin/python3 lacks onnx or torch.
func TestExportONNXMatchesTorch(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import onnx, torch").Run(); err != nil {
		t.Skipf("%s lacks onnx or torch (Debian's python3-onnx, python3-torch): %v", python, err)
	}
	_, test := testutil.MNIST(t, 0, 8)
	resnet := exportConfig()
	resnet.Encoder = nn.ResNetConfig(nn.ArchResNet18, false, "32-16")
	for _, tc := range []struct {
		name   string
		config Config
	}{
		{"cnn flatten", exportConfig()},
		{"resnet18", resnet},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && tc.name == "resnet18" {
				t.Skip("ResNet-18 through PyTorch in -short")
			}
			tr, path, _ := exportedEncoder(t, tc.config, test)
			n, c, hh, ww := test.Len(), test.Channels, test.Height, test.Width
			nhwc := test.NormalizedImages()
			nchw := make([]float64, len(nhwc))
			for i := range n {
				for y := range hh {
					for x := range ww {
						for ch := range c {
							nchw[((i*c+ch)*hh+y)*ww+x] = float64(nhwc[((i*hh+y)*ww+x)*c+ch])
						}
					}
				}
			}
			dir := t.TempDir()
			images := filepath.Join(dir, "images.npy")
			f, err := os.Create(images)
			if err != nil {
				t.Fatal(err)
			}
			if err := npy.WriteArray(f, nchw, []int{n, c, hh, ww}, true); err != nil {
				t.Fatal(err)
			}
			f.Close()
			prefix := filepath.Join(dir, "out_")
			if out, err := exec.Command(python, filepath.Join("testdata", "onnx_torch_run.py"), path, images, prefix).CombinedOutput(); err != nil {
				t.Fatalf("onnx_torch_run.py: %v\n%s", err, out)
			}
			for _, o := range []struct {
				name string
				want func(*datasets.Dataset) ([]float32, int, error)
			}{{nn.ONNXOutputH, tr.Features}, {nn.ONNXOutputZ, tr.Embeddings}} {
				want, _, err := o.want(test)
				if err != nil {
					t.Fatal(err)
				}
				got, err := npy.ReadArrayFile(prefix + o.name + ".npy")
				if err != nil {
					t.Fatal(err)
				}
				g32 := make([]float32, len(got.Data))
				for i, v := range got.Data {
					g32[i] = float32(v)
				}
				d := assertClose(t, "torch "+o.name, g32, want, 1e-5)
				t.Logf("%s: max |torch float64 - kit| %.2g", o.name, d)
			}
		})
	}
}
