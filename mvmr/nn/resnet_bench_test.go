package nn

import (
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// BenchmarkResNet18Parts times forward + backward (gradient w.r.t. the input and every
// variable) of the parts of a ResNet-18 training step on the pure-Go backend, at the sizes of
// BenchmarkTrainStepResNet18 (both views: 256 images): the stem max pool on [256, 32, 32, 64], a
// stride-1 BasicBlock on [256, 16, 16, 64] (layer1) and a stride-2 one from it (layer2/0).
//
//	GOEXPERIMENT=simd go test -run '^$' -bench ResNet18Parts -benchtime 3x ./mvmr/nn
func BenchmarkResNet18Parts(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, part := range []struct {
		name  string
		dims  []int
		build func(scope *model.Scope, x *Node) *Node
	}{
		{"maxpool", []int{256, 32, 32, 64}, func(_ *model.Scope, x *Node) *Node { return maxPool3x3Stride2(x) }},
		{"block-stride1", []int{256, 16, 16, 64}, func(s *model.Scope, x *Node) *Node { return BasicBlock(s, x, 64, 1, true) }},
		{"block-stride2", []int{256, 16, 16, 64}, func(s *model.Scope, x *Node) *Node { return BasicBlock(s, x, 128, 2, true) }},
	} {
		b.Run(part.name, func(b *testing.B) {
			size := 1
			for _, d := range part.dims {
				size *= d
			}
			x := tensors.FromFlatDataAndDimensions(randomFloat32(rng, size), part.dims...)
			store := model.NewStore()
			exec, err := model.NewExec(testutil.Backend(b), store, func(scope *model.Scope, xn *Node) []*Node {
				scope.Store().SetTraining(xn.Graph(), true)
				out := part.build(scope.In("part"), xn)
				loss := ReduceAllSum(Mul(out, out))
				wrt := []*Node{xn}
				for v := range scope.Store().IterVariables() {
					if v.Trainable {
						wrt = append(wrt, v.NodeValue(xn.Graph()))
					}
				}
				return Gradient(loss, wrt...)
			})
			if err != nil {
				b.Fatal(err)
			}
			testutil.BenchExec(b, exec, x)
		})
	}
}

func randomFloat32(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}
