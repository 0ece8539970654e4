package mvmr

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gomlx/compute-onnx/support/protos"
	"google.golang.org/protobuf/proto"
)

// onnxMaxInputValues bounds C·H·W of a teacher's image input (the zero image open runs the
// model on, and every batch): 4096×4096 pixels of 4 channels.
const onnxMaxInputValues = 4096 * 4096 * 4

// checkONNXModel checks an ONNX file's bytes before onnx-gomlx reads them, for what that parser
// would otherwise trust: a graph is present, every input and output is a tensor, and every
// tensor stored in the file (initializers and the tensor attributes of nodes, in sub-graphs too)
// has non-negative dims whose byte size its data holds. onnx-gomlx allocates a tensor of the
// dims' size before comparing it with the data, so a file claiming 10¹² elements would
// otherwise allocate terabytes; here it fails at once, naming the tensor. External data must be
// a file in the model's folder (dir) at least as long as the tensor needs.
func checkONNXModel(path string, raw []byte) error {
	var m protos.ModelProto
	if err := proto.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("teacher %s %s: not a readable ONNX model: %w", TeacherONNX, path, err)
	}
	if m.Graph == nil {
		return fmt.Errorf("teacher %s %s: not a readable ONNX model: no graph", TeacherONNX, path)
	}
	for _, io := range [][]*protos.ValueInfoProto{m.Graph.Input, m.Graph.Output} {
		for _, v := range io {
			if v.GetType().GetTensorType() == nil {
				return fmt.Errorf("teacher %s %s: input or output %q is not a tensor; expected image tensors", TeacherONNX, path, v.GetName())
			}
		}
	}
	if err := checkONNXGraph(filepath.Dir(path), m.Graph, 0); err != nil {
		return fmt.Errorf("teacher %s %s: %w", TeacherONNX, path, err)
	}
	return nil
}

// checkONNXGraph checks the tensors stored in graph g and its sub-graphs (depth: nesting, bounded
// so that a file of nested graphs cannot exhaust the stack).
func checkONNXGraph(dir string, g *protos.GraphProto, depth int) error {
	if depth > 64 {
		return fmt.Errorf("graph %q: sub-graphs nested more than 64 deep", g.GetName())
	}
	if len(g.GetSparseInitializer()) > 0 {
		return fmt.Errorf("graph %q: sparse initializers are not supported", g.GetName())
	}
	for _, t := range g.GetInitializer() {
		if err := checkONNXTensor(dir, t); err != nil {
			return err
		}
	}
	for _, n := range g.GetNode() {
		for _, a := range n.GetAttribute() {
			if a.GetSparseTensor() != nil || len(a.GetSparseTensors()) > 0 {
				return fmt.Errorf("node %q attribute %q: sparse tensors are not supported", n.GetName(), a.GetName())
			}
			for _, t := range append([]*protos.TensorProto{a.GetT()}, a.GetTensors()...) {
				if t == nil {
					continue
				}
				if err := checkONNXTensor(dir, t); err != nil {
					return fmt.Errorf("node %q attribute %q: %w", n.GetName(), a.GetName(), err)
				}
			}
			for _, sub := range append([]*protos.GraphProto{a.GetG()}, a.GetGraphs()...) {
				if sub == nil {
					continue
				}
				if err := checkONNXGraph(dir, sub, depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// onnxElementBytes are the sizes of the ONNX element types onnx-gomlx reads.
var onnxElementBytes = map[protos.TensorProto_DataType]int64{
	protos.TensorProto_FLOAT: 4, protos.TensorProto_DOUBLE: 8, protos.TensorProto_FLOAT16: 2, protos.TensorProto_BFLOAT16: 2,
	protos.TensorProto_INT8: 1, protos.TensorProto_INT16: 2, protos.TensorProto_INT32: 4, protos.TensorProto_INT64: 8,
	protos.TensorProto_UINT8: 1, protos.TensorProto_UINT16: 2, protos.TensorProto_UINT32: 4, protos.TensorProto_UINT64: 8,
	protos.TensorProto_BOOL: 1, protos.TensorProto_COMPLEX64: 8, protos.TensorProto_COMPLEX128: 16,
}

// checkONNXTensor checks that the data of t holds its dims' elements, without allocating.
func checkONNXTensor(dir string, t *protos.TensorProto) error {
	size, ok := onnxElementBytes[protos.TensorProto_DataType(t.GetDataType())]
	if !ok {
		return fmt.Errorf("tensor %q: data type %v; expected a numeric type", t.GetName(), protos.TensorProto_DataType(t.GetDataType()))
	}
	// What the file holds for it, in elements (raw and external data in bytes, converted below).
	var held int64
	var where string
	switch {
	case t.GetDataLocation() == protos.TensorProto_EXTERNAL || len(t.GetExternalData()) > 0:
		n, err := onnxExternalBytes(dir, t)
		if err != nil {
			return err
		}
		held, where = n/size, fmt.Sprintf("%d bytes of external data", n)
	case t.RawData != nil:
		held, where = int64(len(t.RawData))/size, fmt.Sprintf("%d bytes of raw data", len(t.RawData))
	default:
		held = int64(max(len(t.FloatData), len(t.DoubleData), len(t.Int32Data), len(t.Int64Data), len(t.Uint64Data)))
		where = fmt.Sprintf("%d values", held)
	}
	count := int64(1)
	for _, d := range t.GetDims() {
		if d < 0 {
			return fmt.Errorf("tensor %q: dims %v: negative dimension %d", t.GetName(), t.GetDims(), d)
		}
		if d > 0 && count > held/d {
			return fmt.Errorf("tensor %q: dims %v need more elements than the file holds (%s)", t.GetName(), t.GetDims(), where)
		}
		count *= d
	}
	if t.RawData != nil && count*size != int64(len(t.RawData)) {
		return fmt.Errorf("tensor %q: dims %v need %d bytes; the file holds %s", t.GetName(), t.GetDims(), count*size, where)
	}
	return nil
}

// onnxExternalBytes returns the number of bytes the external data of t can supply: its file must
// be a relative path inside dir (the model's folder), and the offset and length within it.
func onnxExternalBytes(dir string, t *protos.TensorProto) (int64, error) {
	var location string
	offset, length := int64(0), int64(-1)
	for _, e := range t.GetExternalData() {
		var err error
		switch e.GetKey() {
		case "location":
			location = e.GetValue()
		case "offset":
			offset, err = strconv.ParseInt(e.GetValue(), 10, 64)
		case "length":
			length, err = strconv.ParseInt(e.GetValue(), 10, 64)
		}
		if err != nil || offset < 0 || length < -1 {
			return 0, fmt.Errorf("tensor %q: external data %s = %q; expected a non-negative integer", t.GetName(), e.GetKey(), e.GetValue())
		}
	}
	clean := filepath.Clean(location)
	if location == "" || filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return 0, fmt.Errorf("tensor %q: external data location %q; expected a file in the model's folder", t.GetName(), location)
	}
	info, err := os.Stat(filepath.Join(dir, clean))
	if err != nil {
		return 0, fmt.Errorf("tensor %q: external data: %w", t.GetName(), err)
	}
	if !info.Mode().IsRegular() {
		return 0, fmt.Errorf("tensor %q: external data %s is not a regular file", t.GetName(), location)
	}
	avail := info.Size() - offset
	if avail < 0 {
		return 0, fmt.Errorf("tensor %q: external data offset %d is past the end of %s (%d bytes)", t.GetName(), offset, location, info.Size())
	}
	if length >= 0 {
		if length > avail {
			return 0, fmt.Errorf("tensor %q: external data length %d at offset %d runs past the end of %s (%d bytes)", t.GetName(), length, offset, location, info.Size())
		}
		avail = length
	}
	return avail, nil
}

// checkONNXInput bounds the image input a teacher runs on (channels × height × width values).
func checkONNXInput(path, input string, channels, height, width int) error {
	if channels > 0 && height > 0 && width > 0 &&
		int64(channels)*int64(height) <= onnxMaxInputValues && int64(channels)*int64(height)*int64(width) <= onnxMaxInputValues {
		return nil
	}
	return fmt.Errorf("teacher %s %s: input %q is %d channels of %dx%d; expected positive sizes with C·H·W at most %d",
		TeacherONNX, path, input, channels, height, width, onnxMaxInputValues)
}
