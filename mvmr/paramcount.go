package mvmr

import (
	"fmt"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// EncoderParameterCount returns the number of trainable parameters of the encoder config
// builds for images of the given shape, in the backbone (what produces h) and in total
// (backbone and projector), counted as Trainer.ParameterCount counts them, before any trainer
// or data exists: it builds the encoder in a scratch store and runs it once on two blank
// images (the variables exist once the graph has run). The precision setting does not change
// the count; the encoder is built in float32.
func EncoderParameterCount(backend compute.Backend, config nn.EncoderConfig, height, width, channels int) (backbone, total int, err error) {
	if height < 1 || width < 1 || channels < 1 {
		return 0, 0, fmt.Errorf("mvmr: EncoderParameterCount(%dx%dx%d): expected positive image sizes", height, width, channels)
	}
	config.Precision = ""
	if err := config.Validate(); err != nil {
		return 0, 0, err
	}
	store, err := newEncoderStore()
	if err != nil {
		return 0, 0, err
	}
	if err := store.SetRNGStateFromSeed(1); err != nil {
		return 0, 0, err
	}
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, x *Node) *Node {
		_, z := config.Encode(scope.In(encoderScope), x)
		return z
	})
	if err != nil {
		return 0, 0, fmt.Errorf("mvmr: building the encoder to count its parameters: %w", err)
	}
	if _, err := exec.Exec(tensors.FromShape(shapes.Make(dtypes.Float32, 2, height, width, channels))); err != nil {
		return 0, 0, fmt.Errorf("mvmr: running the encoder to count its parameters: %w", err)
	}
	backbone, total = encoderParameters(store)
	return backbone, total, nil
}

// encoderParameters counts the trainable encoder variables of store: in the backbone and in
// total (backbone and projector).
func encoderParameters(store *model.Store) (backbone, total int) {
	prefix := "/" + encoderScope + "/"
	for v := range store.IterVariables() {
		if !v.Trainable || !strings.HasPrefix(v.Path(), prefix) {
			continue
		}
		n := v.Shape().Size()
		total += n
		if strings.HasPrefix(v.Path(), prefix+"backbone/") {
			backbone += n
		}
	}
	return backbone, total
}

// ParameterCount returns the number of trainable parameters of the trainer's encoder: in the
// backbone (what produces h) and in total (backbone and projector). The variables exist once
// the first step, a checkpoint load or a feature extraction has built the encoder.
func (t *Trainer) ParameterCount() (backbone, total int) {
	return encoderParameters(t.store)
}
