package mvmr

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/gomlx/compute/dtypes"
	"google.golang.org/protobuf/proto"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
)

// ONNXExportOptions are ExportONNX's settings.
type ONNXExportOptions struct {
	// Z adds the embedding z (the projector's output) as a second output next to h.
	Z bool
	// Mean and Std are the per-channel normalisation the model's inputs need, recorded in the
	// model's metadata (not applied by it). Empty: datasets.Normalisation of the data set the
	// checkpoint was trained on.
	Mean, Std []float32
}

// ONNXExport describes a model ExportONNX wrote.
type ONNXExport struct {
	Path                    string
	Step                    int64
	Data                    string // the data set the encoder was trained on
	Channels, Height, Width int
	Mean, Std               []float32 // the normalisation the inputs need
	HDim, ZDim              int       // ZDim is 0 without the z output
	Bytes                   int
}

// ExportONNX writes the encoder of the checkpoint at checkpoint as a standard ONNX model (see
// nn.EncoderConfig.ONNXGraph: input "images", float32 (N, C, H, W) normalised images; outputs "h"
// and, with opts.Z, "z"), atomically. The model is what Trainer.Features (and Embeddings)
// compute on the same images, in any ONNX runtime; it also works as a teacher of kind onnx.
func ExportONNX(checkpoint, out string, opts ONNXExportOptions) (ONNXExport, error) {
	header, payload, err := readCheckpoint(checkpoint)
	if err != nil {
		return ONNXExport{}, err
	}
	d := header.Data
	if len(opts.Mean) == 0 {
		if opts.Mean, opts.Std, err = trainedNormalisation(d.Name); err != nil {
			return ONNXExport{}, fmt.Errorf("mvmr: export %s: %w; set ONNXExportOptions.Mean and Std", checkpoint, err)
		}
	}
	if len(opts.Mean) != d.Channels || len(opts.Std) != d.Channels {
		return ONNXExport{}, fmt.Errorf("mvmr: export %s: normalisation mean %v and std %v; expected %d values each (the images' channels)",
			checkpoint, opts.Mean, opts.Std, d.Channels)
	}
	variables := map[string]checkpointVariable{}
	for _, v := range header.Variables {
		variables[v.Path] = v
	}
	weights := func(path string) ([]float32, []int, error) {
		v, ok := variables["/"+encoderScope+"/"+path]
		if !ok {
			return nil, nil, fmt.Errorf("not in checkpoint %s", checkpoint)
		}
		return float32Variable(v, payload)
	}
	enc := header.Config.Encoder
	graph, err := enc.ONNXGraph(weights, d.Height, d.Width, d.Channels, opts.Z)
	if err != nil {
		return ONNXExport{}, fmt.Errorf("mvmr: export %s: %w", checkpoint, err)
	}
	m := &protos.ModelProto{
		IrVersion:       nn.ONNXIRVersion,
		OpsetImport:     []*protos.OperatorSetIdProto{{Domain: "", Version: nn.ONNXOpset}},
		ProducerName:    "mvmr-go",
		ProducerVersion: "mvmr export",
		Graph:           graph,
		DocString: fmt.Sprintf("MV-MR encoder from %s (step %d, trained on %s %dx%dx%d images). Input %q: float32 (N, %d, %d, %d) "+
			"images scaled to [0, 1] and normalised per channel with mean %v and std %v. Outputs: %s.",
			checkpoint, header.Step, d.Name, d.Height, d.Width, d.Channels, nn.ONNXInput, d.Channels, d.Height, d.Width,
			opts.Mean, opts.Std, strings.Join(outputNames(graph), ", ")),
		MetadataProps: []*protos.StringStringEntryProto{
			{Key: "mvmr.step", Value: fmt.Sprint(header.Step)},
			{Key: "mvmr.data", Value: d.Name},
			{Key: "mvmr.normalisation.mean", Value: floatList(opts.Mean)},
			{Key: "mvmr.normalisation.std", Value: floatList(opts.Std)},
			{Key: "mvmr.arch", Value: archName(enc)},
		},
	}
	raw, err := proto.Marshal(m)
	if err != nil {
		return ONNXExport{}, fmt.Errorf("mvmr: export %s: %w", out, err)
	}
	if err := atomicfile.WriteBytes(out, raw); err != nil {
		return ONNXExport{}, fmt.Errorf("mvmr: export: writing %s: %w", out, err)
	}
	e := ONNXExport{Path: out, Step: header.Step, Data: d.Name, Mean: opts.Mean, Std: opts.Std, Channels: d.Channels, Height: d.Height, Width: d.Width,
		HDim: enc.HDim(d.Height, d.Width), Bytes: len(raw)}
	if opts.Z {
		e.ZDim = enc.ZDim()
	}
	return e, nil
}

// trainedNormalisation is datasets.Normalisation of a Dataset.Name such as "mnist/train[:1024]".
func trainedNormalisation(name string) ([]float32, []float32, error) {
	base, _, _ := strings.Cut(name, "/")
	base, _, _ = strings.Cut(base, "[")
	return datasets.Normalisation(base)
}

// float32Variable decodes a float32 checkpoint variable from the payload.
func float32Variable(v checkpointVariable, payload []byte) ([]float32, []int, error) {
	if v.DType != dtypes.Float32.String() {
		return nil, nil, fmt.Errorf("dtype %s; expected Float32", v.DType)
	}
	n := 1
	for _, d := range v.Dims {
		n *= d
	}
	if v.Offset < 0 || v.Length != int64(4*n) || v.Offset+v.Length > int64(len(payload)) {
		return nil, nil, fmt.Errorf("%d bytes at offset %d; expected %d bytes within %d data bytes", v.Length, v.Offset, 4*n, len(payload))
	}
	raw := payload[v.Offset : v.Offset+v.Length]
	values := make([]float32, n)
	for i := range values {
		values[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return values, v.Dims, nil
}

func outputNames(g *protos.GraphProto) []string {
	var names []string
	for _, o := range g.Output {
		names = append(names, o.Name)
	}
	return names
}

func floatList(v []float32) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ",")
}

func archName(c nn.EncoderConfig) string {
	if c.Arch == "" {
		return nn.ArchCNN
	}
	return c.Arch
}
