package reps

import (
	"math"
	"testing"
)

func TestColorHist(t *testing.T) {
	rep := ColorHistRepresentation{Bins: 10, Grid: 2}
	const h, w = 4, 6
	// Channel 0 is −3 (below the range: first bin) on the left half and +0.1 on the right (bin
	// int((0.1+2.5)·2) = 5); channel 1 is a ramp.
	img := make([]float32, h*w*2)
	for i := range h {
		for j := range w {
			img[(i*w+j)*2] = -3
			if j >= w/2 {
				img[(i*w+j)*2] = 0.1
			}
			img[(i*w+j)*2+1] = float32(j)
		}
	}
	out := make([]float32, 2*4*10)
	rep.Compute(out, img, h, w, 2)
	for cell := range 4 {
		wantBin := 0
		if cell%2 == 1 {
			wantBin = 5
		}
		if got := out[cell*10+wantBin]; got != 1 {
			t.Errorf("channel 0, cell %d: bin %d holds %g, want 1", cell, wantBin, got)
		}
		var sum float64
		for b := range 10 {
			sum += float64(out[(4+cell)*10+b])
		}
		if math.Abs(sum-1) > 1e-6 {
			t.Errorf("channel 1, cell %d: histogram sums to %g", cell, sum)
		}
	}
	// The ramp's right cells hold values 3, 4, 5: all above the range, in the last bin.
	if got := out[(4+1)*10+9]; got != 1 {
		t.Errorf("channel 1, cell 1: last bin holds %g, want 1", got)
	}
}
