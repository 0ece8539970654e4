package datasets

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkTwoViewPairs measures how many (original, augmented) pairs a TwoViewSource builds
// per second on all cores, batch 256, for each policy at the paper's image sizes:
//
//	GOEXPERIMENT=simd go test -run '^$' -bench TwoViewPairs -benchtime 3x ./datasets
func BenchmarkTwoViewPairs(b *testing.B) {
	cases := []struct {
		policy string
		side   int
	}{
		{PolicyMNIST, 28}, {PolicyCIFAR, 32}, {PolicyCIFAR20, 32}, {PolicyCustom, 32}, {PolicyCustom, 96},
		{PolicyRandAugment, 32}, {PolicyAutoAugment, 32}, {PolicyRandAugment, 96}, {PolicyAutoAugment, 96},
	}
	const batch = 256
	for _, c := range cases {
		b.Run(fmt.Sprintf("%s/%dpx", c.policy, c.side), func(b *testing.B) {
			data := colourDataset(batch, c.side)
			if c.policy == PolicyMNIST {
				data = smallDatasetSized(batch, c.side)
			}
			policy, err := NewPolicy(c.policy, c.side)
			if err != nil {
				b.Fatal(err)
			}
			source, err := NewTwoViewSource(data, batch, 1, policy)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				source.Batch(int64(i))
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "pairs/s")
		})
	}
}

// BenchmarkSTL10Streamed compares building 96×96 batches from STL-10 images held in memory
// and streamed from disk with ReadAt (the unlabeled split's path), custom policy.
func BenchmarkSTL10Streamed(b *testing.B) {
	const batch, n = 64, 256
	root := b.TempDir()
	writeFile(b, root, stl10UnlabeledX, stl10Records(0, n))
	writeFile(b, root, stl10TrainX, stl10Records(0, n))
	y := make([]byte, n)
	for i := range y {
		y[i] = 1
	}
	writeFile(b, root, stl10TrainY, y)
	policy, _ := NewPolicy(PolicyCustom, STL10Side)
	for _, split := range []string{"train", "unlabeled"} {
		b.Run(split, func(b *testing.B) {
			data, err := LoadSTL10(filepath.Clean(root), split)
			if err != nil {
				b.Fatal(err)
			}
			defer data.Close()
			source, err := NewTwoViewSource(data, batch, 1, policy)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				source.Batch(int64(i))
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "pairs/s")
		})
	}
}

// smallDatasetSized returns n side×side one-channel images.
func smallDatasetSized(n, side int) *Dataset {
	d := &Dataset{Name: "grey", Height: side, Width: side, Channels: 1, NumClasses: 10,
		Mean: []float32{0.5}, Std: []float32{0.25}}
	for i := range n {
		for p := range side * side {
			d.Images = append(d.Images, uint8((i*7+p*13)%256))
		}
		d.Labels = append(d.Labels, int32(i%10))
	}
	return d
}
