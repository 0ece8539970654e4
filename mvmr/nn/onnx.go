package nn

import (
	"fmt"
	"slices"

	"github.com/gomlx/compute-onnx/support/protos"
)

// ONNX export: the encoder written as a standard ONNX graph (opset ONNXOpset) built from the ONNX
// protobuf types, so that any ONNX runtime can compute h (and z) from a trained encoder's weights.
//
// The graph takes "images", float32 (N, C, H, W) normalised images (N dynamic: the layout of
// torch.onnx.export and of the kit's onnx teachers), and computes what Backbone and Encode compute
// in evaluation mode (BatchNorm with the running statistics):
//
//   - Conv (no bias; the kit's [k·k·Cin, Cout] kernel rearranged to ONNX's [Cout, Cin, k, k]),
//     BatchNormalization (epsilon BatchNormEpsilon), Relu, Add, MaxPool 3×3/2 (pads 1),
//     GlobalAveragePool;
//   - HeadFlatten flattens the last map in the kit's (height, width, channel) order: Transpose to
//     NHWC, then Flatten, so that h matches the kit's h feature for feature;
//   - the projector: MatMul with the [in, out] weights, BatchNormalization and Relu between layers.
//
// Outputs: "h" (N, HDim) and, when asked, "z" (N, ZDim). The graph always computes in float32:
// an encoder trained with PrecisionBFloat16 is exported with its float32 master weights.
const (
	// ONNXOpset is the ONNX operator set the exported graph declares (default domain).
	ONNXOpset = 13
	// ONNXIRVersion is the ONNX IR version of the exported model (IR 8: ONNX 1.10 and later).
	ONNXIRVersion = 8
	// ONNXInput, ONNXOutputH and ONNXOutputZ are the exported graph's input and output names.
	ONNXInput   = "images"
	ONNXOutputH = "h"
	ONNXOutputZ = "z"
)

// ONNXWeights returns the float32 values and dimensions of the encoder variable at path, relative
// to the scope the encoder was built in ("backbone/block_0/conv/weights",
// "projector/layer_0/bn/running_mean", ...).
type ONNXWeights func(path string) (values []float32, dims []int, err error)

// ONNXGraph returns the encoder as an ONNX graph for (N, channels, height, width) images, with
// the output z too when withZ is set. weights supplies the trained variables; a missing
// variable or one of an unexpected shape is an error naming it.
func (c EncoderConfig) ONNXGraph(weights ONNXWeights, height, width, channels int, withZ bool) (*protos.GraphProto, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if height < 1 || width < 1 || channels < 1 {
		return nil, fmt.Errorf("nn.ONNXGraph: image shape %dx%dx%d; expected positive sizes", height, width, channels)
	}
	b := &onnxBuilder{weights: weights}
	h := b.backbone(c, ONNXInput, channels)
	b.rename(h, ONNXOutputH)
	hDim := c.HDim(height, width)
	outputs := []*protos.ValueInfoProto{onnxValue(ONNXOutputH, "N", hDim)}
	if withZ {
		widths, err := ParseProjectorSpec(c.Projector)
		if err != nil {
			return nil, err
		}
		z := b.projector(ONNXOutputH, hDim, widths)
		b.rename(z, ONNXOutputZ)
		outputs = append(outputs, onnxValue(ONNXOutputZ, "N", c.ZDim()))
	}
	if b.err != nil {
		return nil, b.err
	}
	return &protos.GraphProto{
		Name:        "mvmr_encoder",
		Node:        b.nodes,
		Initializer: b.inits,
		Input:       []*protos.ValueInfoProto{onnxValue(ONNXInput, "N", channels, height, width)},
		Output:      outputs,
	}, nil
}

// onnxBuilder appends nodes and initialisers; the first error stops it (later calls do nothing
// useful and ONNXGraph returns the error).
type onnxBuilder struct {
	weights ONNXWeights
	nodes   []*protos.NodeProto
	inits   []*protos.TensorProto
	count   int
	err     error
}

func (b *onnxBuilder) backbone(c EncoderConfig, x string, channels int) string {
	if c.isResNet() {
		return b.resnet(c, x, channels)
	}
	for i, ch := range c.Channels {
		block := fmt.Sprintf("backbone/block_%d/", i)
		x = b.conv(block+"conv", x, channels, ch, 3, c.Strides[i], 1)
		x = b.batchNorm(block+"bn", x, ch, true)
		channels = ch
	}
	if c.Head == HeadAvgPool {
		return b.node("Flatten", []string{b.node("GlobalAveragePool", []string{x})}, onnxInt("axis", 1))
	}
	nhwc := b.node("Transpose", []string{x}, onnxInts("perm", 0, 2, 3, 1))
	return b.node("Flatten", []string{nhwc}, onnxInt("axis", 1))
}

func (b *onnxBuilder) resnet(c EncoderConfig, x string, channels int) string {
	spec := resnetSpecs[c.Arch]
	if spec.cifar || c.SmallKernel {
		x = b.conv("backbone/conv1", x, channels, spec.stemWidth, 3, 1, 1)
	} else {
		x = b.conv("backbone/conv1", x, channels, spec.stemWidth, 7, 2, 3)
	}
	x = b.batchNorm("backbone/bn1", x, spec.stemWidth, true)
	if !spec.cifar && !c.NoMaxPool {
		x = b.node("MaxPool", []string{x}, onnxInts("kernel_shape", 3, 3), onnxInts("strides", 2, 2), onnxInts("pads", 1, 1, 1, 1))
	}
	in := spec.stemWidth
	for i, n := range spec.blocks {
		for j := range n {
			stride := 1
			if j == 0 {
				stride = spec.stageStride(i)
			}
			block := fmt.Sprintf("backbone/layer%d/%d/", i+1, j)
			x, in = b.residualBlock(block, x, in, spec.widths[i], stride, spec.bottleneck)
		}
	}
	return b.node("Flatten", []string{b.node("GlobalAveragePool", []string{x})}, onnxInt("axis", 1))
}

// residualBlock is BasicBlock or BottleneckBlock; it returns the output and its channels.
func (b *onnxBuilder) residualBlock(scope, x string, in, planes, stride int, bottleneck bool) (string, int) {
	var out string
	width := planes
	if bottleneck {
		width = 4 * planes
		out = b.conv(scope+"conv1", x, in, planes, 1, 1, 0)
		out = b.batchNorm(scope+"bn1", out, planes, true)
		out = b.conv(scope+"conv2", out, planes, planes, 3, stride, 1)
		out = b.batchNorm(scope+"bn2", out, planes, true)
		out = b.conv(scope+"conv3", out, planes, width, 1, 1, 0)
		out = b.batchNorm(scope+"bn3", out, width, false)
	} else {
		out = b.conv(scope+"conv1", x, in, planes, 3, stride, 1)
		out = b.batchNorm(scope+"bn1", out, planes, true)
		out = b.conv(scope+"conv2", out, planes, planes, 3, 1, 1)
		out = b.batchNorm(scope+"bn2", out, planes, false)
	}
	short := x
	if stride != 1 || in != width {
		short = b.conv(scope+"downsample/conv", x, in, width, 1, stride, 0)
		short = b.batchNorm(scope+"downsample/bn", short, width, false)
	}
	return b.node("Relu", []string{b.node("Add", []string{out, short})}), width
}

func (b *onnxBuilder) projector(h string, in int, widths []int) string {
	z := h
	for i, w := range widths {
		layer := fmt.Sprintf("projector/layer_%d/", i)
		z = b.node("MatMul", []string{z, b.initializer(layer+"weights", []int{in, w}, nil)})
		if i < len(widths)-1 {
			z = b.batchNorm(layer+"bn", z, w, true)
		}
		in = w
	}
	return z
}

// conv is the kit's Conv (no bias) on an NCHW input: its kernel rows are ordered (kernel row,
// kernel column, input channel), ONNX's W is [Cout, Cin, k, k].
func (b *onnxBuilder) conv(scope, x string, in, out, kernel, stride, pad int) string {
	w := b.initializer(scope+"/weights", []int{kernel * kernel * in, out}, func(v []float32) []float32 {
		oihw := make([]float32, len(v))
		for o := range out {
			for c := range in {
				for i := range kernel {
					for j := range kernel {
						oihw[((o*in+c)*kernel+i)*kernel+j] = v[((i*kernel+j)*in+c)*out+o]
					}
				}
			}
		}
		return oihw
	}, out, in, kernel, kernel)
	return b.node("Conv", []string{x, w}, onnxInts("kernel_shape", int64(kernel), int64(kernel)),
		onnxInts("strides", int64(stride), int64(stride)), onnxInts("pads", int64(pad), int64(pad), int64(pad), int64(pad)))
}

// batchNorm is BatchNorm in evaluation mode (the running statistics), then Relu if relu.
func (b *onnxBuilder) batchNorm(scope, x string, features int, relu bool) string {
	var inputs []string
	inputs = append(inputs, x)
	for _, name := range []string{"gamma", "beta", "running_mean", "running_var"} {
		inputs = append(inputs, b.initializer(scope+"/"+name, []int{features}, nil))
	}
	out := b.node("BatchNormalization", inputs, onnxFloat("epsilon", BatchNormEpsilon), onnxFloat("momentum", 1-BatchNormMomentum))
	if relu {
		out = b.node("Relu", []string{out})
	}
	return out
}

// initializer adds the variable at path (checked to have dims want) as an initialiser named after
// it, rearranged by reorder (nil: as it is) to the ONNX dims onnxDims (none: want).
func (b *onnxBuilder) initializer(path string, want []int, reorder func([]float32) []float32, onnxDims ...int) string {
	if b.err != nil {
		return path
	}
	values, dims, err := b.weights(path)
	switch {
	case err != nil:
		b.err = fmt.Errorf("nn.ONNXGraph: variable %s: %w", path, err)
		return path
	case !slices.Equal(dims, want) || len(values) != product(want):
		b.err = fmt.Errorf("nn.ONNXGraph: variable %s has shape %v (%d values); the encoder config expects %v", path, dims, len(values), want)
		return path
	}
	if reorder != nil {
		values = reorder(values)
	}
	if len(onnxDims) == 0 {
		onnxDims = want
	}
	t := &protos.TensorProto{Name: path, DataType: int32(protos.TensorProto_FLOAT), FloatData: values}
	for _, d := range onnxDims {
		t.Dims = append(t.Dims, int64(d))
	}
	b.inits = append(b.inits, t)
	return path
}

// node appends an operation with one output and returns the output's name.
func (b *onnxBuilder) node(op string, inputs []string, attrs ...*protos.AttributeProto) string {
	b.count++
	out := fmt.Sprintf("%s_%d", op, b.count)
	b.nodes = append(b.nodes, &protos.NodeProto{Name: out, OpType: op, Input: inputs, Output: []string{out}, Attribute: attrs})
	return out
}

// rename gives the value named from (the output of a node) the name to.
func (b *onnxBuilder) rename(from, to string) {
	for _, n := range b.nodes {
		for i, o := range n.Output {
			if o == from {
				n.Output[i] = to
			}
		}
		for i, in := range n.Input {
			if in == from {
				n.Input[i] = to
			}
		}
	}
}

func product(dims []int) int {
	p := 1
	for _, d := range dims {
		p *= d
	}
	return p
}

func onnxInts(name string, v ...int64) *protos.AttributeProto {
	return &protos.AttributeProto{Name: name, Type: protos.AttributeProto_INTS, Ints: v}
}

func onnxInt(name string, v int64) *protos.AttributeProto {
	return &protos.AttributeProto{Name: name, Type: protos.AttributeProto_INT, I: v}
}

func onnxFloat(name string, v float32) *protos.AttributeProto {
	return &protos.AttributeProto{Name: name, Type: protos.AttributeProto_FLOAT, F: v}
}

// onnxValue describes a float32 tensor; a string dimension is symbolic (the batch).
func onnxValue(name string, dims ...any) *protos.ValueInfoProto {
	shape := &protos.TensorShapeProto{}
	for _, d := range dims {
		dim := &protos.TensorShapeProto_Dimension{}
		switch v := d.(type) {
		case int:
			dim.Value = &protos.TensorShapeProto_Dimension_DimValue{DimValue: int64(v)}
		case string:
			dim.Value = &protos.TensorShapeProto_Dimension_DimParam{DimParam: v}
		}
		shape.Dim = append(shape.Dim, dim)
	}
	return &protos.ValueInfoProto{Name: name, Type: &protos.TypeProto{Value: &protos.TypeProto_TensorType{
		TensorType: &protos.TypeProto_Tensor{ElemType: int32(protos.TensorProto_FLOAT), Shape: shape}}}}
}
