package mvmr

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
)

// Distillation settings for the CPU-sized MNIST demonstration (`mvmr distill-demo`,
// notebooks/04_distillation.ipynb).
const (
	// DistillStudentSpec is the demonstration's student: 3×3 stride-2 convolutions 8-16-32
	// (h the flattened 4×4×32 map, 512-d) and a 128-128 projector, about 1/16 of the default
	// encoder's parameters (backbone and in total).
	DistillStudentSpec = "8-16-32/128-128"
)

// ParseStudentSpec parses an encoder spec "CHANNELS/PROJECTOR", such as "8-16-32/128-128":
// 3×3 convolutions with those output channels, each of stride 2, h the flattened last map, and
// the projector widths (ParseProjectorSpec). "CHANNELS" alone keeps the default projector.
func ParseStudentSpec(spec string) (nn.EncoderConfig, error) {
	channelsSpec, projector, hasProjector := strings.Cut(strings.TrimSpace(spec), "/")
	config := nn.DefaultEncoderConfig()
	config.Channels, config.Strides = nil, nil
	for i, part := range strings.Split(channelsSpec, "-") {
		c, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || c <= 0 {
			return nn.EncoderConfig{}, fmt.Errorf("encoder spec %q: convolution %d is %q; expected CHANNELS/PROJECTOR such as %q", spec, i+1, part, DistillStudentSpec)
		}
		config.Channels = append(config.Channels, c)
		config.Strides = append(config.Strides, 2)
	}
	if hasProjector {
		config.Projector = projector
	}
	if err := config.Validate(); err != nil {
		return nn.EncoderConfig{}, fmt.Errorf("encoder spec %q: %w", spec, err)
	}
	return config, nil
}

// DistillConfig returns the configuration that distils teacher into an encoder: the
// quickstart's settings over totalSteps with the given encoder, and the loss of the official
// CLIP distillation, L1 + L2 + the teacher term, without the image representations.
func DistillConfig(encoder nn.EncoderConfig, teacher RepresentationTerm, totalSteps int64) Config {
	c := QuickstartConfig(totalSteps)
	c.Encoder = encoder
	c.Loss.Representations = []RepresentationTerm{teacher}
	return c
}

// DistillResult is one model of a distillation comparison (a row of `mvmr distill-demo`'s
// table, notebooks/data/distillation.csv).
type DistillResult struct {
	// Model names the run: "teacher", "student distilled (checkpoint teacher)", ...
	Model string `json:"model"`
	// Encoder is the encoder spec CHANNELS/PROJECTOR.
	Encoder string `json:"encoder"`
	// Teacher is the teacher's KIND:PATH, or "none (MV-MR)".
	Teacher string `json:"teacher"`
	// BackboneParams and TotalParams are the trainable parameters (ParameterCount).
	BackboneParams int `json:"backbone_params"`
	TotalParams    int `json:"total_params"`
	// HDim is the size of h, the probed representation.
	HDim  int `json:"h_dim"`
	Steps int `json:"steps"`
	// TrainSeconds is the training wall time (teacher features included for a student).
	TrainSeconds float64 `json:"train_seconds"`
	// Top1 and Top5 are the linear probe's test accuracies in [0, 1].
	Top1 float64 `json:"linear_top1"`
	Top5 float64 `json:"linear_top5"`
	// KNN20 and KNN200 are the weighted kNN classifier's test top-1 (KNN, k = 20 and 200).
	KNN20  float64 `json:"knn20_top1"`
	KNN200 float64 `json:"knn200_top1"`
}

var distillCSVHeader = []string{"model", "encoder", "teacher", "backbone_params", "total_params", "h_dim", "steps", "train_seconds", "linear_top1", "linear_top5", "knn20_top1", "knn200_top1"}

// WriteDistillCSV writes results as CSV with a header line.
func WriteDistillCSV(w io.Writer, results []DistillResult) error {
	cw := csv.NewWriter(w)
	cw.Write(distillCSVHeader)
	for _, r := range results {
		cw.Write([]string{r.Model, r.Encoder, r.Teacher, strconv.Itoa(r.BackboneParams), strconv.Itoa(r.TotalParams),
			strconv.Itoa(r.HDim), strconv.Itoa(r.Steps), strconv.FormatFloat(r.TrainSeconds, 'f', 1, 64),
			strconv.FormatFloat(r.Top1, 'f', 4, 64), strconv.FormatFloat(r.Top5, 'f', 4, 64),
			strconv.FormatFloat(r.KNN20, 'f', 4, 64), strconv.FormatFloat(r.KNN200, 'f', 4, 64)})
	}
	cw.Flush()
	return cw.Error()
}

// ReadDistillCSV reads a table written by WriteDistillCSV, with errors naming the file, the
// line and the column.
func ReadDistillCSV(path string) ([]DistillResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mvmr: %w", err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("mvmr: %s: %w", path, err)
	}
	if len(records) == 0 || strings.Join(records[0], ",") != strings.Join(distillCSVHeader, ",") {
		return nil, fmt.Errorf("mvmr: %s: expected the header %q", path, strings.Join(distillCSVHeader, ","))
	}
	var out []DistillResult
	for i, rec := range records[1:] {
		r := DistillResult{Model: rec[0], Encoder: rec[1], Teacher: rec[2]}
		ints := []*int{&r.BackboneParams, &r.TotalParams, &r.HDim, &r.Steps}
		for k, dst := range ints {
			if *dst, err = strconv.Atoi(rec[3+k]); err != nil {
				return nil, fmt.Errorf("mvmr: %s: line %d: %s = %q; expected an integer", path, i+2, distillCSVHeader[3+k], rec[3+k])
			}
		}
		floats := []*float64{&r.TrainSeconds, &r.Top1, &r.Top5, &r.KNN20, &r.KNN200}
		for k, dst := range floats {
			if *dst, err = strconv.ParseFloat(rec[7+k], 64); err != nil {
				return nil, fmt.Errorf("mvmr: %s: line %d: %s = %q; expected a number", path, i+2, distillCSVHeader[7+k], rec[7+k])
			}
		}
		out = append(out, r)
	}
	return out, nil
}
