package nn

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
)

// Encoder precisions selectable with EncoderConfig.Precision.
const (
	// PrecisionFloat32 runs the encoder in float32 (the default; an empty Precision means it).
	PrecisionFloat32 = "float32"
	// PrecisionBFloat16 is mixed precision: convolutions, matrix products and activations of the
	// backbone and projector in bfloat16; weights (the "master" copy the optimizer updates),
	// BatchNorm statistics and normalisation, h, z and the whole loss in float32.
	//
	// This is the documented alternative to the official fp16 training (PyTorch Lightning
	// precision 16 with a GradScaler, and z/32 before dCor so that the squared distances fit fp16's
	// range, max 65504). bfloat16 has float32's exponent range, so it needs neither loss scaling nor
	// the z/32 trick for range (the loss keeps dcor_scale anyway, as dCor is scale-invariant); the
	// loss itself runs in float32 here. float16 is not offered: without dynamic loss scaling its
	// gradients underflow.
	PrecisionBFloat16 = "bfloat16"
)

// validatePrecision checks EncoderConfig.Precision.
func validatePrecision(p string) error {
	if p != "" && p != PrecisionFloat32 && p != PrecisionBFloat16 {
		return fmt.Errorf("encoder.precision = %q; expected %q (default) or %q", p, PrecisionFloat32, PrecisionBFloat16)
	}
	return nil
}

// computeDType is the dtype the encoder computes in for float32 inputs.
func (c EncoderConfig) computeDType(input dtypes.DType) dtypes.DType {
	if c.Precision == PrecisionBFloat16 && input == dtypes.Float32 {
		return dtypes.BFloat16
	}
	return input
}

// masterDType is the dtype of the variables for activations of dtype dt: float32 for half
// precisions, dt otherwise.
func masterDType(dt dtypes.DType) dtypes.DType {
	if dt == dtypes.BFloat16 || dt == dtypes.Float16 {
		return dtypes.Float32
	}
	return dt
}

// castLike converts v to x's dtype when they differ.
func castLike(v, x *Node) *Node {
	if v.DType() == x.DType() {
		return v
	}
	return ConvertDType(v, x.DType())
}
