package mvmr

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	. "github.com/gomlx/gomlx/core/graph"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/finite"
)

// Distillation: a pretrained teacher's embedding of the original image is one more MV-MR
// representation, so distilling is the same loss with the teacher as an L3 term,
// L1 + L2 + (1 − dCor(z~/32, teacher(x)/32)), as the official CLIP distillation
// (clip_self_supervised_module.py: loss_dc_clip = 1 − dc(z_scaled, clip_z_orig)). The teacher is
// any model a user has: a checkpoint of this kit, a precomputed (N, D) embedding table, or an
// ONNX image model. Its embeddings of the original images never change, so they are computed
// once per data set and cached like other host representations.
const (
	// TeacherName is the registry name of the teacher representation; its loss term is
	// TermTeacher in History, metrics and plot legends.
	TeacherName = "teacher"
	// TermTeacher is the name of the distillation term, 1 − dCor(z~, teacher).
	TermTeacher = history.DCorTermPrefix + TeacherName

	// TeacherCheckpoint is an encoder trained by this kit (a Trainer.Save file), run frozen
	// (BatchNorm in evaluation mode) on the original images resized to its training size.
	TeacherCheckpoint = "checkpoint"
	// TeacherNPY is a precomputed (N, D) float .npy table whose row i is image i's embedding.
	TeacherNPY = "npy"
	// TeacherONNX is an ONNX image model taking (N, C, H, W) images, run with onnx-gomlx.
	TeacherONNX = "onnx"

	// TeacherNeeds is what `mvmr rep -list` shows in the teacher's size column: its size is the
	// teacher model's, given as `mvmr distill -teacher KIND:PATH` or as a "teacher" term with
	// kind and path among a configuration's representations.
	TeacherNeeds = "the teacher model's size: give a teacher with mvmr distill -teacher KIND:PATH (KIND checkpoint, npy or onnx)"

	// TeacherScale divides the teacher's embedding before dCor, as the official code's
	// clip.encode_image(x) / 32; dCor is scale invariant but for the 1e-4 distance clamp.
	TeacherScale = 32
)

// Teacher parameters (RepresentationTerm.Params of the "teacher" term).
const (
	// ParamTeacherKind is TeacherCheckpoint, TeacherNPY or TeacherONNX (required).
	ParamTeacherKind = "kind"
	// ParamTeacherPath is the teacher's file (required).
	ParamTeacherPath = "path"
	// ParamTeacherScale divides the embedding (default TeacherScale).
	ParamTeacherScale = "scale"
	// ParamTeacherOutput picks the embedding: "h" (default) or "z" for a checkpoint, an output
	// name for an ONNX model (default its first output).
	ParamTeacherOutput = "output"
	// ParamTeacherInput is the ONNX input name (default the model's first input).
	ParamTeacherInput = "input"
	// ParamTeacherSize is the square input size of an ONNX teacher (default the model's static
	// input size); images are resized to it bilinearly (align_corners=False, as the official
	// F.interpolate to 224).
	ParamTeacherSize = "size"
	// ParamTeacherMean and ParamTeacherStd are the per-channel normalisation the teacher expects,
	// on the [0, 1] pixel scale ("0.485,0.456,0.406"; one value for all channels). Without them
	// the teacher sees the images normalised with the data set's statistics, as the official
	// code feeds CLIP the student's normalised im_orig.
	ParamTeacherMean = "mean"
	ParamTeacherStd  = "std"
)

// TeacherTerm returns the loss term distilling from the teacher of the given kind at path, with
// extra parameters (nil for defaults), weight 1 and ModeMaximize.
func TeacherTerm(kind, path string, params reps.Params) RepresentationTerm {
	p := reps.Params{ParamTeacherKind: kind, ParamTeacherPath: path}
	for k, v := range params {
		p[k] = v
	}
	return RepresentationTerm{Name: TeacherName, Params: p, Weight: 1, Mode: ModeMaximize}
}

// ParseTeacherSpec parses "KIND:PATH" (as the CLI's --teacher) into a kind and a path.
func ParseTeacherSpec(spec string) (kind, path string, err error) {
	kind, path, ok := strings.Cut(spec, ":")
	if !ok || path == "" || (kind != TeacherCheckpoint && kind != TeacherNPY && kind != TeacherONNX) {
		return "", "", fmt.Errorf("teacher %q: expected KIND:PATH with KIND %s, %s or %s", spec, TeacherCheckpoint, TeacherNPY, TeacherONNX)
	}
	return kind, path, nil
}

// newTeacher creates the teacher representation (Representations' TeacherName entry) from its
// parameters.
func newTeacher(_ string, params reps.Params) (reps.Representation, error) {
	kind, err := params.Choice(TeacherName, ParamTeacherKind, "", TeacherCheckpoint, TeacherNPY, TeacherONNX)
	if err != nil {
		return nil, err
	}
	if kind == "" {
		return nil, fmt.Errorf("representation %q: %s is required (%s, %s or %s)", TeacherName, ParamTeacherKind, TeacherCheckpoint, TeacherNPY, TeacherONNX)
	}
	path, err := params.Text(TeacherName, ParamTeacherPath, "")
	if err != nil {
		return nil, err
	}
	if path == "" {
		return nil, fmt.Errorf("representation %q: %s is required (the %s teacher's file)", TeacherName, ParamTeacherPath, kind)
	}
	scale, err := params.Positive(TeacherName, ParamTeacherScale, TeacherScale)
	if err != nil {
		return nil, err
	}
	common := teacherCommon{Kind: kind, Path: path, Scale: scale}
	switch kind {
	case TeacherNPY:
		if err := params.Check(TeacherName, ParamTeacherKind, ParamTeacherPath, ParamTeacherScale); err != nil {
			return nil, err
		}
		return &npyTeacher{teacherCommon: common}, nil
	case TeacherCheckpoint:
		if err := params.Check(TeacherName, ParamTeacherKind, ParamTeacherPath, ParamTeacherScale,
			ParamTeacherOutput, ParamTeacherMean, ParamTeacherStd); err != nil {
			return nil, err
		}
		t := &checkpointTeacher{teacherCommon: common}
		if t.Output, err = params.Choice(TeacherName, ParamTeacherOutput, "h", "h", "z"); err != nil {
			return nil, err
		}
		if t.Norm, err = teacherNormalisationOf(params); err != nil {
			return nil, err
		}
		return t, nil
	default:
		if err := params.Check(TeacherName, ParamTeacherKind, ParamTeacherPath, ParamTeacherScale,
			ParamTeacherOutput, ParamTeacherInput, ParamTeacherSize, ParamTeacherMean, ParamTeacherStd); err != nil {
			return nil, err
		}
		t := &onnxTeacher{teacherCommon: common}
		if t.Output, err = params.Text(TeacherName, ParamTeacherOutput, ""); err != nil {
			return nil, err
		}
		if t.Input, err = params.Text(TeacherName, ParamTeacherInput, ""); err != nil {
			return nil, err
		}
		if t.Size, err = params.Int(TeacherName, ParamTeacherSize, 0, 1, 4096); err != nil {
			return nil, err
		}
		if t.Norm, err = teacherNormalisationOf(params); err != nil {
			return nil, err
		}
		return t, nil
	}
}

// teacherCommon holds the settings every teacher has.
type teacherCommon struct {
	Kind  string
	Path  string
	Scale float64
}

// Name implements Representation: every teacher is the "teacher" term.
func (teacherCommon) Name() string { return TeacherName }

// fileSHA256 returns the hex SHA-256 of the teacher's file: part of the feature-cache key, so
// a retrained or replaced teacher is never served stale features.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("teacher: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("teacher: reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// finiteTeacherFeatures refuses features (n rows) of the teacher of kind at path that hold a NaN
// or Inf (weights or operations of the teacher that produce them), naming the image and feature.
func finiteTeacherFeatures(kind, path string, features []float32, n int) error {
	shape := []int{n, len(features) / max(n, 1)}
	return finite.Check(fmt.Sprintf("teacher %s %s: output (image, feature)", kind, path), shape, features)
}

// scaled divides features by scale in place and returns them.
func scaled(features []float32, scale float64) []float32 {
	inv := float32(1 / scale)
	for i := range features {
		features[i] *= inv
	}
	return features
}

// teacherNormalisation is the per-channel normalisation a teacher expects; empty Mean means the
// data set's own normalisation.
type teacherNormalisation struct {
	Mean, Std []float32
}

// fill returns a function writing image i of data normalised for the teacher.
func (n teacherNormalisation) fill(data *datasets.Dataset) (func(dst []float32, i int), error) {
	if len(n.Mean) == 0 {
		return data.Normalize, nil
	}
	mean, std := n.Mean, n.Std
	if len(mean) == 1 {
		mean, std = repeat(mean[0], data.Channels), repeat(std[0], data.Channels)
	}
	if len(mean) != data.Channels {
		return nil, fmt.Errorf("teacher %s has %d values; %s images have %d channels", ParamTeacherMean, len(mean), data.Name, data.Channels)
	}
	c := data.Channels
	return func(dst []float32, i int) {
		for k, p := range data.Image(i) {
			dst[k] = (float32(p)/255 - mean[k%c]) / std[k%c]
		}
	}, nil
}

func repeat(v float32, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// teacherImages maps a batch of images [n, H, W, C] to the teacher's input size and channels:
// bilinear resize (half-pixel centres, the official F.interpolate(..., mode='bilinear',
// align_corners=False)) when the size differs, and a grey image repeated over the channels when
// the teacher takes more than one.
func teacherImages(images *Node, height, width, channels int) *Node {
	dims := images.Shape().Dimensions
	if dims[1] != height || dims[2] != width {
		images = Interpolate(images, -1, height, width, -1).Bilinear().AlignCorner(false).HalfPixelCenters(true).Done()
	}
	if dims[3] == 1 && channels > 1 {
		copies := make([]*Node, channels)
		for i := range copies {
			copies[i] = images
		}
		images = Concatenate(copies, 3)
	}
	return images
}

// checkTeacherChannels says whether data with the given channels can feed a teacher taking
// teacherChannels.
func checkTeacherChannels(path string, teacherChannels, channels int) error {
	if channels == teacherChannels || channels == 1 {
		return nil
	}
	return fmt.Errorf("teacher %s takes %d-channel images; the data set has %d channels (only grey images are repeated over channels)",
		path, teacherChannels, channels)
}

// teacherNormalisationOf reads ParamTeacherMean and ParamTeacherStd: both or neither, as many
// values, std > 0.
func teacherNormalisationOf(p reps.Params) (teacherNormalisation, error) {
	mean, err := p.Floats(TeacherName, ParamTeacherMean)
	if err != nil {
		return teacherNormalisation{}, err
	}
	std, err := p.Floats(TeacherName, ParamTeacherStd)
	if err != nil {
		return teacherNormalisation{}, err
	}
	if len(mean) != len(std) {
		return teacherNormalisation{}, fmt.Errorf("representation %q: %s has %d values and %s %d; expected both with as many values, or neither",
			TeacherName, ParamTeacherMean, len(mean), ParamTeacherStd, len(std))
	}
	for i, s := range std {
		if !(s > 0) {
			return teacherNormalisation{}, fmt.Errorf("representation %q: %s[%d] = %g; expected > 0", TeacherName, ParamTeacherStd, i, s)
		}
	}
	return teacherNormalisation{Mean: mean, Std: std}, nil
}
