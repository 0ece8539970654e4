package reps

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// hostFeatures64 runs a host representation on float64 NHWC images (converted to float32).
func hostFeatures64(t testing.TB, rep HostRepresentation, images []float64, b, h, w, c int) []float64 {
	f := make([]float32, len(images))
	for i, v := range images {
		f[i] = float32(v)
	}
	out := hostFeatures(t, rep, f, b, h, w, c)
	res := make([]float64, len(out))
	for i, v := range out {
		res[i] = float64(v)
	}
	return res
}

// referenceHOG is a float64 loop transcription of the official HOGLayer on one channel
// ([h, w]), returning (bins, h/pool, w/pool), with the interpolated mode as a variant.
func referenceHOG(x []float64, h, w, bins, pool int, mode string) []float64 {
	at := func(i, j int) float64 {
		if i < 0 || j < 0 || i >= h || j >= w {
			return 0
		}
		return x[i*w+j]
	}
	k := [3][3]float64{{1, 0, -1}, {2, 0, -2}, {1, 0, -1}}
	votes := make([]float64, bins*h*w)
	for i := range h {
		for j := range w {
			var gx, gy float64
			for a := range 3 {
				for b := range 3 {
					gx += k[a][b] * at(i+a-1, j+b-1)
					gy += k[b][a] * at(i+a-1, j+b-1)
				}
			}
			mag := math.Sqrt(gx*gx + gy*gy)
			p := math.Atan2(gx, gy) / math.Pi * float64(bins)
			lo, hi := math.Floor(p), math.Ceil(p)
			mod := func(v float64) int { return ((int(v) % bins) + bins) % bins }
			if mode == HOGOfficial {
				votes[mod(lo)*h*w+i*w+j] = mag // scatter_ (set)
				votes[mod(hi)*h*w+i*w+j] += 1 - mag
			} else {
				f := p - lo
				votes[mod(lo)*h*w+i*w+j] += (1 - f) * mag
				votes[mod(hi)*h*w+i*w+j] += f * mag
			}
		}
	}
	ph, pw := h/pool, w/pool
	out := make([]float64, bins*ph*pw)
	for bin := range bins {
		for i := range ph {
			for j := range pw {
				var s float64
				for a := range pool {
					for b := range pool {
						s += votes[bin*h*w+(i*pool+a)*w+j*pool+b]
					}
				}
				out[(bin*ph+i)*pw+j] = s / float64(pool*pool)
			}
		}
	}
	return out
}

func TestHOGMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(63, 64))
	const b, h, w, c = 2, 13, 11, 2
	x := testutil.RandomMatrix(rng, 1, b*h*w*c)
	// Some exactly horizontal and vertical edges make integer bin positions (floor = ceil).
	for i := range h {
		x.Data[(i*w+3)*c] = 2
	}
	for _, tc := range []struct {
		bins, pool int
		mode       string
	}{{24, 4, HOGOfficial}, {9, 3, HOGInterpolated}, {8, 1, HOGOfficial}} {
		rep := HOGRepresentation{Bins: tc.bins, Pool: tc.pool, Mode: tc.mode}
		got := hostFeatures64(t, rep, x.Data, b, h, w, c)
		dim, _ := featureDim(rep, h, w, c)
		if len(got) != b*dim {
			t.Fatalf("%+v: %d features, want %d", tc, len(got), b*dim)
		}
		for n := range b {
			for ch := range c {
				plane := make([]float64, h*w)
				for i := range plane {
					plane[i] = x.Data[(n*h*w+i)*c+ch]
				}
				want := referenceHOG(plane, h, w, tc.bins, tc.pool, tc.mode)
				base := n*dim + ch*len(want)
				for i := range want {
					if math.Abs(got[base+i]-want[i]) > 1e-5*(1+math.Abs(want[i])) {
						t.Fatalf("%+v: image %d channel %d feature %d = %g, reference %g", tc, n, ch, i, got[base+i], want[i])
					}
				}
			}
		}
	}
}

func TestHOGInterpolatedVotesSumToMagnitude(t *testing.T) {
	// Interpolated votes of a pixel sum to its gradient magnitude; official votes do not.
	rng := rand.New(rand.NewPCG(65, 66))
	const h, w = 7, 7
	x := testutil.RandomMatrix(rng, 1, h*w)
	votes := hostFeatures64(t, HOGRepresentation{Bins: 12, Pool: 1, Mode: HOGInterpolated}, x.Data, 1, h, w, 1) // (bins, h, w)
	plane := x.Data
	for i := 1; i < h-1; i++ {
		for j := 1; j < w-1; j++ {
			gx := plane[(i-1)*w+j-1] - plane[(i-1)*w+j+1] + 2*plane[i*w+j-1] - 2*plane[i*w+j+1] + plane[(i+1)*w+j-1] - plane[(i+1)*w+j+1]
			gy := plane[(i-1)*w+j-1] - plane[(i+1)*w+j-1] + 2*plane[(i-1)*w+j] - 2*plane[(i+1)*w+j] + plane[(i-1)*w+j+1] - plane[(i+1)*w+j+1]
			var sum float64
			for b := range 12 {
				sum += votes[(b*h+i)*w+j]
			}
			if mag := math.Hypot(gx, gy); math.Abs(sum-mag) > 1e-5*(1+mag) {
				t.Fatalf("pixel (%d,%d): votes sum to %g, magnitude %g", i, j, sum, mag)
			}
		}
	}
}
