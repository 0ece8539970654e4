// Package scattering implements the 2-D scattering transform (Mallat; Bruna and Mallat) with
// Morlet wavelets, order 2, as kymatio's Scattering2D computes it: same filter bank, same
// reflect padding, Fourier-domain convolutions and subsampling, same output order. It is plain
// Go in float64, with no GoMLX dependency; mvmr registers it as the "scatnet" representation.
package scattering

import (
	"fmt"
	"math"
	"sync"

	"github.com/mvmr-ssl/mvmr-go/internal/fft"
)

// Transform is a scattering transform for images of a fixed size. It is safe for concurrent use.
type Transform struct {
	// Height and Width are the input size; J the number of scales; L the number of angles.
	Height, Width, J, L int
	// PaddedHeight and PaddedWidth are the reflect-padded size the filters live on.
	PaddedHeight, PaddedWidth int
	filters                   *FilterBank
	arenas                    *sync.Pool // of *arena: Apply's buffers, reused
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
	t.arenas = &sync.Pool{New: func() any { return &arena{} }}
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
//
// The moduli come two at a time: the FFT of |u_a| + i|u_b| gives both spectra (Hermitian
// symmetry), and so do the output inverse FFTs, which keep only the real part. That saves one FFT
// in four on the modulus and one in two on the output, and changes no result beyond rounding.
func (t *Transform) Apply(dst, image []float64) {
	M, N, J := t.PaddedHeight, t.PaddedWidth, t.J
	oh, ow := t.OutputSize()
	if len(image) != t.Height*t.Width || len(dst) != t.Channels()*oh*ow {
		panic(fmt.Sprintf("scattering: image of %d values and output of %d for a %dx%d transform with %d channels of %dx%d",
			len(image), len(dst), t.Height, t.Width, t.Channels(), oh, ow))
	}
	ar := t.arenas.Get().(*arena)
	defer func() { ar.reset(); t.arenas.Put(ar) }()
	u0 := t.pad(ar.take(M*N), image)
	fft2(u0, M, N, false)
	psi, phi := t.filters.Psi, t.filters.Phi
	mJ, nJ := M>>J, N>>J
	var outputs [][]complex128 // spectra at resolution J, in output order
	// Order 0: x ⋆ φ_J, subsampled by 2^J.
	outputs = append(outputs, multiplySubsample(ar, u0, phi[0], M, N, 1<<J))

	// Order 1: |x ⋆ ψ_{j1,θ1}| at resolution j1 (kept as spectra for order 2), then ⋆ φ_J.
	firsts := make([][]complex128, len(psi))
	for n1, levels := range psi {
		firsts[n1] = multiplySubsample(ar, u0, levels[0], M, N, 1<<(n1/t.L))
	}
	modulusAll(firsts, func(i int) int { return i / t.L }, M, N)
	for n1, u1 := range firsts {
		j1 := n1 / t.L
		outputs = append(outputs, multiplySubsample(ar, u1, phi[j1], M>>j1, N>>j1, 1<<(J-j1)))
	}
	// Order 2: ||x ⋆ ψ_{j1,θ1}| ⋆ ψ_{j2,θ2}| ⋆ φ_J for j2 > j1.
	for n1, u1 := range firsts {
		j1 := n1 / t.L
		var seconds [][]complex128
		var scales []int
		for n2, levels := range psi {
			j2 := n2 / t.L
			if j2 <= j1 {
				continue
			}
			seconds = append(seconds, multiplySubsample(ar, u1, levels[j1], M>>j1, N>>j1, 1<<(j2-j1)))
			scales = append(scales, j2)
		}
		modulusAll(seconds, func(i int) int { return scales[i] }, M, N)
		for i, u2 := range seconds {
			j2 := scales[i]
			outputs = append(outputs, multiplySubsample(ar, u2, phi[j2], M>>j2, N>>j2, 1<<(J-j2)))
		}
	}
	// The real part of each output's inverse FFT, unpadded, two outputs per FFT.
	out := 0
	emit := func(spatial []float64) {
		for i := 1; i < mJ-1; i++ {
			for j := 1; j < nJ-1; j++ {
				dst[out] = spatial[i*nJ+j]
				out++
			}
		}
	}
	re, im := make([]float64, mJ*nJ), make([]float64, mJ*nJ)
	for i := 0; i < len(outputs); i += 2 {
		if i+1 == len(outputs) {
			realInverse(outputs[i], re, mJ, nJ)
			emit(re)
			break
		}
		realInversePair(outputs[i], outputs[i+1], re, im, mJ, nJ)
		emit(re)
		emit(im)
	}
}

// modulusAll replaces each spectrum u[i] (at resolution level(i): (M/2^level)×(N/2^level)) by the
// spectrum of the modulus of its inverse, FFT(|IFFT(u)|), pairing spectra of the same size.
func modulusAll(u [][]complex128, level func(i int) int, M, N int) {
	pending := -1 // index of a spectrum waiting for a partner of its size
	for i := range u {
		switch {
		case pending >= 0 && level(pending) == level(i):
			modulusPair(u[pending], u[i], M>>level(i), N>>level(i))
			pending = -1
		case pending >= 0:
			modulusInPlace(u[pending], M>>level(pending), N>>level(pending))
			pending = i
		default:
			pending = i
		}
	}
	if pending >= 0 {
		modulusInPlace(u[pending], M>>level(pending), N>>level(pending))
	}
}

// modulusPair replaces the spectra a and b (m×n) by FFT(|IFFT(a)|) and FFT(|IFFT(b)|), with one
// forward FFT of z = |IFFT(a)| + i|IFFT(b)|: A[k] = (Z[k] + conj(Z[−k]))/2 and
// B[k] = (Z[k] − conj(Z[−k]))/(2i).
func modulusPair(a, b []complex128, m, n int) {
	p := fft.Get(m, n)
	defer fft.Put(p)
	p.Inverse(a)
	p.Inverse(b)
	for i, v := range a {
		w := b[i]
		a[i] = complex(math.Sqrt(real(v)*real(v)+imag(v)*imag(v)), math.Sqrt(real(w)*real(w)+imag(w)*imag(w)))
	}
	p.Forward(a)
	p.SplitReal(a, b)
}

// realInverse writes the real part of IFFT(x) (m×n) to re; x is overwritten.
func realInverse(x []complex128, re []float64, m, n int) {
	fft2(x, m, n, true)
	for i, v := range x {
		re[i] = real(v)
	}
}

// realInversePair writes the real parts of IFFT(a) and IFFT(b) (m×n) to re and im with one
// inverse FFT (fft.Plan.JoinReal). a is overwritten.
func realInversePair(a, b []complex128, re, im []float64, m, n int) {
	p := fft.Get(m, n)
	defer fft.Put(p)
	p.JoinReal(a, b)
	p.Inverse(a)
	for i, v := range a {
		re[i], im[i] = real(v), imag(v)
	}
}

// pad reflect-pads the image to the padded size (numpy's "reflect": the edge is not repeated),
// (Mp−M)//2 rows above and (Mp−M+1)//2 below, likewise for columns, as a complex array.
func (t *Transform) pad(out []complex128, image []float64) []complex128 {
	M, N := t.PaddedHeight, t.PaddedWidth
	top, left := (M-t.Height)/2, (N-t.Width)/2
	for i := range M {
		si := reflect(i-top, t.Height)
		for j := range N {
			out[i*N+j] = complex(image[si*t.Width+reflect(j-left, t.Width)], 0)
		}
	}
	return out
}

// arena hands out zeroed slices of one buffer, which grows to what an Apply needs and is then
// reused by the next.
type arena struct {
	buf        []complex128
	used, need int
}

func (a *arena) take(n int) []complex128 {
	a.need += n
	if a.used+n > len(a.buf) {
		return make([]complex128, n)
	}
	s := a.buf[a.used : a.used+n]
	a.used += n
	clear(s)
	return s
}

func (a *arena) reset() {
	if a.need > len(a.buf) {
		a.buf = make([]complex128, a.need)
	}
	a.used, a.need = 0, 0
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

// multiplySubsample returns the spectrum of (x ⋆ filter) subsampled by k in space: x ⊙ filter
// (a real filter of the same m×n size) folded as kymatio's subsample_fourier, the mean of the
// k×k blocks, (m/k)×(n/k). x is not modified.
func multiplySubsample(ar *arena, x []complex128, filter []float64, m, n, k int) []complex128 {
	sm, sn := m/k, n/k
	out := ar.take(sm * sn)
	if k == 1 {
		for i, f := range filter {
			out[i] = complex(real(x[i])*f, imag(x[i])*f)
		}
		return out
	}
	for i := range k {
		for a := range sm {
			row := (a + i*sm) * n
			dstRow := out[a*sn : (a+1)*sn]
			for j := range k {
				xs := x[row+j*sn : row+(j+1)*sn]
				fs := filter[row+j*sn : row+(j+1)*sn]
				for b, v := range xs {
					dstRow[b] += complex(real(v)*fs[b], imag(v)*fs[b])
				}
			}
		}
	}
	scale := 1 / float64(k*k)
	for i, v := range out {
		out[i] = complex(real(v)*scale, imag(v)*scale)
	}
	return out
}

// modulusInPlace replaces the spectrum x (m×n) by the spectrum of the modulus of its inverse:
// FFT(|IFFT(x)|).
func modulusInPlace(x []complex128, m, n int) {
	fft2(x, m, n, true)
	for i, v := range x {
		x[i] = complex(math.Sqrt(real(v)*real(v)+imag(v)*imag(v)), 0)
	}
	fft2(x, m, n, false)
}
