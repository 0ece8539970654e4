package fft

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMatchesTheDefinition compares Forward with the float64 sum Σ x e^{−2πi(ku/M+lv/N)} and
// checks that Inverse recovers the input, on sizes that use every radix (4, 2, 3, 5, 13, a
// prime, a repeated odd factor) and the scattering transform's 104 = 4·2·13.
func TestMatchesTheDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range [][2]int{{1, 1}, {1, 8}, {6, 10}, {9, 18}, {26, 13}, {104, 12}, {7, 25}, {169, 3}, {32, 15}, {11, 22}} {
		M, N := size[0], size[1]
		x := make([]complex128, M*N)
		for i := range x {
			x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		y := slices.Clone(x)
		p := NewPlan(M, N)
		p.Forward(y)
		for k := range M {
			for l := range N {
				var want complex128
				for u := range M {
					for v := range N {
						angle := -2 * math.Pi * (float64(k*u%M)/float64(M) + float64(l*v%N)/float64(N))
						want += x[u*N+v] * complex(math.Cos(angle), math.Sin(angle))
					}
				}
				if cmplx.Abs(y[k*N+l]-want) > 1e-9*math.Sqrt(float64(M*N)) {
					t.Fatalf("%dx%d: X[%d,%d] = %v, definition %v", M, N, k, l, y[k*N+l], want)
				}
			}
		}
		p.Inverse(y)
		for i := range x {
			if cmplx.Abs(y[i]-x[i]) > 1e-12 {
				t.Fatalf("%dx%d: the inverse gives %v at %d, input %v", M, N, y[i], i, x[i])
			}
		}
	}
}

func TestFactor(t *testing.T) {
	for n, want := range map[int][]int{1: nil, 2: {2}, 104: {4, 2, 13}, 128: {4, 4, 4, 2}, 45: {3, 3, 5}, 26: {2, 13}, 49: {7, 7}} {
		if got := factor(n); !slices.Equal(got, want) {
			t.Errorf("factor(%d) = %v, want %v", n, got, want)
		}
	}
}

// TestSplitReal: one FFT of x + iy, split, gives the FFTs of x and y computed apart.
func TestSplitReal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, size := range [][2]int{{1, 1}, {6, 10}, {13, 26}, {7, 5}} {
		M, N := size[0], size[1]
		x, y, z := make([]complex128, M*N), make([]complex128, M*N), make([]complex128, M*N)
		for i := range z {
			x[i], y[i] = complex(rng.NormFloat64(), 0), complex(rng.NormFloat64(), 0)
			z[i] = complex(real(x[i]), real(y[i]))
		}
		p := NewPlan(M, N)
		p.Forward(x)
		p.Forward(y)
		p.Forward(z)
		other := make([]complex128, M*N)
		p.SplitReal(z, other)
		for i := range z {
			if cmplx.Abs(z[i]-x[i]) > 1e-12 || cmplx.Abs(other[i]-y[i]) > 1e-12 {
				t.Fatalf("%dx%d at %d: split %v, %v; apart %v, %v", M, N, i, z[i], other[i], x[i], y[i])
			}
		}
	}
}

// TestJoinReal: the inverse FFT of JoinReal(a, b) is Re IFFT(a) + i·Re IFFT(b), for spectra a and
// b that are not Hermitian (complex signals).
func TestJoinReal(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, size := range [][2]int{{1, 1}, {6, 10}, {13, 26}, {7, 5}} {
		M, N := size[0], size[1]
		a, b := make([]complex128, M*N), make([]complex128, M*N)
		for i := range a {
			a[i], b[i] = complex(rng.NormFloat64(), rng.NormFloat64()), complex(rng.NormFloat64(), rng.NormFloat64())
		}
		p := NewPlan(M, N)
		joined := slices.Clone(a)
		p.JoinReal(joined, b)
		p.Inverse(joined)
		p.Inverse(a)
		p.Inverse(b)
		for i := range a {
			if want := complex(real(a[i]), real(b[i])); cmplx.Abs(joined[i]-want) > 1e-12 {
				t.Fatalf("%dx%d at %d: %v, want %v", M, N, i, joined[i], want)
			}
		}
	}
}
