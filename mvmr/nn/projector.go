package nn

import (
	"fmt"
	"strconv"
	"strings"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// ParseProjectorSpec parses a projector specification such as "8192-8192-8192" (the official
// encoder.out_dim setting): the output widths of the projector's linear layers, in order.
func ParseProjectorSpec(spec string) ([]int, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, fmt.Errorf("projector spec is empty; expected widths joined by '-', such as \"512-512\"")
	}
	parts := strings.Split(spec, "-")
	widths := make([]int, len(parts))
	for i, p := range parts {
		w, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || w <= 0 {
			return nil, fmt.Errorf("projector spec %q: layer %d is %q; expected a positive integer width", spec, i+1, p)
		}
		widths[i] = w
	}
	return widths, nil
}

// Projector maps h ([batch, features]) to z with the MLP of the given widths, built as the
// official ResnetMultiProj projector: (Linear(no bias) → BatchNorm → ReLU) for every width but the
// last, then a final Linear without bias. Scopes: "layer_0", "layer_1", ...
func Projector(scope *model.Scope, h *Node, widths []int) *Node {
	z := h
	for i, w := range widths {
		layer := scope.In("layer_%d", i)
		z = Linear(layer, z, w, false)
		if i < len(widths)-1 {
			z = BatchNormRelu(layer.In("bn"), z)
		}
	}
	return z
}
