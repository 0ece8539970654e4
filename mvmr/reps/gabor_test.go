package reps

import (
	"math"
	"math/rand/v2"
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

// TestGaborFFTMatchesDirectConvolution compares Compute (Fourier-domain filtering) with the
// direct zero-padded convolution in float64 (gaborDirect, the implementation before the FFT) on
// random images of several sizes, odd channel counts included.
func TestGaborFFTMatchesDirectConvolution(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, shape := range [][3]int{{28, 28, 1}, {32, 32, 3}, {20, 37, 2}, {96, 96, 3}} {
		h, w, c := shape[0], shape[1], shape[2]
		rep, err := Known.New("gabor", nil)
		if err != nil {
			t.Fatal(err)
		}
		gabor := rep.impl.(GaborRepresentation)
		image := make([]float32, h*w*c)
		for i := range image {
			image[i] = float32(rng.NormFloat64())
		}
		dim := c * gabor.Scales * gabor.Orientations * gabor.Grid * gabor.Grid
		got, want := make([]float32, dim), make([]float64, dim)
		gabor.Compute(got, image, h, w, c)
		gaborDirect(gabor, want, image, h, w, c)
		for i := range want {
			if math.Abs(float64(got[i])-want[i]) > 1e-5*math.Max(1, math.Abs(want[i])) {
				t.Fatalf("%dx%dx%d: feature %d = %g, direct convolution %g", h, w, c, i, got[i], want[i])
			}
		}
	}
}

// gaborDirect is the Gabor representation by direct convolution in float64.
func gaborDirect(r GaborRepresentation, dst []float64, image []float32, height, width, channels int) {
	g := r.Grid
	filters := r.Scales * r.Orientations
	cellOf := func(i, n int) int { return min(i*g/n, g-1) }
	counts := make([]int, g*g)
	for i := range height {
		for j := range width {
			counts[cellOf(i, height)*g+cellOf(j, width)]++
		}
	}
	clear(dst)
	for ch := range channels {
		at := func(i, j int) float64 {
			if i < 0 || j < 0 || i >= height || j >= width {
				return 0
			}
			return float64(image[(i*width+j)*channels+ch])
		}
		for f := range filters {
			kern := r.kernel(f/r.Orientations, f%r.Orientations)
			size := 2*kern.radius + 1
			cells := dst[(ch*filters+f)*g*g : (ch*filters+f+1)*g*g]
			for i := range height {
				for j := range width {
					var re, im float64
					for a := range size {
						for b := range size {
							v := at(i+a-kern.radius, j+b-kern.radius)
							re += v * kern.re[a*size+b]
							im += v * kern.im[a*size+b]
						}
					}
					cells[cellOf(i, height)*g+cellOf(j, width)] += math.Hypot(re, im)
				}
			}
			for k := range g * g {
				cells[k] /= float64(counts[k])
			}
		}
	}
}
