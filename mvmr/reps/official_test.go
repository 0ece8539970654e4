package reps

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// The fixtures in testdata/official hold inputs and outputs of the official PyTorch code
// (scripts/official_fixtures.py writes them from a checkout of github.com/vkinakh/mv-mr).

func readFixture(t *testing.T, name string) *npy.Array {
	t.Helper()
	a, err := npy.ReadArrayFile(filepath.Join("testdata", "official", name))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// nchwToNHWC converts a (B, C, H, W) fixture to an NHWC float32 tensor.
func nchwToNHWC(a *npy.Array) *tensors.Tensor {
	b, c, h, w := a.Shape[0], a.Shape[1], a.Shape[2], a.Shape[3]
	return tensors.FromFlatDataAndDimensions(NCHWToNHWC(a.Data, b, c, h, w), b, h, w, c)
}

// maxRelDiff is the largest |got − want| / max(|want|, 1) over the elements where keep is true.
func maxRelDiff(got, want []float64, keep func(i int) bool) float64 {
	var worst float64
	for i := range got {
		if keep == nil || keep(i) {
			worst = math.Max(worst, math.Abs(got[i]-want[i])/math.Max(math.Abs(want[i]), 1))
		}
	}
	return worst
}

func TestOfficialHOG(t *testing.T) {
	hogOf := func(rep HOGRepresentation, images *tensors.Tensor) []float64 {
		d := images.Shape().Dimensions
		out := hostFeatures(t, rep, tensors.MustCopyFlatData[float32](images), d[0], d[1], d[2], d[3])
		res := make([]float64, len(out))
		for i, v := range out {
			res[i] = float64(v)
		}
		return res
	}
	// Pooled features on random images (no pixel sits on a bin boundary): equal to 1e-5.
	rgb := nchwToNHWC(readFixture(t, "rgb32_input.npy"))
	for _, hog := range []struct{ bins, pool int }{{24, 8}, {9, 4}} {
		want := readFixture(t, fmt.Sprintf("rgb32_hog_n%d_p%d.npy", hog.bins, hog.pool))
		got := hogOf(HOGRepresentation{Bins: hog.bins, Pool: hog.pool, Mode: HOGOfficial}, rgb)
		if len(got) != len(want.Data) {
			t.Fatalf("rgb32 hog %+v: %d values, official %d (shape %v)", hog, len(got), len(want.Data), want.Shape)
		}
		if d := maxRelDiff(got, want.Data, nil); d > 1e-5 {
			t.Errorf("rgb32 hog %+v: largest relative difference from the official HOGLayer %.3g > 1e-5", hog, d)
		}
	}
	// Per-pixel votes on MNIST digits: equal to 1e-5 except at the pixels whose bin position is
	// an exact boundary (diagonal or axis-aligned gradients), where the official split follows
	// the last bit of PyTorch's float32 atan2; there both put the whole vote on the two bins
	// around the boundary.
	mnist := readFixture(t, "mnist_input.npy")
	want := readFixture(t, "mnist_hog_n24_p1.npy") // (B, 24, H, W)
	position := readFixture(t, "mnist_hog_position_n24.npy")
	got := hogOf(HOGRepresentation{Bins: 24, Pool: 1, Mode: HOGOfficial}, nchwToNHWC(mnist))
	b, h, w := mnist.Shape[0], mnist.Shape[2], mnist.Shape[3]
	onBoundary := func(i int) bool { // i indexes (B, 24, H, W)
		n, pixel := i/(24*h*w), i%(h*w)
		p := position.Data[n*h*w+pixel]
		return math.Abs(p-math.Round(p)) < 1e-4
	}
	boundary := 0
	for i := range b * h * w {
		p := position.Data[i]
		if math.Abs(p-math.Round(p)) < 1e-4 {
			boundary++
		}
	}
	if boundary == 0 {
		t.Fatal("the MNIST fixture should contain bin-boundary pixels")
	}
	if d := maxRelDiff(got, want.Data, func(i int) bool { return !onBoundary(i) }); d > 1e-5 {
		t.Errorf("mnist hog votes off the %d boundary pixels: largest relative difference %.3g > 1e-5", boundary, d)
	}
	// Pooled over 9 bins nothing lands on a boundary of the digits' diagonal and axis gradients.
	want9 := readFixture(t, "mnist_hog_n9_p4.npy")
	got9 := hogOf(HOGRepresentation{Bins: 9, Pool: 4, Mode: HOGOfficial}, nchwToNHWC(mnist))
	if d := maxRelDiff(got9, want9.Data, nil); d > 1e-5 {
		t.Errorf("mnist hog 9 bins pool 4: largest relative difference %.3g > 1e-5", d)
	}
}

// TestOfficialScatNet compares the scattering representation with kymatio's Scattering2D(J=2,
// L=8) (fixtures from scripts/official_fixtures.py, kymatio's NumPy front end in float64): the
// largest difference is below 1e-5 of the largest coefficient.
func TestOfficialScatNet(t *testing.T) {
	for _, input := range []string{"mnist", "rgb32"} {
		x := readFixture(t, input+"_input.npy")
		want := readFixture(t, input+"_scatnet_J2_L8.npy")
		rep, err := Known.New("scatnet", nil)
		if err != nil {
			t.Fatal(err)
		}
		scat := rep.impl.(ScatNetRepresentation)
		scat.Scale = 1 // compare the raw coefficients; the representation divides by 32
		images := nchwToNHWC(x)
		d := images.Shape().Dimensions
		got := hostFeatures(t, scat, tensors.MustCopyFlatData[float32](images), d[0], d[1], d[2], d[3])
		if len(got) != len(want.Data) {
			t.Fatalf("%s: %d coefficients, kymatio %d (shape %v)", input, len(got), len(want.Data), want.Shape)
		}
		var worst, largest float64
		for i := range got {
			worst = math.Max(worst, math.Abs(float64(got[i])-want.Data[i]))
			largest = math.Max(largest, math.Abs(want.Data[i]))
		}
		if worst > 1e-5*largest {
			t.Errorf("%s: largest difference from kymatio %.3g, %.3g of the largest coefficient (> 1e-5)", input, worst, worst/largest)
		}
	}
}
