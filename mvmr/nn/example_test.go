package nn_test

import (
	"fmt"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
)

// The paper's encoder for STL-10 (96×96): ResNet-50 with the small-kernel stem and an
// 8192-8192-8192 projector, trained with LARS and 8-batch gradient accumulation in bfloat16 mixed
// precision (select the GPU with GOMLX_BACKEND=xla:cuda).
func ExampleResNetConfig() {
	config := mvmr.DefaultConfig(1000)
	config.Encoder = nn.ResNetConfig(nn.ArchResNet50, true, "8192-8192-8192")
	config.Encoder.Precision = nn.PrecisionBFloat16
	config.Optimizer.Name = mvmr.OptimizerLARS
	config.Optimizer.Momentum = 0.9
	config.Optimizer.AccumulateSteps = 8
	h, w, c := config.Encoder.FeatureShape(96, 96)
	fmt.Println("valid:", config.Validate() == nil)
	fmt.Printf("last feature map %dx%dx%d, h %d-d, z %d-d\n", h, w, c, config.Encoder.HDim(96, 96), config.Encoder.ZDim())
	// Output:
	// valid: true
	// last feature map 6x6x2048, h 2048-d, z 8192-d
}
