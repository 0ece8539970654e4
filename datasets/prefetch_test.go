package datasets

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// sumFeatures is an ImageFeatures: the sum of an image's values, and their count.
type sumFeatures struct{}

func (sumFeatures) Name() string { return "sum" }

func (sumFeatures) Shape(height, width, channels int) ([]int, error) {
	if height < 2 {
		return nil, fmt.Errorf("too small")
	}
	return []int{2}, nil
}

func (sumFeatures) Compute(dst, image []float32, height, width, channels int) {
	dst[0], dst[1] = 0, float32(len(image))
	for _, v := range image {
		dst[0] += v
	}
}

// The prefetcher computes the features of each batch's fresh views, image by image, as the
// computation does on the views themselves; it refuses a source without fresh views.
func TestPrefetcherComputesOnFreshViews(t *testing.T) {
	data, err := LoadMNIST(SplitTrain)
	if err != nil {
		t.Fatal(err)
	}
	source, err := NewTwoViewSource(data.Subset(64), 8, 1, DefaultDigitAugment())
	if err != nil {
		t.Fatal(err)
	}
	p := NewPrefetcher(source, 2)
	defer p.Close()
	if err := p.ComputeOnFreshViews(sumFeatures{}); err == nil || !strings.Contains(err.Error(), "SetFreshView") {
		t.Errorf("ComputeOnFreshViews without fresh views: error %v; want one naming SetFreshView", err)
	}
	source.SetFreshView(true)
	if err := p.ComputeOnFreshViews(sumFeatures{}); err != nil {
		t.Fatal(err)
	}
	for _, step := range []int64{0, 1, 5} {
		b := p.Batch(step)
		got := b.FreshFeatures["sum"]
		want := make([]float32, 2*b.Size)
		size := b.Height * b.Width * b.Channels
		for j := range b.Size {
			sumFeatures{}.Compute(want[2*j:2*j+2], b.Fresh[j*size:(j+1)*size], b.Height, b.Width, b.Channels)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: fresh features %v; want %v", step, got[:4], want[:4])
		}
	}
}
