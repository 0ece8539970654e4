package mvmr

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// writeNPY writes a float32 .npy file of the given shape and returns its path.
func writeNPY(t *testing.T, name string, data []float64, shape ...int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := npy.WriteArray(f, data, shape, false); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func newTeacherRep(t *testing.T, kind, path string, params reps.Params) *reps.Rep {
	t.Helper()
	term := TeacherTerm(kind, path, params)
	rep, err := Representations().New(term.Name, term.Params)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rep.Dataset(); !ok || rep.Name() != TeacherName || rep.FreshView() {
		t.Fatalf("teacher %s is named %q; want a DatasetRepresentation named %q on the original view", kind, rep.Name(), TeacherName)
	}
	return rep
}

// datasetFeatures runs a teacher over data.
func datasetFeatures(t *testing.T, rep *reps.Rep, data *datasets.Dataset) ([]float32, error) {
	t.Helper()
	d, _ := rep.Dataset()
	return d.DatasetFeatures(testBackend(t), data)
}

func TestNPYTeacherRejectsBadTables(t *testing.T) {
	train, _ := testutil.MNIST(t, 64, 0)
	good := writeNPY(t, "good.npy", make([]float64, 64*3), 64, 3)
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(t.TempDir(), "truncated.npy")
	if err := os.WriteFile(truncated, raw[:len(raw)-5], 0o644); err != nil {
		t.Fatal(err)
	}
	nan := make([]float64, 64*3)
	nan[3*7+2] = math.NaN()
	for _, tc := range []struct {
		name, path string
		want       []string // substrings of the error
	}{
		{"N mismatch", writeNPY(t, "rows.npy", make([]float64, 50*3), 50, 3), []string{"rows.npy", "N = 50", "expected N = 64", train.Name}},
		{"D = 0", writeNPY(t, "empty.npy", nil, 64, 0), []string{"empty.npy", "D = 0", "at least one feature"}},
		{"rank 1", writeNPY(t, "flat.npy", make([]float64, 64), 64), []string{"flat.npy", "expected (N, D)"}},
		{"truncated", truncated, []string{"truncated.npy", "needs 768 bytes", "holds 763"}},
		{"NaN", writeNPY(t, "nan.npy", nan, 64, 3), []string{"nan.npy", "(row, column): value at index (7, 2) is NaN; expected a finite number"}},
		{"missing", filepath.Join(t.TempDir(), "absent.npy"), []string{"absent.npy", "no such file"}},
	} {
		rep := newTeacherRep(t, TeacherNPY, tc.path, nil)
		_, err := reps.NewFeatureCache("").RepresentationFeatures(testBackend(t), rep, train)
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
	if _, err := reps.NewFeatureCache("").RepresentationFeatures(testBackend(t), newTeacherRep(t, TeacherNPY, good, nil), train); err != nil {
		t.Errorf("a (64, 3) table for 64 images: %v", err)
	}
}

func TestTeacherParamsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		params reps.Params
		want   string
	}{
		{reps.Params{}, "kind is required"},
		{reps.Params{"kind": "clip"}, "kind = clip"},
		{reps.Params{"kind": "npy"}, "path is required"},
		{reps.Params{"kind": "npy", "path": "x.npy", "size": 224.0}, `unknown parameter "size"`},
		{reps.Params{"kind": "checkpoint", "path": "x", "output": "w"}, "output = w"},
		{reps.Params{"kind": "onnx", "path": "x", "mean": "0.5,0.5"}, "mean has 2 values and std 0"},
		{reps.Params{"kind": "onnx", "path": "x", "mean": "0.5", "std": "0"}, "std[0] = 0"},
		{reps.Params{"kind": "npy", "path": "x", "scale": -1.0}, "scale = -1"},
	} {
		_, err := Representations().New(TeacherName, tc.params)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one saying %q", tc.params, err, tc.want)
		}
	}
	for _, spec := range []string{"checkpoint", "clip:x", "npy:"} {
		if _, _, err := ParseTeacherSpec(spec); err == nil {
			t.Errorf("ParseTeacherSpec(%q): no error", spec)
		}
	}
	if kind, path, err := ParseTeacherSpec("onnx:models/dino:v2.onnx"); err != nil || kind != TeacherONNX || path != "models/dino:v2.onnx" {
		t.Errorf("ParseTeacherSpec: %q %q %v", kind, path, err)
	}
}

// The npy teacher's rows reach each step by the batch's data set indices, and its term is
// recorded in History as TermTeacher.
func TestNPYTeacherRowsFollowBatchIndicesAndTermReachesHistory(t *testing.T) {
	train, _ := testutil.MNIST(t, 96, 0)
	const dim = 3
	table := make([]float64, train.Len()*dim)
	for i := range train.Len() {
		table[i*dim] = float64(i)
		table[i*dim+1] = float64(train.Labels[i])
		table[i*dim+2] = math.Sin(float64(i))
	}
	path := writeNPY(t, "teacher.npy", table, train.Len(), dim)
	config := DistillConfig(tinyConfig(4).Encoder, TeacherTerm(TeacherNPY, path, nil), 4)
	config.BatchSize = 32
	tr := newTestTrainer(t, config, train)
	tr.Cache = reps.NewFeatureCache("")
	if err := tr.Train(3); err != nil {
		t.Fatal(err)
	}
	names := tr.ComponentNames()
	if want := []string{TermMSE, TermStd, TermDCorZZ, TermTeacher, TermTotal}; strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("components %v, want %v", names, want)
	}
	values := tr.History().Series(TermTeacher)
	if len(values) != 3 {
		t.Fatalf("History[%s] has %d values after 3 steps", TermTeacher, len(values))
	}
	for _, v := range values {
		if !(v > 0 && v < 1) {
			t.Errorf("History[%s] = %v; want 1 − dCor in (0, 1)", TermTeacher, values)
		}
	}
	// The rows fed for a batch are the table's rows of the batch's images, divided by 32.
	batch := tr.source.Batch(5)
	rows := tensors.MustCopyFlatData[float32](tr.hostInput(0, batch))
	for j, idx := range batch.Indices {
		for k := range dim {
			want := float32(table[idx*dim+k]) / TeacherScale
			if got := rows[j*dim+k]; got != want {
				t.Fatalf("batch row %d (image %d) column %d = %g, want %g", j, idx, k, got, want)
			}
		}
	}
}

// A checkpoint teacher computes exactly the features of the encoder it was saved from.
func TestCheckpointTeacherEqualsTrainedEncoder(t *testing.T) {
	train, test := testutil.MNIST(t, 128, 40)
	config := tinyConfig(4)
	tr := newTestTrainer(t, config, train)
	tr.Cache = reps.NewFeatureCache("")
	if err := tr.Train(3); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "teacher.mvmr")
	if err := tr.Save(path); err != nil {
		t.Fatal(err)
	}
	for _, output := range []string{"h", "z"} {
		want, dim, err := tr.Features(test)
		if output == "z" {
			want, dim, err = tr.Embeddings(test)
		}
		if err != nil {
			t.Fatal(err)
		}
		rep := newTeacherRep(t, TeacherCheckpoint, path, reps.Params{ParamTeacherOutput: output})
		if d, err := rep.Dim(28, 28, 1); err != nil || d != dim {
			t.Fatalf("output %s: dim %d (%v), want %d", output, d, err, dim)
		}
		got, err := datasetFeatures(t, rep, test)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("output %s: %d values, want %d", output, len(got), len(want))
		}
		for i := range want {
			if w := want[i] / TeacherScale; math.Abs(float64(got[i]-w)) > 1e-6*(1+math.Abs(float64(w))) {
				t.Fatalf("output %s: feature %d = %g, want %g (the trained encoder's / 32)", output, i, got[i], w)
			}
		}
	}
	// A data set of another image size is resized to the teacher's 28x28: the teacher on 14x14
	// images equals the encoder on the same images upsampled bilinearly.
	small := resizedDataset(t, test, 14)
	rep := newTeacherRep(t, TeacherCheckpoint, path, nil)
	got, err := datasetFeatures(t, rep, small)
	if err != nil {
		t.Fatal(err)
	}
	upsampled := make([]float32, small.Len()*28*28)
	for i := range small.Len() {
		img := make([]float32, 14*14)
		small.Normalize(img, i)
		copy(upsampled[i*784:], bilinearReference(img, 14, 14, 28, 28))
	}
	want := tensors.MustCopyFlatData[float32](tr.featureExec.MustExec(tensors.FromFlatDataAndDimensions(upsampled, small.Len(), 28, 28, 1))[0])
	for i := range want {
		if w := want[i] / TeacherScale; math.Abs(float64(got[i]-w)) > 1e-4*(1+math.Abs(float64(w))) {
			t.Fatalf("14x14 images: feature %d = %g, want %g", i, got[i], w)
		}
	}
}

// resizedDataset keeps every other pixel of data's images (size×size).
func resizedDataset(t *testing.T, data *datasets.Dataset, size int) *datasets.Dataset {
	t.Helper()
	out := *data
	out.Height, out.Width = size, size
	out.Images = make([]uint8, data.Len()*size*size)
	step := data.Height / size
	for n := range data.Len() {
		img := data.Image(n)
		for i := range size {
			for j := range size {
				out.Images[(n*size+i)*size+j] = img[(i*step)*data.Width+j*step]
			}
		}
	}
	out.Name = data.Name + "/small"
	return &out
}

// bilinearReference is torch.nn.functional.interpolate(mode='bilinear', align_corners=False)
// of one single-channel image, in float64.
func bilinearReference(img []float32, h, w, outH, outW int) []float32 {
	src := func(o, in, out int) (int, int, float64) {
		x := (float64(o)+0.5)*float64(in)/float64(out) - 0.5
		x = math.Max(x, 0)
		i0 := int(math.Floor(x))
		i1 := min(i0+1, in-1)
		return i0, i1, x - float64(i0)
	}
	out := make([]float32, outH*outW)
	for i := range outH {
		y0, y1, fy := src(i, h, outH)
		for j := range outW {
			x0, x1, fx := src(j, w, outW)
			v := (1-fy)*((1-fx)*float64(img[y0*w+x0])+fx*float64(img[y0*w+x1])) +
				fy*((1-fx)*float64(img[y1*w+x0])+fx*float64(img[y1*w+x1]))
			out[i*outW+j] = float32(v)
		}
	}
	return out
}

// The teacher resize matches PyTorch's F.interpolate(bilinear, align_corners=False), whose
// 2x2 → 4x4 result is known, and repeats grey images over the teacher's channels.
func TestTeacherImagesResizeAsPyTorch(t *testing.T) {
	img := tensors.FromFlatDataAndDimensions([]float32{1, 2, 3, 4}, 1, 2, 2, 1)
	out := testutil.Call1(t, testBackend(t), func(in []*Node) *Node { return teacherImages(in[0], 4, 4, 3) }, img)
	if got := out.Shape().Dimensions; got[1] != 4 || got[2] != 4 || got[3] != 3 {
		t.Fatalf("shape %v, want [1 4 4 3]", got)
	}
	// torch.nn.functional.interpolate(torch.tensor([[[[1., 2.], [3., 4.]]]]), size=4, mode='bilinear', align_corners=False)
	want := []float64{
		1.00, 1.25, 1.75, 2.00,
		1.50, 1.75, 2.25, 2.50,
		2.50, 2.75, 3.25, 3.50,
		3.00, 3.25, 3.75, 4.00,
	}
	got := testutil.Flat64(t, out)
	for i, w := range want {
		for c := range 3 {
			if math.Abs(got[i*3+c]-w) > 1e-6 {
				t.Fatalf("pixel %d channel %d = %g, want %g", i, c, got[i*3+c], w)
			}
		}
	}
	ref := bilinearReference([]float32{1, 2, 3, 4}, 2, 2, 4, 4)
	for i, w := range want {
		if math.Abs(float64(ref[i])-w) > 1e-6 {
			t.Fatalf("the test's reference: pixel %d = %g, want %g", i, ref[i], w)
		}
	}
}

func TestParseStudentSpecAndParameterCount(t *testing.T) {
	for _, bad := range []string{"", "8-x-32", "8-16/0", "8-16/"} {
		if _, err := ParseStudentSpec(bad); err == nil {
			t.Errorf("ParseStudentSpec(%q): no error", bad)
		}
	}
	enc, err := ParseStudentSpec("4-8/32-16")
	if err != nil {
		t.Fatal(err)
	}
	if enc.Projector != "32-16" || len(enc.Channels) != 2 || enc.Channels[1] != 8 || enc.Strides[1] != 2 || enc.Head != nn.HeadFlatten {
		t.Fatalf("ParseStudentSpec: %+v", enc)
	}
	train, _ := testutil.MNIST(t, 64, 0)
	config := tinyConfig(2) // encoder 4-8 / 32-16, as enc
	tr := newTestTrainer(t, config, train)
	tr.Cache = reps.NewFeatureCache("")
	if err := tr.Train(1); err != nil {
		t.Fatal(err)
	}
	// Convolutions 3·3·1·4 + 3·3·4·8 with BatchNorm scale and offset per channel (no conv bias
	// under BatchNorm); projector 392·32 (no bias), BatchNorm 2·32, 32·16.
	convs := 9*1*4 + 9*4*8
	bn := 2 * (4 + 8)
	hdim := enc.HDim(28, 28)
	projector := hdim*32 + 2*32 + 32*16
	backbone, total := tr.ParameterCount()
	if backbone != convs+bn && backbone != convs+bn+4+8 { // with or without conv bias
		t.Errorf("backbone parameters %d, want %d (or %d with conv biases)", backbone, convs+bn, convs+bn+12)
	}
	if total-backbone != projector {
		t.Errorf("projector parameters %d, want %d", total-backbone, projector)
	}
}
