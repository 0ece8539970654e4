package reps

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestLBP(t *testing.T) {
	uniform := 0
	for code := range 256 {
		if LBPUniform(uint8(code)) {
			uniform++
		}
	}
	if uniform != LBPBins-1 {
		t.Fatalf("%d uniform 8-bit patterns, want %d", uniform, LBPBins-1)
	}
	rep := LBPRepresentation{Grid: 2}
	const h, w = 10, 12
	// A constant image: every neighbour equals the centre, code 255 (uniform, the last uniform bin).
	constant := make([]float32, h*w)
	for i := range constant {
		constant[i] = 0.7
	}
	out := make([]float32, 4*LBPBins)
	rep.Compute(out, constant, h, w, 1)
	for cell := range 4 {
		if got := out[cell*LBPBins+int(lbpBinOfCode[255])]; got != 1 {
			t.Fatalf("constant image, cell %d: bin of code 255 holds %g, want 1", cell, got)
		}
	}
	// Random images: every cell's histogram sums to 1; mirroring the image left-right maps each
	// code to its mirror image, which keeps uniform codes uniform: the non-uniform share is
	// unchanged per mirrored cell.
	rng := rand.New(rand.NewPCG(81, 82))
	img := make([]float32, h*w*3)
	for i := range img {
		img[i] = float32(rng.NormFloat64())
	}
	mirror := make([]float32, len(img))
	for i := range h {
		for j := range w {
			for c := range 3 {
				mirror[(i*w+j)*3+c] = img[(i*w+w-1-j)*3+c]
			}
		}
	}
	a := make([]float32, 3*4*LBPBins)
	b := make([]float32, len(a))
	rep.Compute(a, img, h, w, 3)
	rep.Compute(b, mirror, h, w, 3)
	for c := range 3 {
		for cell := range 4 {
			var sum float64
			for k := range LBPBins {
				sum += float64(a[(c*4+cell)*LBPBins+k])
			}
			if math.Abs(sum-1) > 1e-5 {
				t.Fatalf("channel %d cell %d sums to %g", c, cell, sum)
			}
			mirrored := cell ^ 1 // left-right swap in a 2×2 grid
			if x, y := a[(c*4+cell)*LBPBins+LBPBins-1], b[(c*4+mirrored)*LBPBins+LBPBins-1]; math.Abs(float64(x-y)) > 1e-6 {
				t.Fatalf("non-uniform share %g changed to %g by mirroring", x, y)
			}
		}
	}
}
