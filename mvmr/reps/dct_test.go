package reps

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// referenceDCT2 is the unnormalised 2-D DCT-II by its definition (scipy's dctn norm=None, which
// torch_dct.dct_2d computes by default): X[k,l] = 4·Σ_n Σ_m x[n,m] cos(πk(2n+1)/2H) cos(πl(2m+1)/2W).
func referenceDCT2(x []float64, h, w int) []float64 {
	out := make([]float64, h*w)
	for k := range h {
		for l := range w {
			var s float64
			for n := range h {
				for m := range w {
					s += x[n*w+m] * math.Cos(math.Pi*float64(k*(2*n+1))/float64(2*h)) * math.Cos(math.Pi*float64(l*(2*m+1))/float64(2*w))
				}
			}
			out[k*w+l] = 4 * s
		}
	}
	return out
}

func TestDCTRepresentation(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	const b, h, w, c = 2, 6, 5, 3
	x := testutil.RandomMatrix(rng, 1, b*h*w*c) // NHWC
	run := func(norm string) []float64 {
		return testutil.Flat64(t, testutil.Call1(t, testutil.Backend(t), func(in []*Node) *Node {
			return DCTRepresentation{Norm: norm}.Features(Reshape(in[0], b, h, w, c))
		}, testutil.TensorOf(x, dtypes.Float64)))
	}
	official, ortho := run(DCTOfficial), run(DCTOrtho)
	for n := range b {
		for ch := range c {
			plane := make([]float64, h*w) // channel ch of image n, HW order
			var energy float64
			for i := range h * w {
				plane[i] = x.Data[(n*h*w+i)*c+ch]
				energy += plane[i] * plane[i]
			}
			want := referenceDCT2(plane, h, w)
			base := (n*c + ch) * h * w // features are (C, H, W) per image
			var orthoEnergy float64
			for i := range want {
				if math.Abs(official[n*c*h*w+ch*h*w+i]-want[i]) > 1e-9*(1+math.Abs(want[i])) {
					t.Fatalf("official DCT image %d channel %d coefficient %d = %g, definition %g", n, ch, i, official[base+i], want[i])
				}
				orthoEnergy += ortho[base+i] * ortho[base+i]
			}
			if math.Abs(orthoEnergy-energy) > 1e-9*energy {
				t.Errorf("orthonormal DCT energy %g, image energy %g", orthoEnergy, energy)
			}
			// The inverse (Dᵀ·X·D) recovers the image.
			dh, dw := DCTMatrixValues(h, DCTOrtho), DCTMatrixValues(w, DCTOrtho)
			for i := range h {
				for j := range w {
					var v float64
					for k := range h {
						for l := range w {
							v += dh[k*h+i] * ortho[base+k*w+l] * dw[l*w+j]
						}
					}
					if math.Abs(v-plane[i*w+j]) > 1e-9 {
						t.Fatalf("inverse DCT pixel (%d,%d) = %g, image %g", i, j, v, plane[i*w+j])
					}
				}
			}
		}
	}
}
