package mvmr

import (
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
)

// BenchmarkTrainDataWait trains on 32×32 colour images with an augmentation policy and
// reports the trainer's consumption rate (images/s) and the fraction of the time it waited
// for the prefetcher's batches (data-wait), beside the rate the augmentation alone reaches
// (BenchmarkTwoViewPairs in package datasets):
//
//	GOEXPERIMENT=simd go test -run '^$' -bench TrainDataWait -benchtime 6x ./mvmr
func BenchmarkTrainDataWait(b *testing.B) {
	data := &datasets.Dataset{Name: "colour32", Height: 32, Width: 32, Channels: 3, NumClasses: 10,
		Mean: datasets.CIFARMean, Std: datasets.CIFARStd}
	for i := range 2048 {
		for p := range 32 * 32 * 3 {
			data.Images = append(data.Images, uint8((i*31+p*7+p*p/97)%256))
		}
		data.Labels = append(data.Labels, int32(i%10))
	}
	for _, c := range []struct {
		name    string
		encoder nn.EncoderConfig
		policy  string
	}{
		{"tiny-encoder/custom", nn.EncoderConfig{Channels: []int{8, 16}, Strides: []int{2, 2}, Head: nn.HeadFlatten, Projector: "64-64"}, datasets.PolicyCustom},
		{"default-encoder/custom", nn.DefaultEncoderConfig(), datasets.PolicyCustom},
		{"default-encoder/cifar", nn.DefaultEncoderConfig(), datasets.PolicyCIFAR},
	} {
		b.Run(c.name, func(b *testing.B) {
			config := DefaultConfig(1000)
			config.BatchSize = 256
			config.Encoder = c.encoder
			config.Policy = c.policy
			tr, err := NewTrainerWithBackend(testBackend(b), config, data)
			if err != nil {
				b.Fatal(err)
			}
			defer tr.Close()
			if err := tr.Train(1); err != nil { // compile
				b.Fatal(err)
			}
			wait0 := tr.DataWait()
			b.ResetTimer()
			if err := tr.Train(b.N); err != nil {
				b.Fatal(err)
			}
			elapsed := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N*config.BatchSize)/elapsed, "images/s")
			b.ReportMetric((tr.DataWait()-wait0).Seconds()/elapsed, "data-wait")
		})
	}
}
