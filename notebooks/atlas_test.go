package notebooks

import (
	"slices"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

func TestRepresentationMap(t *testing.T) {
	// One channel 2×2 → 4×4: nearest neighbour, stretched to [0, 1].
	got := RepresentationMap([]float32{0, 1, 2, 3}, []int{1, 2, 2}, 4, 4)
	want := []float32{0, 0, 1.0 / 3, 1.0 / 3, 0, 0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1, 1, 2.0 / 3, 2.0 / 3, 1, 1}
	for i := range want {
		if d := got[i] - want[i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("one channel: %v; want %v", got, want)
		}
	}
	// Two channels: the mean absolute value, 1×1 → the whole image one value (constant: 0).
	if got := RepresentationMap([]float32{-2, 4}, []int{2, 1, 1}, 2, 2); !slices.Equal(got, []float32{0, 0, 0, 0}) {
		t.Errorf("two channels of one pixel: %v; want a constant (0) map", got)
	}
	// (1, 2, 1, 1): two channels of one pixel after dropping the leading 1, as above.
	if got := RepresentationMap([]float32{-2, 4}, []int{1, 2, 1, 1}, 2, 2); !slices.Equal(got, []float32{0, 0, 0, 0}) {
		t.Errorf("(1, 2, 1, 1): %v; want a constant (0) map", got)
	}
	// (1, 1, 2): a plane of one row, stretched to 2×2: 0 1 / 0 1.
	if got := RepresentationMap([]float32{5, 7}, []int{1, 1, 2}, 2, 2); !slices.Equal(got, []float32{0, 1, 0, 1}) {
		t.Errorf("(1, 1, 2): %v; want [0 1 0 1]", got)
	}
	// Flat: 3 values on a 2×2 square, zero padded: 0, 1, 2, 0 → stretched 0, .5, 1, 0.
	if got := RepresentationMap([]float32{0, 1, 2}, []int{3}, 2, 2); !slices.Equal(got, []float32{0, 0.5, 1, 0}) {
		t.Errorf("flat: %v; want [0 0.5 1 0]", got)
	}
}

func TestRepresentationAtlas(t *testing.T) {
	if testing.Short() {
		t.Skip("computes the representations; skipped with -short")
	}
	train, err := datasets.LoadMNIST(datasets.SplitTest)
	if err != nil {
		t.Fatal(err)
	}
	backend, err := mvmr.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	grid, err := RepresentationAtlas(backend, train, datasets.DefaultDigitAugment(), 2, 2, []string{"image", "std", "hog", "lbp"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * (1 + 2 + 4); grid.Len() != want {
		t.Errorf("%d cells; want %d (2 rows of original, 2 views, 4 representations)", grid.Len(), want)
	}
	png, err := plotting.Render(grid, plotting.FormatPNG)
	if err != nil || len(png) < 1000 {
		t.Errorf("render: %d bytes, %v", len(png), err)
	}
	if _, err := RepresentationAtlas(backend, train, datasets.DefaultDigitAugment(), 1, 1, []string{"nope"}, 1); err == nil {
		t.Error("an unknown representation accepted")
	}
}
