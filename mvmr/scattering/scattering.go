// Package scattering implements the 2-D scattering transform (Mallat; Bruna and Mallat) with
// Morlet wavelets, order 2, as kymatio's Scattering2D computes it: same filter bank, same
// reflect padding, Fourier-domain convolutions and subsampling, same output order. It is plain
// Go in float64, with no GoMLX dependency; mvmr registers it as the "scatnet" representation.
package scattering

import (
	"fmt"
	"math/cmplx"
	"sync"
)

// Transform is a scattering transform for images of a fixed size. It is safe for concurrent use.
type Transform struct {
	// Height and Width are the input size; J the number of scales; L the number of angles.
	Height, Width, J, L int
	// PaddedHeight and PaddedWidth are the reflect-padded size the filters live on.
	PaddedHeight, PaddedWidth int
	filters                   *FilterBank
}

var filterBanks sync.Map // [4]int{M, N, J, L} → *FilterBank

// New returns the transform for height×width images with J scales and L angles. It needs
// 2^J <= height and width, as kymatio.
func New(height, width, J, L int) (*Transform, error) {
	if J < 1 || L < 1 {
		return nil, fmt.Errorf("scattering: J = %d, L = %d; expected J >= 1 and L >= 1", J, L)
	}
	if 1<<J > height || 1<<J > width {
		return nil, fmt.Errorf("scattering: 2^J = %d is larger than the %dx%d image", 1<<J, height, width)
	}
	t := &Transform{Height: height, Width: width, J: J, L: L}
	t.PaddedHeight, t.PaddedWidth = PaddedSize(height, J), PaddedSize(width, J)
	key := [4]int{t.PaddedHeight, t.PaddedWidth, J, L}
	fb, ok := filterBanks.Load(key)
	if !ok {
		fb, _ = filterBanks.LoadOrStore(key, NewFilterBank(t.PaddedHeight, t.PaddedWidth, J, L))
	}
	t.filters = fb.(*FilterBank)
	return t, nil
}

// PaddedSize is kymatio's compute_padding: ((n + 2^J) // 2^J + 1)·2^J.
func PaddedSize(n, J int) int {
	k := 1 << J
	return ((n+k)/k + 1) * k
}

// Channels returns the number of scattering channels per input channel:
// 1 + J·L + L²·J(J−1)/2 (81 for J=2, L=8).
func (t *Transform) Channels() int {
	return 1 + t.J*t.L + t.L*t.L*t.J*(t.J-1)/2
}

// OutputSize returns the spatial size of each channel: (height / 2^J, width / 2^J), rounded down.
func (t *Transform) OutputSize() (int, int) {
	return t.PaddedHeight>>t.J - 2, t.PaddedWidth>>t.J - 2
}

// Filters returns the filter bank.
func (t *Transform) Filters() *FilterBank { return t.filters }

// Apply computes the scattering coefficients of one single-channel image (Height×Width,
// row-major) into dst, Channels()×OutputSize() values: order 0, then order 1 for each (j, θ),
// then order 2 for each (j1, θ1), (j2 > j1, θ2), as kymatio orders them.
func (t *Transform) Apply(dst, image []float64) {
	M, N, J := t.PaddedHeight, t.PaddedWidth, t.J
	oh, ow := t.OutputSize()
	if len(image) != t.Height*t.Width || len(dst) != t.Channels()*oh*ow {
		panic(fmt.Sprintf("scattering: image of %d values and output of %d for a %dx%d transform with %d channels of %dx%d",
			len(image), len(dst), t.Height, t.Width, t.Channels(), oh, ow))
	}
	u0 := t.pad(image)
	fft2(u0, M, N, false)
	psi, phi := t.filters.Psi, t.filters.Phi
	out := 0
	emit := func(spectrum []complex128, m, n int) { // real part of the inverse FFT, unpadded
		fft2(spectrum, m, n, true)
		for i := 1; i < m-1; i++ {
			for j := 1; j < n-1; j++ {
				dst[out] = real(spectrum[i*n+j])
				out++
			}
		}
	}
	// Order 0: x ⋆ φ_J, subsampled by 2^J.
	s0, _ := subsample(multiply(u0, phi[0]), M, N, 1<<J)
	emit(s0, M>>J, N>>J)

	type firstOrder struct {
		j        int
		spectrum []complex128 // FFT of |x ⋆ ψ_{j1,θ1}| at resolution j1
	}
	firsts := make([]firstOrder, 0, len(psi))
	for n1, levels := range psi {
		j1 := n1 / t.L
		u1 := multiply(u0, levels[0])
		m, n := M, N
		if j1 > 0 {
			u1, _ = subsample(u1, m, n, 1<<j1)
			m, n = M>>j1, N>>j1
		}
		modulusInPlace(u1, m, n)
		s1, _ := subsample(multiply(u1, phi[j1]), m, n, 1<<(J-j1))
		emit(s1, M>>J, N>>J)
		firsts = append(firsts, firstOrder{j: j1, spectrum: u1})
	}
	// Order 2: ||x ⋆ ψ_{j1,θ1}| ⋆ ψ_{j2,θ2}| ⋆ φ_J for j2 > j1.
	for _, first := range firsts {
		j1 := first.j
		m1, n1 := M>>j1, N>>j1
		for n2, levels := range psi {
			j2 := n2 / t.L
			if j2 <= j1 {
				continue
			}
			u2, _ := subsample(multiply(first.spectrum, levels[j1]), m1, n1, 1<<(j2-j1))
			m2, nn2 := M>>j2, N>>j2
			modulusInPlace(u2, m2, nn2)
			s2, _ := subsample(multiply(u2, phi[j2]), m2, nn2, 1<<(J-j2))
			emit(s2, M>>J, N>>J)
		}
	}
}

// pad reflect-pads the image to the padded size (numpy's "reflect": the edge is not repeated),
// (Mp−M)//2 rows above and (Mp−M+1)//2 below, likewise for columns, as a complex array.
func (t *Transform) pad(image []float64) []complex128 {
	M, N := t.PaddedHeight, t.PaddedWidth
	top, left := (M-t.Height)/2, (N-t.Width)/2
	out := make([]complex128, M*N)
	for i := range M {
		si := reflect(i-top, t.Height)
		for j := range N {
			out[i*N+j] = complex(image[si*t.Width+reflect(j-left, t.Width)], 0)
		}
	}
	return out
}

// reflect mirrors i into [0, n) without repeating the edge.
func reflect(i, n int) int {
	if n == 1 {
		return 0
	}
	period := 2 * (n - 1)
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - i
	}
	return i
}

// multiply returns x ⊙ filter (a real filter of the same size).
func multiply(x []complex128, filter []float64) []complex128 {
	out := make([]complex128, len(x))
	for i, f := range filter {
		out[i] = x[i] * complex(f, 0)
	}
	return out
}

// subsample is kymatio's subsample_fourier: the spectrum of the signal subsampled by k in space
// is the mean of the k×k blocks of the m×n spectrum. It returns the (m/k)×(n/k) result.
func subsample(x []complex128, m, n, k int) ([]complex128, int) {
	if k == 1 {
		return x, m
	}
	sm, sn := m/k, n/k
	out := make([]complex128, sm*sn)
	scale := complex(1/float64(k*k), 0)
	for a := range sm {
		for b := range sn {
			var sum complex128
			for i := range k {
				for j := range k {
					sum += x[(a+i*sm)*n+b+j*sn]
				}
			}
			out[a*sn+b] = sum * scale
		}
	}
	return out, sm
}

// modulusInPlace replaces the spectrum x (m×n) by the spectrum of the modulus of its inverse:
// FFT(|IFFT(x)|).
func modulusInPlace(x []complex128, m, n int) {
	fft2(x, m, n, true)
	for i, v := range x {
		x[i] = complex(cmplx.Abs(v), 0)
	}
	fft2(x, m, n, false)
}
