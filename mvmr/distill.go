package mvmr

import (
	"fmt"
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
