package mvmr

import (
	"fmt"
	"os"
	"strings"

	. "github.com/gomlx/gomlx/core/graph"
)

// ConvEnvVar selects how Conv computes convolutions:
//
//   - "auto" (or unset): ConvIm2Col on the pure-Go backend, ConvNative on every other backend.
//   - ConvIm2Col: padding, k·k strided slices, one concatenation and one matrix product. On the
//     pure-Go backend it is about 11× faster than the native op (a scalar loop in GoMLX v0.28.8).
//   - ConvNative: GoMLX's Convolve (XLA's convolution, cuDNN on CUDA), which on a GPU avoids
//     materialising the k·k-times larger patch matrix.
//
// Both read the same "weights" variable, so checkpoints move freely between them.
const ConvEnvVar = "MVMR_CONV"

// Convolution implementations selectable with ConvEnvVar.
const (
	ConvIm2Col = "im2col"
	ConvNative = "native"
)

// ConvMode returns the convolution implementation named by ConvEnvVar ("auto" when unset), or
// an error naming the variable when its value is unknown.
func ConvMode() (string, error) {
	mode := strings.TrimSpace(os.Getenv(ConvEnvVar))
	switch mode {
	case "", "auto":
		return "auto", nil
	case ConvIm2Col, ConvNative:
		return mode, nil
	}
	return "", fmt.Errorf("%s=%q; expected auto, %s or %s", ConvEnvVar, mode, ConvIm2Col, ConvNative)
}

// useNativeConv reports whether Conv should use the native convolution in graph g.
func useNativeConv(g *Graph) bool {
	mode, err := ConvMode()
	if err != nil {
		panic(fmt.Sprintf("mvmr.Conv: %v", err))
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
