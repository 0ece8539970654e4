package scattering

import (
	"math"
	"math/cmplx"

	"github.com/mvmr-ssl/mvmr-go/internal/parallel"
)

// FilterBank holds the Fourier transforms of the Morlet wavelets ψ_{j,θ} and of the Gaussian
// low-pass φ_J on an M×N grid, each at the resolutions the transform needs (level r is the
// filter periodised to (M/2^r)×(N/2^r)), built exactly as kymatio's filter_bank(M, N, J, L).
type FilterBank struct {
	M, N, J, L int
	// Psi[j·L+θ][r] is the real Fourier transform of ψ_{j,θ} at resolution r, row-major.
	Psi [][][]float64
	// Phi[r] is the real Fourier transform of φ_J at resolution r.
	Phi [][]float64
}

// NewFilterBank builds the filters for an M×N (padded) grid:
//
//	ψ_{j,θ} = morlet_2d(M, N, σ = 0.8·2^j, angle = (int(L − L/2 − 1) − θ)·π/L, ξ = 3π/4/2^j, slant = 4/L)
//	φ_J     = gabor_2d(M, N, σ = 0.8·2^(J−1), angle 0, ξ = 0)
//
// Gabor filters are Gaussian envelopes times a plane wave, periodised over 5×5 tiles and
// divided by 2·3.1415·σ²/slant (kymatio's constant); a Morlet is a Gabor minus K times its
// envelope, K making its sum zero. Filters are kept as the real part of their FFT (kymatio drops
// the imaginary part, zero up to rounding). ψ_{j,θ} has levels r < min(j+1, max(J−1, 1)) and φ_J
// levels r < J, as kymatio.
func NewFilterBank(M, N, J, L int) *FilterBank {
	fb := &FilterBank{M: M, N: N, J: J, L: L, Psi: make([][][]float64, J*L)}
	// The J·L wavelets and φ are independent: build them on all cores (each filter's own
	// arithmetic, and so its rounding, is unchanged).
	parallel.For(J*L+1, func(n int) {
		if n == J*L {
			phi := gabor2D(M, N, 0.8*math.Pow(2, float64(J-1)), 0, 0, 1)
			phiHat := realFFT2(phi, M, N)
			for r := range J {
				fb.Phi = append(fb.Phi, periodizeFilter(phiHat, M, N, r))
			}
			return
		}
		j, theta := n/L, n%L
		angle := float64(int(float64(L)-float64(L)/2-1)-theta) * math.Pi / float64(L)
		psi := morlet2D(M, N, 0.8*math.Pow(2, float64(j)), angle, 3.0/4.0*math.Pi/math.Pow(2, float64(j)), 4.0/float64(L))
		psiHat := realFFT2(psi, M, N)
		var levels [][]float64
		for r := range min(j+1, max(J-1, 1)) {
			levels = append(levels, periodizeFilter(psiHat, M, N, r))
		}
		fb.Psi[n] = levels
	})
	return fb
}

// negligibleExponent bounds the Gaussian exponents gabor2D adds: |exp(re + i·im)| = e^re is below
// 2^-150 (half the smallest complex64 subnormal) for re < -104, so adding it to a complex64
// accumulator and rounding gives back the accumulator (up to the sign of a zero). Most of the
// 5×5 periodisation tiles lie there, where math.Exp is slowest (subnormal results, 30-50× the
// usual time): skipping them made NewFilterBank(104, 104, 2, 8), which every program's first
// scatnet call builds, several times faster (BenchmarkNewFilterBank).
const negligibleExponent = -110

// gabor2D is kymatio's gabor_2d on an M×N grid, row-major.
func gabor2D(M, N int, sigma, theta, xi, slant float64) []complex128 {
	return gabor2DAbove(M, N, sigma, theta, xi, slant, negligibleExponent)
}

// gabor2DAbove is gabor2D adding only the terms whose exponent's real part is at least
// minExponent (math.Inf(-1): every term, kymatio's sum).
func gabor2DAbove(M, N int, sigma, theta, xi, slant, minExponent float64) []complex128 {
	c, s := math.Cos(theta), math.Sin(theta)
	// curv = R·diag(1, slant²)·R⁻¹ / (2σ²); kymatio stores R in float32.
	r := [2][2]float64{{f32(c), f32(-s)}, {f32(s), f32(c)}}
	rInv := [2][2]float64{{f32(c), f32(s)}, {f32(-s), f32(c)}}
	d := [2]float64{1, slant * slant}
	var curv [2][2]float64
	for a := range 2 {
		for b := range 2 {
			for k := range 2 {
				curv[a][b] += r[a][k] * d[k] * rInv[k][b]
			}
			curv[a][b] /= 2 * sigma * sigma
		}
	}
	// kymatio accumulates in a complex64 array: round to complex64 after every tile.
	acc := make([]complex64, M*N)
	for ex := -2; ex <= 2; ex++ {
		for ey := -2; ey <= 2; ey++ {
			for i := range M {
				xx := float64(i + ex*M)
				for j := range N {
					yy := float64(j + ey*N)
					re := -(curv[0][0]*xx*xx + (curv[0][1]+curv[1][0])*xx*yy + curv[1][1]*yy*yy)
					if re < minExponent {
						continue // adds nothing to a complex64 (and exp of it is slow: subnormal)
					}
					im := xx*xi*c + yy*xi*s
					acc[i*N+j] = complex64(complex128(acc[i*N+j]) + cmplx.Exp(complex(re, im)))
				}
			}
		}
	}
	norm := float32(2 * 3.1415 * sigma * sigma / slant)
	out := make([]complex128, M*N)
	for i, v := range acc {
		out[i] = complex128(complex(real(v)/norm, imag(v)/norm))
	}
	return out
}

// morlet2D is kymatio's morlet_2d: a Gabor filter minus K times its envelope, with K making
// the sum zero.
func morlet2D(M, N int, sigma, theta, xi, slant float64) []complex128 {
	wave := gabor2D(M, N, sigma, theta, xi, slant)
	envelope := gabor2D(M, N, sigma, theta, 0, slant)
	var sumWave, sumEnvelope complex128
	for i := range wave {
		sumWave += wave[i]
		sumEnvelope += envelope[i]
	}
	k := sumWave / sumEnvelope
	for i := range wave {
		wave[i] -= k * envelope[i]
	}
	return wave
}

// realFFT2 returns the real part of the 2-D FFT of x (M×N, row-major).
func realFFT2(x []complex128, M, N int) []float64 {
	y := append([]complex128(nil), x...)
	fft2(y, M, N, false)
	out := make([]float64, len(y))
	for i, v := range y {
		out[i] = real(v)
	}
	return out
}

// periodizeFilter is kymatio's periodize_filter_fft: it zeroes the frequencies that would alias
// at resolution res and folds the M×N filter onto (M/2^res)×(N/2^res) by summing its 2^res×2^res
// shifted copies.
func periodizeFilter(x []float64, M, N, res int) []float64 {
	k := 1 << res
	m, n := M/k, N/k
	lenX := int(float64(M) * (1 - math.Pow(2, -float64(res))))
	startX := int(float64(M) * math.Pow(2, -float64(res)-1))
	lenY := int(float64(N) * (1 - math.Pow(2, -float64(res))))
	startY := int(float64(N) * math.Pow(2, -float64(res)-1))
	masked := func(i, j int) float64 {
		if (i >= startX && i < startX+lenX) || (j >= startY && j < startY+lenY) {
			return 0
		}
		return x[i*N+j]
	}
	out := make([]float64, m*n)
	for a := range m {
		for b := range n {
			var sum float64
			for i := range k {
				for j := range k {
					sum += masked(a+i*m, b+j*n)
				}
			}
			out[a*n+b] = sum
		}
	}
	return out
}

func f32(v float64) float64 { return float64(float32(v)) }
