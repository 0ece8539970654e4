package scattering

import (
	"math"
	"math/cmplx"
	"testing"
)

// gabor2DEveryTerm is gabor2D without the skip of negligible exponents: every one of the 25
// tiles' terms is evaluated and added.
func gabor2DEveryTerm(M, N int, sigma, theta, xi, slant float64) []complex128 {
	c, s := math.Cos(theta), math.Sin(theta)
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
	acc := make([]complex64, M*N)
	for ex := -2; ex <= 2; ex++ {
		for ey := -2; ey <= 2; ey++ {
			for i := range M {
				xx := float64(i + ex*M)
				for j := range N {
					yy := float64(j + ey*N)
					re := -(curv[0][0]*xx*xx + (curv[0][1]+curv[1][0])*xx*yy + curv[1][1]*yy*yy)
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

// TestGabor2DSkipsOnlyNegligibleTerms checks that skipping the exponents below
// negligibleExponent leaves every filter value exactly as the full sum gives it (== treats the
// two zeros as equal), for wavelets and the low-pass of scatnet at 28×28 and 96×96 (J = 2, 3).
func TestGabor2DSkipsOnlyNegligibleTerms(t *testing.T) {
	for _, g := range []struct{ M, N, J, L int }{{40, 40, 2, 8}, {104, 104, 2, 8}, {48, 48, 3, 8}} {
		type params struct{ sigma, theta, xi, slant float64 }
		var all []params
		for j := range g.J {
			for _, theta := range []int{0, g.L/2 - 1, g.L - 1} { // the full sum is slow: three angles
				angle := float64(int(float64(g.L)-float64(g.L)/2-1)-theta) * math.Pi / float64(g.L)
				sigma, xi, slant := 0.8*math.Pow(2, float64(j)), 3.0/4.0*math.Pi/math.Pow(2, float64(j)), 4.0/float64(g.L)
				all = append(all, params{sigma, angle, xi, slant}, params{sigma, angle, 0, slant})
			}
		}
		all = append(all, params{0.8 * math.Pow(2, float64(g.J-1)), 0, 0, 1})
		for _, p := range all {
			got, want := gabor2D(g.M, g.N, p.sigma, p.theta, p.xi, p.slant), gabor2DEveryTerm(g.M, g.N, p.sigma, p.theta, p.xi, p.slant)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%dx%d, σ=%g θ=%g ξ=%g slant=%g: value %d is %v; the full sum gives %v",
						g.M, g.N, p.sigma, p.theta, p.xi, p.slant, i, got[i], want[i])
				}
			}
		}
	}
}
