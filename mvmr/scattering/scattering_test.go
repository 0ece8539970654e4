package scattering

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

func TestShapes(t *testing.T) {
	for _, tc := range []struct{ h, w, J, L, channels, oh, ow int }{
		{28, 28, 2, 8, 81, 7, 7},
		{32, 32, 3, 8, 1 + 24 + 64*3, 4, 4},
		{96, 96, 2, 8, 81, 24, 24},
		{30, 17, 2, 4, 1 + 8 + 16, 7, 4},
	} {
		tr, err := New(tc.h, tc.w, tc.J, tc.L)
		if err != nil {
			t.Fatal(err)
		}
		oh, ow := tr.OutputSize()
		if tr.Channels() != tc.channels || oh != tc.oh || ow != tc.ow {
			t.Errorf("%+v: %d channels of %dx%d", tc, tr.Channels(), oh, ow)
		}
	}
	if _, err := New(3, 28, 2, 8); err == nil {
		t.Error("2^J larger than the image accepted")
	}
}

func TestFFT2MatchesTheDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range [][2]int{{6, 10}, {9, 18}, {36, 20}, {5, 40}} { // direct DFT and FFT lengths
		checkFFT2(t, rng, size[0], size[1])
	}
}

func checkFFT2(t *testing.T, rng *rand.Rand, M, N int) {
	x := make([]complex128, M*N)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	y := append([]complex128(nil), x...)
	fft2(y, M, N, false)
	for k := range M {
		for l := range N {
			var want complex128
			for u := range M {
				for v := range N {
					want += x[u*N+v] * cmplx.Exp(complex(0, -2*math.Pi*(float64(k*u)/float64(M)+float64(l*v)/float64(N))))
				}
			}
			if cmplx.Abs(y[k*N+l]-want) > 1e-8 {
				t.Fatalf("FFT[%d,%d] = %v, definition %v", k, l, y[k*N+l], want)
			}
		}
	}
	fft2(y, M, N, true)
	for i := range x {
		if cmplx.Abs(y[i]-x[i]) > 1e-12 {
			t.Fatalf("inverse FFT does not recover the input at %d", i)
		}
	}
}

// TestLittlewoodPaley checks the filter bank's frequency coverage: A(ω) = |φ̂(ω)|² +
// ½Σ_{j,θ}(|ψ̂_{j,θ}(ω)|² + |ψ̂_{j,θ}(−ω)|²) stays at most 1 (up to 5 %; kymatio's filters are not an
// exactly tight frame) everywhere, and at least 0.5 over the band the wavelets cover
// (|ω| ≤ 3π/4), so the transform is stable and loses no band.
func TestLittlewoodPaley(t *testing.T) {
	for _, J := range []int{2, 3} {
		tr, err := New(64, 64, J, 8)
		if err != nil {
			t.Fatal(err)
		}
		fb := tr.Filters()
		M, N := fb.M, fb.N
		low, high := math.Inf(1), 0.0
		for u := range M {
			for v := range N {
				a := fb.Phi[0][u*N+v] * fb.Phi[0][u*N+v]
				mu, mv := (M-u)%M, (N-v)%N
				for _, psi := range fb.Psi {
					a += 0.5 * (psi[0][u*N+v]*psi[0][u*N+v] + psi[0][mu*N+mv]*psi[0][mu*N+mv])
				}
				high = math.Max(high, a)
				fu := 2 * math.Pi * float64(min(u, M-u)) / float64(M)
				fv := 2 * math.Pi * float64(min(v, N-v)) / float64(N)
				if math.Hypot(fu, fv) <= 3*math.Pi/4 {
					low = math.Min(low, a)
				}
			}
		}
		if high > 1.05 || low < 0.5 {
			t.Errorf("J=%d: Littlewood–Paley sum in [%.3f, %.3f]; want <= 1.05 everywhere and >= 0.5 in band", J, low, high)
		}
		if math.Abs(fb.Phi[0][0]-1) > 1e-3 {
			t.Errorf("J=%d: φ̂(0) = %g, want 1 (the low-pass keeps the mean)", J, fb.Phi[0][0])
		}
		for n, psi := range fb.Psi {
			if math.Abs(psi[0][0]) > 1e-6 {
				t.Fatalf("J=%d: wavelet %d has ψ̂(0) = %g, want 0 (zero mean)", J, n, psi[0][0])
			}
		}
	}
}

func energy(x []float64) float64 {
	var e float64
	for _, v := range x {
		e += v * v
	}
	return e
}

// TestEnergyAndContraction: with the 4^J subsampling factor, the coefficients keep a large,
// bounded share of the image's energy (orders above 2 and the gaps of the filter bank take the
// rest), and the transform is non-expansive: ‖Sx − Sy‖ ≤ ‖x − y‖.
func TestEnergyAndContraction(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, J := range []int{1, 2, 3} {
		tr, _ := New(32, 32, J, 8)
		oh, ow := tr.OutputSize()
		scale := math.Pow(4, float64(J))
		x := make([]float64, 32*32)
		for i := 8; i < 24; i++ {
			for j := 8; j < 24; j++ {
				x[i*32+j] = rng.NormFloat64()
			}
		}
		sx := make([]float64, tr.Channels()*oh*ow)
		tr.Apply(sx, x)
		ratio := energy(sx) * scale / energy(x)
		if ratio < 0.3 || ratio > 1 {
			t.Errorf("J=%d: ‖Sx‖²·4^J / ‖x‖² = %.3f; want within [0.3, 1]", J, ratio)
		}
		for range 5 {
			y := make([]float64, len(x))
			diff := make([]float64, len(x))
			for i := range x {
				y[i] = x[i] + 0.5*rng.NormFloat64()
				diff[i] = x[i] - y[i]
			}
			sy := make([]float64, len(sx))
			tr.Apply(sy, y)
			for i := range sy {
				sy[i] -= sx[i]
			}
			if r := energy(sy) * scale / energy(diff); r > 1 {
				t.Errorf("J=%d: ‖Sx − Sy‖²·4^J / ‖x − y‖² = %.3f > 1", J, r)
			}
		}
	}
}

// TestTranslationInvarianceGrowsWithJ shifts a compactly supported pattern by 2 pixels: the
// relative change of the scattering coefficients shrinks as the scale 2^J grows.
func TestTranslationInvarianceGrowsWithJ(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const size = 64
	pattern := make([]float64, 12*12)
	for i := range pattern {
		pattern[i] = rng.NormFloat64()
	}
	place := func(top, left int) []float64 {
		img := make([]float64, size*size)
		for i := range 12 {
			for j := range 12 {
				img[(top+i)*size+left+j] = pattern[i*12+j]
			}
		}
		return img
	}
	x, shifted := place(26, 26), place(28, 27)
	var previous float64 = math.Inf(1)
	for _, J := range []int{1, 2, 3, 4} {
		tr, _ := New(size, size, J, 8)
		oh, ow := tr.OutputSize()
		sx := make([]float64, tr.Channels()*oh*ow)
		sy := make([]float64, len(sx))
		tr.Apply(sx, x)
		tr.Apply(sy, shifted)
		for i := range sy {
			sy[i] -= sx[i]
		}
		change := math.Sqrt(energy(sy) / energy(sx))
		t.Logf("J=%d: relative change under a (2, 1) shift %.3f", J, change)
		if change >= previous {
			t.Errorf("J=%d: relative change %.3f did not shrink from %.3f", J, change, previous)
		}
		previous = change
	}
	if previous > 0.3 {
		t.Errorf("at J=4 the coefficients still change by %.2f under a small shift", previous)
	}
}
