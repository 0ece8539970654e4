package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// encodeWith runs Encode in training mode on x with weights initialised from seed 1 and returns
// z and the dtypes of the variables.
func encodeWith(t *testing.T, config EncoderConfig, x *tensors.Tensor) ([]float64, map[dtypes.DType]int, dtypes.DType) {
	t.Helper()
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(1); err != nil {
		t.Fatal(err)
	}
	exec, err := model.NewExec(testutil.Backend(t), store, func(scope *model.Scope, images *Node) *Node {
		scope.Store().SetTraining(images.Graph(), true)
		_, z := config.Encode(scope.In("encoder"), images)
		return z
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(x)
	if err != nil {
		t.Fatal(err)
	}
	dts := map[dtypes.DType]int{}
	for v := range store.IterVariables() {
		dts[v.Shape().DType]++
	}
	return testutil.Flat64(t, out[0]), dts, out[0].DType()
}

// TestBFloat16MixedPrecision: the bfloat16 encoder keeps float32 weights and outputs, and its z
// is the float32 one within bfloat16 rounding; a trainer runs bfloat16 steps with a finite loss.
func TestBFloat16MixedPrecision(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, 8*16*16*3)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	input := tensors.FromFlatDataAndDimensions(x, 8, 16, 16, 3)
	config := ResNetConfig(ArchResNet8x4, false, "64-32")
	config.ZeroInitResidual = true
	want, _, _ := encodeWith(t, config, input)
	config.Precision = PrecisionBFloat16
	got, dts, outDType := encodeWith(t, config, input)
	if outDType != dtypes.Float32 || dts[dtypes.BFloat16] != 0 || dts[dtypes.Float32] == 0 {
		t.Errorf("bfloat16 encoder: z is %s, variables by dtype %v; want float32 for both", outDType, dts)
	}
	var num, den, maxDiff float64
	for i := range want {
		num += (got[i] - want[i]) * (got[i] - want[i])
		den += want[i] * want[i]
		maxDiff = max(maxDiff, math.Abs(got[i]-want[i]))
	}
	// bfloat16 keeps 8 significant bits (relative rounding 2^-9 ≈ 0.002); through 7 convolutions,
	// BatchNorms and 2 projector layers the errors add up to about 1 %.
	rel := math.Sqrt(num / den)
	t.Logf("bfloat16 vs float32 z: relative RMS %.4f, max abs %.4f", rel, maxDiff)
	if rel > 0.05 || rel == 0 {
		t.Errorf("bfloat16 z differs from float32 z by %.4f (relative RMS, max abs %.4f); want (0, 0.05]", rel, maxDiff)
	}

	bad := DefaultEncoderConfig()
	bad.Precision = "float16"
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "encoder.precision") {
		t.Errorf("Validate(precision float16) = %v; want an error naming encoder.precision", err)
	}
}
