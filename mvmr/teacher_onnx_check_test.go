package mvmr

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"google.golang.org/protobuf/proto"

	"github.com/mvmr-ssl/mvmr-go/internal/fuzzseed"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// TestONNXSizesAreCheckedBeforeParsing gives the conv-pool model tensors whose dims claim 10¹²
// elements, negative dims or external data outside the model's folder: each is refused at once,
// naming the file and the tensor (onnx-gomlx would allocate the dims' size first).
func TestONNXSizesAreCheckedBeforeParsing(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "w.bin"), make([]byte, 72), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(m *protos.ModelProto)
		want   string
	}{
		{"huge dims, float data", func(m *protos.ModelProto) { m.Graph.Initializer[0].Dims = []int64{1_000_000, 1_000_000} },
			`tensor "w": dims [1000000 1000000] need more elements than the file holds (18 values)`},
		{"huge dims, raw data", func(m *protos.ModelProto) {
			w := m.Graph.Initializer[0]
			w.FloatData, w.RawData, w.Dims = nil, make([]byte, 72), []int64{1 << 40}
		}, `tensor "w": dims [1099511627776] need more elements than the file holds (72 bytes of raw data)`},
		{"raw data of another size", func(m *protos.ModelProto) {
			w := m.Graph.Initializer[0]
			w.FloatData, w.RawData = nil, make([]byte, 70)
		}, `tensor "w": dims [2 1 3 3] need more elements than the file holds (70 bytes of raw data)`},
		{"negative dims", func(m *protos.ModelProto) { m.Graph.Initializer[1].Dims = []int64{-2} }, "negative dimension -2"},
		{"external data outside the folder", func(m *protos.ModelProto) {
			w := m.Graph.Initializer[0]
			w.FloatData, w.DataLocation = nil, protos.TensorProto_EXTERNAL
			w.ExternalData = []*protos.StringStringEntryProto{{Key: "location", Value: "../../etc/passwd"}}
		}, `external data location "../../etc/passwd"; expected a file in the model's folder`},
		{"external data too short", func(m *protos.ModelProto) {
			w := m.Graph.Initializer[0]
			w.FloatData, w.DataLocation = nil, protos.TensorProto_EXTERNAL
			w.ExternalData = []*protos.StringStringEntryProto{{Key: "location", Value: "w.bin"}, {Key: "offset", Value: "8"}}
		}, "need more elements than the file holds (64 bytes of external data)"},
		{"no graph", func(m *protos.ModelProto) { m.Graph = nil }, "no graph"},
		{"input not a tensor", func(m *protos.ModelProto) { m.Graph.Input[0].Type = nil }, `input or output "images" is not a tensor`},
	} {
		m := convPoolModel(make([]float32, 18), make([]float32, 2))
		tc.change(m)
		raw, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "model.onnx")
		_, err = parseONNX(path, raw)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v; want one naming %s and saying %q", tc.name, err, path, tc.want)
		}
	}
	// A huge fixed input size is refused before the zero image is allocated.
	m := convPoolModel(make([]float32, 18), make([]float32, 2))
	m.Graph.Input[0].Type.GetTensorType().Shape.Dim[2].Value = &protos.TensorShapeProto_Dimension_DimValue{DimValue: 1 << 20}
	m.Graph.Input[0].Type.GetTensorType().Shape.Dim[3].Value = &protos.TensorShapeProto_Dimension_DimValue{DimValue: 1 << 20}
	raw, _ := proto.Marshal(m)
	parsed, err := parseONNX("big.onnx", raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&onnxTeacher{teacherCommon: teacherCommon{Path: "big.onnx"}}).describe(parsed, ""); err == nil ||
		!strings.Contains(err.Error(), "1 channels of 1048576x1048576") {
		t.Errorf("huge input: error %v", err)
	}
}

// TestONNXTeacherRefusesNonFiniteFeatures gives the conv-pool model a NaN weight: the
// teacher's features are refused, naming the file, the image and the feature.
func TestONNXTeacherRefusesNonFiniteFeatures(t *testing.T) {
	w := make([]float32, 18)
	w[4] = float32(math.NaN())
	path := convPoolONNX(t, w, make([]float32, 2))
	rep := newTeacherRep(t, TeacherONNX, path, nil)
	_, err := reps.NewFeatureCache("").RepresentationFeatures(testBackend(t), rep, randomDataset(rand.New(rand.NewPCG(1, 2)), 2, 6))
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "output (image, feature): value at index (0, 0) is NaN") {
		t.Errorf("error %v; want one naming %s and the first NaN feature", err, path)
	}
}

// FuzzONNXTeacherFile parses and checks an ONNX file as the onnx teacher does, then loads its
// weights: no panic, no hang, no allocation beyond the file's size. (Running the graph is not
// fuzzed: the model's operations are the model's.)
func FuzzONNXTeacherFile(f *testing.F) {
	good, err := proto.Marshal(convPoolModel(make([]float32, 18), make([]float32, 2)))
	if err != nil {
		f.Fatal(err)
	}
	fuzzseed.Add(f,
		fuzzseed.Seed{Name: "conv_pool", Values: []any{good}},
		fuzzseed.Seed{Name: "conv_pool_truncated", Values: []any{good[:len(good)/2]}},
		fuzzseed.Seed{Name: "garbage", Values: []any{[]byte("not a protobuf \xff\xff")}})
	f.Fuzz(func(t *testing.T, raw []byte) {
		path := filepath.Join("fuzzdir", "fuzz.onnx")
		m, err := parseONNX(path, raw)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		teacher := &onnxTeacher{teacherCommon: teacherCommon{Path: path}, Size: 6}
		if _, err := teacher.describe(m, ""); err != nil && !strings.Contains(err.Error(), path) {
			t.Fatalf("error %v does not name the file", err)
		}
		store := model.NewStore()
		_ = exceptions.TryCatch[error](func() { _ = m.VariablesToScope(store.RootScope()) })
	})
}
