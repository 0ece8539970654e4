package mvmr

import (
	"math"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

func TestConfigAugmenterPicksThePolicy(t *testing.T) {
	train, _ := testutil.MNIST(t, 64, 0)
	config := tinyConfig(2)
	a, err := config.Augmenter(train)
	if err != nil || a.(datasets.DigitAugment) != config.Augment {
		t.Fatalf("empty policy gave %v, %v; want Config.Augment", a, err)
	}
	config.Policy = datasets.PolicyCustom
	if a, err = config.Augmenter(train); err != nil || !strings.HasPrefix(a.(*datasets.Pipeline).String(), "custom: RandomResizedCrop(28,") {
		t.Fatalf("custom policy on MNIST gave %v, %v; want a 28-px pipeline", a, err)
	}
	wide := *train
	wide.Height, wide.Width = 14, 56
	if _, err := config.Augmenter(&wide); err == nil || !strings.Contains(err.Error(), "square") {
		t.Errorf("non-square images: error %v", err)
	}
	config.Policy = datasets.PolicyAutoAugment
	if a, err = config.Augmenter(train); err != nil || a.(*datasets.Pipeline).String() !=
		"autoaugment: RandomResizedCrop(28, scale=[0.08 1], ratio=(0.75, 1.333), bilinear), AutoAugment(policy=imagenet)" {
		t.Fatalf("autoaugment policy on MNIST gave %v, %v; want the official crop + AutoAugment", a, err)
	}
	if err := config.Validate(); err != nil {
		t.Errorf("policy autoaugment rejected: %v", err)
	}
	config.Policy = "trivialaugment"
	if _, err := NewTrainerWithBackend(testBackend(t), config, train); err == nil || !strings.Contains(err.Error(), `policy = "trivialaugment"`) {
		t.Errorf("unknown policy: error %v; want one naming the policy field", err)
	}
}

// TestTrainWithCIFARPolicy trains two steps on colour images with the cifar20 policy and the
// official per-batch fresh view, through the whole pipeline.
func TestTrainWithCIFARPolicy(t *testing.T) {
	data := &datasets.Dataset{Name: "colour", Height: 16, Width: 16, Channels: 3, NumClasses: 2,
		Mean: datasets.CIFARMean, Std: datasets.CIFARStd}
	for i := range 64 {
		for p := range 16 * 16 * 3 {
			data.Images = append(data.Images, uint8((i*31+p*7)%256))
		}
		data.Labels = append(data.Labels, int32(i%2))
	}
	config := tinyConfig(2)
	config.Policy = datasets.PolicyCIFAR20
	config.FreshPerBatch = true
	tr := newTestTrainer(t, config, data)
	if err := tr.Train(2); err != nil {
		t.Fatal(err)
	}
	for _, name := range tr.History().Names() {
		for _, v := range tr.History().Series(name) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s = %g", name, v)
			}
		}
	}
	if tr.History().Len() != 2 {
		t.Errorf("%d history rows; want 2", tr.History().Len())
	}
}
