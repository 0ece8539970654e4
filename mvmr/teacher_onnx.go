package mvmr

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gomlx/onnx-gomlx/onnx"
	"github.com/gomlx/onnx-gomlx/onnx/parser"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// onnxTeacher is an ONNX image model (any network exported with torch.onnx.export or similar)
// run with github.com/gomlx/onnx-gomlx on the same backend as training. It takes (N, C, H, W)
// images: the data set's images are normalised (the data set's statistics, or Norm), resized
// bilinearly to Size×Size and, for grey images and a colour model, repeated over the channels;
// its output, flattened per image, is the embedding.
type onnxTeacher struct {
	teacherCommon
	Input, Output string
	Size          int
	Norm          teacherNormalisation

	once  sync.Once
	state *onnxState
	err   error
}

type onnxState struct {
	model         onnx.Model
	sha           string
	input, output string
	inputDType    dtypes.DType
	channels      int
	height, width int
	dim           int
}

func (t *onnxTeacher) load() (*onnxState, error) {
	t.once.Do(func() {
		t.state, t.err = t.open()
	})
	return t.state, t.err
}

func (t *onnxTeacher) open() (*onnxState, error) {
	raw, err := os.ReadFile(t.Path)
	if err != nil {
		return nil, fmt.Errorf("teacher: %w", err)
	}
	sum := sha256.Sum256(raw)
	m, err := parseONNX(t.Path, raw)
	if err != nil {
		return nil, err
	}
	s, err := t.describe(m, hex.EncodeToString(sum[:]))
	if err != nil {
		return nil, err
	}
	// The embedding size: run the model once on a zero image (this also reports unsupported
	// operations now, naming the file, rather than at the first training step).
	backend, err := defaultBackend()
	if err != nil {
		return nil, err
	}
	out, err := t.run(backend, s, tensors.FromShape(shapes.Make(dtypes.Float32, 1, s.height, s.width, s.channels)))
	if err != nil {
		return nil, err
	}
	s.dim = out.Shape().Size()
	if s.dim == 0 {
		return nil, fmt.Errorf("teacher %s %s: output %q is empty (shape %s); expected at least one feature per image", TeacherONNX, t.Path, s.output, out.Shape())
	}
	return s, nil
}

// describe checks the parsed model's input (one (N, C, H, W) image input, of a size the
// teacher's parameters agree with) and output against the teacher's parameters.
func (t *onnxTeacher) describe(m onnx.Model, sha string) (*onnxState, error) {
	s := &onnxState{model: m, sha: sha, input: t.Input, output: t.Output}
	names, inShapes := m.Inputs()
	idx := 0
	if s.input != "" {
		idx = -1
		for i, n := range names {
			if n == s.input {
				idx = i
			}
		}
		if idx < 0 {
			return nil, fmt.Errorf("teacher %s %s: %s = %q; the model's inputs are %q", TeacherONNX, t.Path, ParamTeacherInput, s.input, names)
		}
	} else if len(names) == 0 {
		return nil, fmt.Errorf("teacher %s %s: the model has no inputs; expected one (N, C, H, W) image input", TeacherONNX, t.Path)
	}
	if len(names) != 1 {
		return nil, fmt.Errorf("teacher %s %s: the model has %d inputs %q; expected one (N, C, H, W) image input", TeacherONNX, t.Path, len(names), names)
	}
	s.input = names[idx]
	shape := inShapes[idx]
	if shape.Rank() != 4 || shape.Dimensions[1] <= 0 {
		return nil, fmt.Errorf("teacher %s %s: input %q has shape %s; expected (N, C, H, W) with a fixed number of channels C", TeacherONNX, t.Path, s.input, shape)
	}
	s.inputDType = shape.DType
	s.channels = shape.Dimensions[1]
	s.height, s.width = shape.Dimensions[2], shape.Dimensions[3]
	switch {
	case t.Size > 0 && s.height > 0 && (s.height != t.Size || s.width != t.Size):
		return nil, fmt.Errorf("teacher %s %s: %s = %d but input %q has the fixed size %dx%d", TeacherONNX, t.Path, ParamTeacherSize, t.Size, s.input, s.height, s.width)
	case t.Size > 0:
		s.height, s.width = t.Size, t.Size
	case s.height <= 0 || s.width <= 0:
		return nil, fmt.Errorf("teacher %s %s: input %q has a dynamic size (%s); set %s", TeacherONNX, t.Path, s.input, shape, ParamTeacherSize)
	}
	if err := checkONNXInput(t.Path, s.input, s.channels, s.height, s.width); err != nil {
		return nil, err
	}
	outNames, _ := m.Outputs()
	if s.output == "" {
		if len(outNames) == 0 {
			return nil, fmt.Errorf("teacher %s %s: the model has no outputs", TeacherONNX, t.Path)
		}
		s.output = outNames[0]
	}
	return s, nil
}

// parseONNX checks (checkONNXModel) and parses the ONNX file path read into raw; external data
// is read from the file's folder.
func parseONNX(path string, raw []byte) (onnx.Model, error) {
	if err := checkONNXModel(path, raw); err != nil {
		return nil, err
	}
	var m onnx.Model
	var err error
	parseErr := exceptions.TryCatch[error](func() { m, err = parser.Parse(raw) })
	if err == nil {
		err = parseErr
	}
	if err != nil {
		return nil, fmt.Errorf("teacher %s %s: not a readable ONNX model: %w", TeacherONNX, path, err)
	}
	return m.WithBaseDir(filepath.Dir(path)), nil
}

// graph builds the teacher on a batch of normalised NHWC images: resize, channels, NCHW, model,
// flattened float32 output.
func (t *onnxTeacher) graph(s *onnxState) func(scope *model.Scope, images *Node) *Node {
	return func(scope *model.Scope, images *Node) *Node {
		x := teacherImages(images, s.height, s.width, s.channels)
		x = TransposeAllAxes(x, 0, 3, 1, 2)
		if s.inputDType != dtypes.InvalidDType && s.inputDType != x.DType() {
			x = ConvertDType(x, s.inputDType)
		}
		out := s.model.CallGraph(scope, x.Graph(), map[string]*Node{s.input: x}, s.output)[0]
		return ConvertDType(Reshape(out, images.Shape().Dim(0), -1), dtypes.Float32)
	}
}

// run executes the model on one batch of images.
func (t *onnxTeacher) run(backend compute.Backend, s *onnxState, images *tensors.Tensor) (*tensors.Tensor, error) {
	store := model.NewStore()
	if err := s.model.VariablesToScope(store.RootScope()); err != nil {
		return nil, fmt.Errorf("teacher %s %s: loading weights: %w", TeacherONNX, t.Path, err)
	}
	var out *tensors.Tensor
	err := exceptions.TryCatch[error](func() { out = model.MustCallOnce(backend, store, t.graph(s), images) })
	if err != nil {
		return nil, fmt.Errorf("teacher %s %s: running the model: %w", TeacherONNX, t.Path, err)
	}
	return out, nil
}

// String identifies the teacher with its file's content (the feature-cache key).
func (t *onnxTeacher) String() string {
	sha := "unread"
	if s, err := t.load(); err == nil {
		sha = s.sha
	}
	return fmt.Sprintf("teacher{kind:%s sha256:%s input:%s output:%s size:%d scale:%g norm:%v}", t.Kind, sha, t.Input, t.Output, t.Size, t.Scale, t.Norm)
}

// Shape implements Representation: the flattened output size.
func (t *onnxTeacher) Shape(height, width, channels int) ([]int, error) {
	s, err := t.load()
	if err != nil {
		return nil, err
	}
	if err := checkTeacherChannels(t.Path, s.channels, channels); err != nil {
		return nil, err
	}
	return []int{s.dim}, nil
}

// DiskCached implements DatasetRepresentation.
func (t *onnxTeacher) DiskCached() bool { return true }

// DatasetFeatures implements DatasetRepresentation: the model over every image of data.
func (t *onnxTeacher) DatasetFeatures(backend compute.Backend, data *datasets.Dataset) ([]float32, error) {
	s, err := t.load()
	if err != nil {
		return nil, err
	}
	if err := checkTeacherChannels(t.Path, s.channels, data.Channels); err != nil {
		return nil, err
	}
	fill, err := t.Norm.fill(data)
	if err != nil {
		return nil, err
	}
	store := model.NewStore()
	if err := s.model.VariablesToScope(store.RootScope()); err != nil {
		return nil, fmt.Errorf("teacher %s %s: loading weights: %w", TeacherONNX, t.Path, err)
	}
	exec, err := model.NewExec(backend, store, t.graph(s))
	if err != nil {
		return nil, fmt.Errorf("teacher %s %s: %w", TeacherONNX, t.Path, err)
	}
	features, _, err := encodeImages(exec, data, fill)
	if err != nil {
		return nil, fmt.Errorf("teacher %s %s: %w", TeacherONNX, t.Path, err)
	}
	if err := finiteTeacherFeatures(TeacherONNX, t.Path, features, data.Len()); err != nil {
		return nil, err
	}
	return scaled(features, t.Scale), nil
}
