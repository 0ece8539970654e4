package scattering

import (
	"math"
	"testing"
)

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
			got, want := gabor2D(g.M, g.N, p.sigma, p.theta, p.xi, p.slant), gabor2DAbove(g.M, g.N, p.sigma, p.theta, p.xi, p.slant, math.Inf(-1))
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%dx%d, σ=%g θ=%g ξ=%g slant=%g: value %d is %v; the full sum gives %v",
						g.M, g.N, p.sigma, p.theta, p.xi, p.slant, i, got[i], want[i])
				}
			}
		}
	}
}
