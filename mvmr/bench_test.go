package mvmr

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// Speed targets live here, not in timed tests. Compare executors or builds side by side in one
// run, for example:
//
//	GOEXPERIMENT=simd go test -run '^$' -bench . -benchtime 10x ./mvmr
//	GOMLX_BACKEND=go:ops_sequential GOEXPERIMENT=simd go test -run '^$' -bench . -benchtime 10x ./mvmr

// BenchmarkTrainStep measures one quickstart training step: batch 256, both views through the
// encoder, every loss term, the gradient and the Adam update.
func BenchmarkTrainStep(b *testing.B) {
	train, _ := testutil.MNIST(b, 60000, 0)
	trainer, err := NewTrainerWithBackend(testBackend(b), QuickstartConfig(1000), train)
	if err != nil {
		b.Fatal(err)
	}
	defer trainer.Close()
	if err := trainer.Train(2); err != nil { // compile and warm up
		b.Fatal(err)
	}
	b.ResetTimer()
	if err := trainer.Train(b.N); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// BenchmarkDistanceCorrelation measures dCor forward and backward for B=256 samples of
// D=2048 dimensions (the gradient with respect to both inputs).
func BenchmarkDistanceCorrelation(b *testing.B) {
	const n, d = 256, 2048
	rng := rand.New(rand.NewPCG(1, 2))
	x := testutil.TensorOf(testutil.RandomMatrix(rng, n, d), dtypes.Float32)
	y := testutil.TensorOf(testutil.RandomMatrix(rng, n, d), dtypes.Float32)
	exec, err := NewExec(testBackend(b), func(x, y *Node) (*Node, *Node, *Node) {
		dcor := DistanceCorrelation(x, y)
		grads := Gradient(dcor, x, y)
		return dcor, grads[0], grads[1]
	})
	if err != nil {
		b.Fatal(err)
	}
	testutil.BenchExec(b, exec, x, y)
}

// BenchmarkTrainStepResNet18 times one training step of ResNet-18 (small_kernel, projector
// 512-512) on 32x32x3 images, batch 128, loss mse + std + dcor_zz, Adam — the step
// bench/torch_step.py --arch resnet18 --small-kernel --projector 512-512 --batch 128 --size 32
// --channels 3 times in PyTorch. ns/op includes building and compiling the graph once; the
// s/step metric is the median of the timed steps.
//
//	GOEXPERIMENT=simd go test -run '^$' -bench TrainStepResNet18 -benchtime 3x ./mvmr
func BenchmarkTrainStepResNet18(b *testing.B) {
	config := QuickstartConfig(1000)
	config.BatchSize = 128
	config.Loss.Representations = nil
	config.Encoder = nn.ResNetConfig(nn.ArchResNet18, true, "512-512")
	timing, err := TimeTrainingSteps(testBackend(b), config, 32, 32, 3, 1, b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(timing.Median, "s/step")
	b.ReportMetric(float64(config.BatchSize)/timing.Median, "images/s")
}
