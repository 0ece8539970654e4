package nn

import (
	"fmt"
	"strings"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// ParamConvMode is the scope parameter (model.Scope.SetParam, model.Store.SetParam) that selects
// how Conv computes convolutions, a string (default ConvAuto):
//
//   - ConvAuto: ConvIm2Col on the pure-Go backend, ConvNative on every other backend.
//   - ConvIm2Col: the patch matrix gathered from the zero-padded input (Im2Col) and one matrix
//     product, with hand-written gradients. On the pure-Go backend it is about 26× faster than the
//     native op (a scalar loop in compute v0.1.12; CPU time of a quickstart step, 2026-12-03).
//   - ConvNative: GoMLX's Convolve (XLA's convolution, cuDNN on CUDA), which on a GPU avoids
//     materialising the k·k-times larger patch matrix.
//
// Both read the same "weights" variable, so checkpoints move freely between them. Programs set it
// from the MVMR_CONV environment variable (see mvmr.ConvEnvVar), read once at the edge.
const ParamConvMode = "mvmr_conv"

// Convolution implementations selectable with ParamConvMode.
const (
	ConvAuto   = "auto"
	ConvIm2Col = "im2col"
	ConvNative = "native"
)

// ParseConvMode returns the convolution mode named by value (ConvAuto when empty), or an error
// listing the accepted ones.
func ParseConvMode(value string) (string, error) {
	mode := strings.TrimSpace(value)
	switch mode {
	case "", ConvAuto:
		return ConvAuto, nil
	case ConvIm2Col, ConvNative:
		return mode, nil
	}
	return "", fmt.Errorf("convolution mode %q; expected %s, %s or %s", mode, ConvAuto, ConvIm2Col, ConvNative)
}

// useNativeConv reports whether Conv in scope should use the native convolution in graph g.
func useNativeConv(scope *model.Scope, g *Graph) bool {
	mode, err := ParseConvMode(model.GetParamOr(scope, ParamConvMode, ConvAuto))
	if err != nil {
		exceptions.Panicf("nn.Conv: %s: %v", ParamConvMode, err)
	}
	switch mode {
	case ConvNative:
		return true
	case ConvIm2Col:
		return false
	}
	return g.Backend().Name() != goBackendName
}

// goBackendName is what the pure-Go backend's Name() returns (its GOMLX_BACKEND name is "go");
// TestConvModeAutoPicksIm2ColOnGoBackend catches a change.
const goBackendName = "Go Backend"
