package reps

import (
	"math"
	"testing"
)

// TestGaborRespondsToMatchingGratings: a sinusoidal grating with the wavelength and orientation
// of one filter gives that filter the largest energy; a constant image gives none (zero-mean
// kernels).
func TestGaborRespondsToMatchingGratings(t *testing.T) {
	rep, err := Known.New("gabor", Params{"grid": 1.0})
	if err != nil {
		t.Fatal(err)
	}
	gabor := rep.impl.(GaborRepresentation)
	const size = 40
	filters := gabor.Scales * gabor.Orientations
	for s := range gabor.Scales {
		for o := range gabor.Orientations {
			lambda := gabor.MinWavelength * math.Pow(2, float64(s))
			theta := float64(o) * math.Pi / float64(gabor.Orientations)
			img := make([]float32, size*size)
			for i := range size {
				for j := range size {
					img[i*size+j] = float32(math.Cos(2 * math.Pi * (float64(j)*math.Cos(theta) + float64(i)*math.Sin(theta)) / lambda))
				}
			}
			out := make([]float32, filters)
			gabor.Compute(out, img, size, size, 1)
			best := 0
			for f := range filters {
				if out[f] > out[best] {
					best = f
				}
			}
			if best != s*gabor.Orientations+o {
				t.Errorf("grating λ=%g θ=%.2f: strongest filter %d (scale %d, orientation %d), want scale %d orientation %d",
					lambda, theta, best, best/gabor.Orientations, best%gabor.Orientations, s, o)
			}
		}
	}
	constant := make([]float32, size*size)
	for i := range constant {
		constant[i] = 2
	}
	// Away from the zero-padded border a constant gives no response: check a 4×4 grid's centre cells.
	grid := GaborRepresentation{Scales: 1, Orientations: 4, Grid: 4, MinWavelength: 3}
	out := make([]float32, 4*16)
	grid.Compute(out, constant, size, size, 1)
	for f := range 4 {
		for _, cell := range []int{5, 6, 9, 10} {
			if v := out[f*16+cell]; v > 1e-6 {
				t.Errorf("constant image: filter %d, centre cell %d energy %g, want 0", f, cell, v)
			}
		}
	}
}
