package datasets

import (
	"slices"
	"strings"
	"testing"
)

func TestAugmentedViews(t *testing.T) {
	data := colourDataset(4, 12)
	none, _ := NewPolicy(PolicyNone, 12)
	v, err := AugmentedViews(data, none, []int{2, 0}, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Policy none: every view is its image again, back to the same uint8 levels.
	size := data.ImageSize()
	if v.Len() != 8 || v.Labels[3] != data.Labels[2] || v.Labels[4] != data.Labels[0] {
		t.Fatalf("%d images, labels %v; want 8 rows of image 2 then image 0", v.Len(), v.Labels)
	}
	for k := range 8 {
		if src := []int{2, 0}[k/4]; !slices.Equal(v.Image(k), data.Image(src)) {
			t.Errorf("view %d differs from image %d under policy none", k, src)
		}
	}
	// RandAugment: the views differ from the image and from each other, and a seed repeats them.
	ra, _ := NewPolicy(PolicyRandAugment, 12)
	a, err := AugmentedViews(data, ra, []int{1}, 4, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := AugmentedViews(data, ra, []int{1}, 4, 7)
	c, _ := AugmentedViews(data, ra, []int{1}, 4, 8)
	if !slices.Equal(a.Images, b.Images) || slices.Equal(a.Images, c.Images) {
		t.Error("same seed must repeat the views and another seed change them")
	}
	if !slices.Equal(a.Image(0), data.Image(1)) {
		t.Error("first cell of a row is not the original image")
	}
	for k := 1; k < 5; k++ {
		if slices.Equal(a.Images[k*size:(k+1)*size], data.Image(1)) {
			t.Errorf("view %d equals the image", k)
		}
	}
	if _, err := AugmentedViews(data, ra, []int{0}, -1, 1); err == nil || !strings.Contains(err.Error(), "views = -1") {
		t.Errorf("negative views: %v", err)
	}
	big, _ := NewPolicy(PolicyAutoAugment, 16)
	if _, err := AugmentedViews(data, big, []int{0}, 2, 1); err == nil || !strings.Contains(err.Error(), "16×16") {
		t.Errorf("16-px policy on 12-px images: %v", err)
	}
}
