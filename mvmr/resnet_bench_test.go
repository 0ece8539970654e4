package mvmr

import "testing"

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
	config.Encoder = ResNetConfig(ArchResNet18, true, "512-512")
	timing, err := TimeTrainingSteps(testBackend(b), config, 32, 32, 3, 1, b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(timing.Median, "s/step")
	b.ReportMetric(float64(config.BatchSize)/timing.Median, "images/s")
}
