package mvmr

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	"github.com/gomlx/compute-onnx/support/protos"
	"google.golang.org/protobuf/proto"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// convPoolONNX writes a tiny ONNX image model built here from the ONNX protobuf definitions:
// Conv (weights w [2, 1, 3, 3], bias b [2], padding 1, stride 1) then AveragePool 2x2 stride 2,
// on (N, 1, 6, 6) float32 images (N dynamic), output (N, 2, 3, 3).
func convPoolONNX(t *testing.T, w, b []float32) string {
	t.Helper()
	raw, err := proto.Marshal(convPoolModel(w, b))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "conv_pool.onnx")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// convPoolModel is convPoolONNX's model.
func convPoolModel(w, b []float32) *protos.ModelProto {
	dims := func(ds ...any) *protos.TensorShapeProto {
		s := &protos.TensorShapeProto{}
		for _, d := range ds {
			dim := &protos.TensorShapeProto_Dimension{}
			switch v := d.(type) {
			case int:
				dim.Value = &protos.TensorShapeProto_Dimension_DimValue{DimValue: int64(v)}
			case string:
				dim.Value = &protos.TensorShapeProto_Dimension_DimParam{DimParam: v}
			}
			s.Dim = append(s.Dim, dim)
		}
		return s
	}
	value := func(name string, shape *protos.TensorShapeProto) *protos.ValueInfoProto {
		return &protos.ValueInfoProto{Name: name, Type: &protos.TypeProto{Value: &protos.TypeProto_TensorType{
			TensorType: &protos.TypeProto_Tensor{ElemType: int32(protos.TensorProto_FLOAT), Shape: shape}}}}
	}
	ints := func(name string, v ...int64) *protos.AttributeProto {
		return &protos.AttributeProto{Name: name, Type: protos.AttributeProto_INTS, Ints: v}
	}
	return &protos.ModelProto{
		IrVersion:    8,
		OpsetImport:  []*protos.OperatorSetIdProto{{Domain: "", Version: 13}},
		ProducerName: "mvmr-go test",
		Graph: &protos.GraphProto{
			Name: "conv_pool",
			Node: []*protos.NodeProto{
				{OpType: "Conv", Input: []string{"images", "w", "b"}, Output: []string{"conv"},
					Attribute: []*protos.AttributeProto{ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", 1, 1)}},
				{OpType: "AveragePool", Input: []string{"conv"}, Output: []string{"embedding"},
					Attribute: []*protos.AttributeProto{ints("kernel_shape", 2, 2), ints("strides", 2, 2)}},
			},
			Initializer: []*protos.TensorProto{
				{Name: "w", Dims: []int64{2, 1, 3, 3}, DataType: int32(protos.TensorProto_FLOAT), FloatData: w},
				{Name: "b", Dims: []int64{2}, DataType: int32(protos.TensorProto_FLOAT), FloatData: b},
			},
			Input:  []*protos.ValueInfoProto{value("images", dims("N", 1, 6, 6))},
			Output: []*protos.ValueInfoProto{value("embedding", dims("N", 2, 3, 3))},
		},
	}
}

// convPoolReference is the same network in float64 on one 6x6 image.
func convPoolReference(img []float64, w, b []float32) []float64 {
	conv := make([]float64, 2*6*6)
	for o := range 2 {
		for i := range 6 {
			for j := range 6 {
				s := float64(b[o])
				for di := range 3 {
					for dj := range 3 {
						y, x := i+di-1, j+dj-1
						if y >= 0 && y < 6 && x >= 0 && x < 6 {
							s += float64(w[o*9+di*3+dj]) * img[y*6+x]
						}
					}
				}
				conv[(o*6+i)*6+j] = s
			}
		}
	}
	out := make([]float64, 2*3*3)
	for o := range 2 {
		for i := range 3 {
			for j := range 3 {
				out[(o*3+i)*3+j] = (conv[(o*6+2*i)*6+2*j] + conv[(o*6+2*i)*6+2*j+1] + conv[(o*6+2*i+1)*6+2*j] + conv[(o*6+2*i+1)*6+2*j+1]) / 4
			}
		}
	}
	return out
}

func randomDataset(rng *rand.Rand, n, size int) *datasets.Dataset {
	d := &datasets.Dataset{Name: "random", Height: size, Width: size, Channels: 1, NumClasses: 1,
		Images: make([]uint8, n*size*size), Labels: make([]int32, n), Mean: []float32{0.2}, Std: []float32{0.5}}
	for i := range d.Images {
		d.Images[i] = uint8(rng.IntN(256))
	}
	return d
}

// The ONNX teacher's output equals a float64 reference of the same convolution and pooling, on
// the data set's normalisation or the teacher's own, and after a bilinear resize.
func TestONNXTeacherMatchesFloat64Reference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	w := make([]float32, 18)
	for i := range w {
		w[i] = float32(rng.NormFloat64())
	}
	b := []float32{0.25, -0.5}
	path := convPoolONNX(t, w, b)
	data := randomDataset(rng, 5, 6)
	small := randomDataset(rng, 3, 4)
	for _, tc := range []struct {
		name       string
		data       *datasets.Dataset
		params     reps.Params
		mean, std  float64
		resizeFrom int
	}{
		{"data set normalisation", data, nil, 0.2, 0.5, 0},
		{"teacher normalisation", data, reps.Params{ParamTeacherMean: 0.1, ParamTeacherStd: "0.3"}, 0.1, 0.3, 0},
		{"4x4 images resized to 6x6", small, nil, 0.2, 0.5, 4},
	} {
		rep := newTeacherRep(t, TeacherONNX, path, tc.params)
		if dim, err := rep.Dim(tc.data.Height, tc.data.Width, 1); err != nil || dim != 18 {
			t.Fatalf("%s: dim %d (%v), want 18", tc.name, dim, err)
		}
		got, err := reps.NewFeatureCache("").RepresentationFeatures(testBackend(t), rep, tc.data)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for n := range tc.data.Len() {
			img := make([]float64, 36)
			if tc.resizeFrom > 0 {
				src := make([]float32, tc.resizeFrom*tc.resizeFrom)
				tc.data.Normalize(src, n)
				for i, v := range bilinearReference(src, tc.resizeFrom, tc.resizeFrom, 6, 6) {
					img[i] = float64(v)
				}
			} else {
				for i, p := range tc.data.Image(n) {
					img[i] = (float64(p)/255 - tc.mean) / tc.std
				}
			}
			want := convPoolReference(img, w, b)
			for k, v := range want {
				if g := float64(got[n*18+k]) * TeacherScale; math.Abs(g-v) > 1e-4*(1+math.Abs(v)) {
					t.Fatalf("%s: image %d feature %d = %.6g, want %.6g (float64 reference)", tc.name, n, k, g, v)
				}
			}
		}
	}
}

func TestONNXTeacherRejectsBadFiles(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "garbage.onnx")
	if err := os.WriteFile(bad, []byte("not a protobuf \xff\xff"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := convPoolONNX(t, make([]float32, 18), make([]float32, 2))
	rgb := randomDataset(rand.New(rand.NewPCG(1, 2)), 2, 6)
	rgb.Channels, rgb.Mean, rgb.Std = 3, []float32{0, 0, 0}, []float32{1, 1, 1}
	rgb.Images = make([]uint8, 2*6*6*3)
	for _, tc := range []struct {
		name   string
		path   string
		params reps.Params
		data   *datasets.Dataset
		want   []string
	}{
		{"garbage", bad, nil, randomDataset(rand.New(rand.NewPCG(1, 2)), 2, 6), []string{"garbage.onnx", "not a readable ONNX model"}},
		{"missing", filepath.Join(t.TempDir(), "absent.onnx"), nil, randomDataset(rand.New(rand.NewPCG(1, 2)), 2, 6), []string{"absent.onnx"}},
		{"wrong size", path, reps.Params{ParamTeacherSize: 8.0}, randomDataset(rand.New(rand.NewPCG(1, 2)), 2, 6), []string{"size = 8", "fixed size 6x6"}},
		{"wrong input", path, reps.Params{ParamTeacherInput: "pixels"}, randomDataset(rand.New(rand.NewPCG(1, 2)), 2, 6), []string{`input = "pixels"`, "images"}},
		{"colour into grey model", path, nil, rgb, []string{"takes 1-channel images", "3 channels"}},
	} {
		rep := newTeacherRep(t, TeacherONNX, tc.path, tc.params)
		_, err := reps.NewFeatureCache("").RepresentationFeatures(testBackend(t), rep, tc.data)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", tc.name, err, w)
			}
		}
	}
}
