package mvmr

import (
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

func TestEncoderParameterCountEqualsTrainersAndTorchvisions(t *testing.T) {
	// The quickstart-style CNN: the count before any trainer equals the trained trainer's.
	train, _ := testutil.MNIST(t, 64, 0)
	config := tinyConfig(4)
	tr := newTestTrainer(t, config, train)
	if err := tr.Train(1); err != nil {
		t.Fatal(err)
	}
	wantBackbone, wantTotal := tr.ParameterCount()
	backbone, total, err := EncoderParameterCount(testBackend(t), config.Encoder, 28, 28, 1)
	if err != nil {
		t.Fatal(err)
	}
	if backbone != wantBackbone || total != wantTotal || backbone == 0 || total <= backbone {
		t.Errorf("cnn: EncoderParameterCount = %d backbone, %d total; the trainer has %d, %d", backbone, total, wantBackbone, wantTotal)
	}

	// resnet8x4: the CRD backbone's 1 207 840 parameters (as in
	// TestResNetParameterCountsEqualTorchvision), whatever the precision; projector "32-16" is
	// Linear(256, 32, no bias), BatchNorm(32) (gamma, beta), Linear(32, 16, no bias).
	resnet := nn.ResNetConfig(nn.ArchResNet8x4, false, "32-16")
	resnet.Precision = nn.PrecisionBFloat16
	backbone, total, err = EncoderParameterCount(testBackend(t), resnet, 32, 32, 3)
	if err != nil {
		t.Fatal(err)
	}
	const projector = 256*32 + 2*32 + 32*16
	if backbone != 1207840 || total != 1207840+projector {
		t.Errorf("resnet8x4: %d backbone, %d total parameters; want 1207840 and %d", backbone, total, 1207840+projector)
	}
}

func TestEncoderParameterCountRejectsBadInput(t *testing.T) {
	if _, _, err := EncoderParameterCount(testBackend(t), tinyConfig(1).Encoder, 0, 28, 1); err == nil || !strings.Contains(err.Error(), "0x28x1") {
		t.Errorf("a zero height gave %v; want an error naming the shape", err)
	}
	bad := tinyConfig(1).Encoder
	bad.Projector = "32-x"
	if _, _, err := EncoderParameterCount(testBackend(t), bad, 28, 28, 1); err == nil {
		t.Error("a bad projector spec gave no error")
	}
}
