// Package fft computes 2-D discrete Fourier transforms of complex M×N arrays (row-major), as
// numpy.fft.fft2 and ifft2 do, for any M and N.
//
// It exists because the scattering transform works on grids such as 104×104 = (8·13)² (kymatio's
// padding of a 96×96 image), where gonum's dsp/fourier (a port of FFTPACK) spends most of its time
// in its generic radix-13 pass and gathers every column element by element. Here each 1-D pass
// transforms all the rows (or, after a transpose, all the columns) at once with a Stockham
// autosort FFT whose butterflies run over contiguous vectors of N (or M) values, radix 4, 2 and
// any odd radix (with the cosine/sine symmetry that halves its multiplications).
// BenchmarkFFT2 in mvmr/scattering compares it with gonum side by side.
package fft

import (
	"fmt"
	"math"
	"sync"
)

// Plan transforms M×N arrays. A Plan holds scratch space: it is not safe for concurrent use
// (use Get and Put, or one Plan per goroutine).
type Plan struct {
	M, N       int
	rows, cols *axis        // transforms of length M (down the columns) and N (along the rows)
	buf, work  []complex128 // M·N each
	neg        []int32      // see negatives; built at first use
}

// NewPlan returns a plan for M×N arrays; M and N must be positive.
func NewPlan(M, N int) *Plan {
	if M < 1 || N < 1 {
		panic(fmt.Sprintf("fft: %dx%d grid; expected positive sizes", M, N))
	}
	return &Plan{M: M, N: N, rows: axisOf(M), cols: axisOf(N),
		buf: make([]complex128, M*N), work: make([]complex128, M*N)}
}

var plans sync.Map // [2]int{M, N} → *sync.Pool of *Plan

// Get returns a plan for M×N arrays from a pool; give it back with Put.
func Get(M, N int) *Plan {
	pool, _ := plans.LoadOrStore([2]int{M, N}, &sync.Pool{New: func() any { return NewPlan(M, N) }})
	return pool.(*sync.Pool).Get().(*Plan)
}

// Put returns p to the pool Get takes it from.
func Put(p *Plan) {
	pool, _ := plans.Load([2]int{p.M, p.N})
	pool.(*sync.Pool).Put(p)
}

// Forward replaces x (M×N, row-major) by its unnormalised DFT Σ x e^{−2πi(ku/M+lv/N)}.
func (p *Plan) Forward(x []complex128) { p.transform(x, false) }

// Inverse replaces x by its normalised inverse DFT (1/(MN)) Σ X e^{+2πi(ku/M+lv/N)}.
func (p *Plan) Inverse(x []complex128) {
	p.transform(x, true)
	scale := 1 / float64(p.M*p.N)
	for i, v := range x {
		x[i] = complex(real(v)*scale, imag(v)*scale)
	}
}

func (p *Plan) transform(x []complex128, inverse bool) {
	M, N := p.M, p.N
	if len(x) != M*N {
		panic(fmt.Sprintf("fft: %d values for a %dx%d plan", len(x), M, N))
	}
	p.rows.apply(x, p.work, N, inverse) // down the columns: M vectors of N
	transpose(p.buf, x, M, N)
	p.cols.apply(p.buf, p.work, M, inverse) // along the rows: N vectors of M
	transpose(x, p.buf, N, M)
}

// SplitReal turns z = FFT(x + iy) of two real M×N arrays x and y into FFT(x), left in z, and
// FFT(y), written to other: X[k] = (Z[k] + conj(Z[−k]))/2 and Y[k] = (Z[k] − conj(Z[−k]))/(2i).
// One FFT so transforms two real arrays.
func (p *Plan) SplitReal(z, other []complex128) {
	for i, neg := range p.negatives() {
		if int(neg) < i {
			continue
		}
		zk, zm := z[i], z[neg]
		xr, xi := (real(zk)+real(zm))/2, (imag(zk)-imag(zm))/2
		yr, yi := (imag(zk)+imag(zm))/2, (real(zm)-real(zk))/2
		z[i], other[i] = complex(xr, xi), complex(yr, yi)
		z[neg], other[neg] = complex(xr, -xi), complex(yr, -yi) // X[−k] = conj(X[k])
	}
}

// JoinReal replaces a by H(a) + i·H(b), H(x)[k] = (x[k] + conj(x[−k]))/2 the Hermitian part, so
// that the inverse FFT of the result is Re IFFT(a) + i·Re IFFT(b): one inverse FFT for two
// spectra of which only the real part of the inverse is wanted. b is not modified.
func (p *Plan) JoinReal(a, b []complex128) {
	for i, neg := range p.negatives() {
		if int(neg) < i {
			continue
		}
		ak, am, bk, bm := a[i], a[neg], b[i], b[neg]
		ha := complex((real(ak)+real(am))/2, (imag(ak)-imag(am))/2) // H(a)[−k] = conj(H(a)[k])
		hb := complex((real(bk)+real(bm))/2, (imag(bk)-imag(bm))/2)
		a[i] = ha + complex(-imag(hb), real(hb))
		a[neg] = complex(real(ha), -imag(ha)) + complex(imag(hb), real(hb))
	}
}

// negatives returns, for each flat index of (k, l), the flat index of (−k mod M, −l mod N).
func (p *Plan) negatives() []int32 {
	if p.neg == nil {
		p.neg = make([]int32, p.M*p.N)
		for k := range p.M {
			for l := range p.N {
				p.neg[k*p.N+l] = int32((p.M-k)%p.M*p.N + (p.N-l)%p.N)
			}
		}
	}
	return p.neg
}

// transpose writes the transpose of src (rows×cols) to dst (cols×rows), in 16×16 tiles.
func transpose(dst, src []complex128, rows, cols int) {
	const tile = 16
	for i0 := 0; i0 < rows; i0 += tile {
		i1 := min(i0+tile, rows)
		for j0 := 0; j0 < cols; j0 += tile {
			j1 := min(j0+tile, cols)
			for i := i0; i < i1; i++ {
				row := src[i*cols : (i+1)*cols]
				for j := j0; j < j1; j++ {
					dst[j*rows+i] = row[j]
				}
			}
		}
	}
}

// axis is a 1-D transform of length n applied to n vectors at once (Stockham autosort).
type axis struct {
	n       int
	radices []int
	// twiddle[s][p·r+k] = e^{−2πi·p·k/len} for stage s (radix r, current length len), p < len/r.
	twiddle [][]complex128
	// cosSin[r][(k−1)·(r−1)/2 + i−1] = cos(2πik/r) + i·sin(2πik/r) for each odd radix r > 1,
	// i, k = 1 … (r−1)/2.
	cosSin map[int][]complex128
}

var axes sync.Map // n → *axis (read-only once built)

func axisOf(n int) *axis {
	if a, ok := axes.Load(n); ok {
		return a.(*axis)
	}
	a, _ := axes.LoadOrStore(n, newAxis(n))
	return a.(*axis)
}

// factor splits n into radices: 4s first, then a 2, then odd factors in increasing order.
func factor(n int) []int {
	var radices []int
	for n%4 == 0 {
		radices = append(radices, 4)
		n /= 4
	}
	if n%2 == 0 {
		radices = append(radices, 2)
		n /= 2
	}
	for f := 3; n > 1; f += 2 {
		for n%f == 0 {
			radices = append(radices, f)
			n /= f
		}
		if f*f > n && n > 1 {
			radices = append(radices, n)
			n = 1
		}
	}
	return radices
}

func newAxis(n int) *axis {
	a := &axis{n: n, radices: factor(n), cosSin: map[int][]complex128{}}
	length := n
	for _, r := range a.radices {
		m := length / r
		tw := make([]complex128, m*r)
		for p := range m {
			for k := range r {
				angle := -2 * math.Pi * float64((p*k)%length) / float64(length)
				tw[p*r+k] = complex(math.Cos(angle), math.Sin(angle))
			}
		}
		a.twiddle = append(a.twiddle, tw)
		if r%2 == 1 {
			half := (r - 1) / 2
			cs := make([]complex128, half*half)
			for k := 1; k <= half; k++ {
				for i := 1; i <= half; i++ {
					angle := 2 * math.Pi * float64(i*k%r) / float64(r)
					cs[(k-1)*half+i-1] = complex(math.Cos(angle), math.Sin(angle))
				}
			}
			a.cosSin[r] = cs
		}
		length = m
	}
	return a
}

// apply transforms x (n vectors of v values, row-major) along its first axis, in place, using
// work (n·v values) as the other half of the ping-pong.
func (a *axis) apply(x, work []complex128, v int, inverse bool) {
	src, dst := x, work[:len(x)]
	length, stride := a.n, v // stride: values between consecutive elements of a sub-sequence block
	for s, r := range a.radices {
		m := length / r
		tw := a.twiddle[s]
		switch r {
		case 4:
			radix4(dst, src, tw, m, stride, inverse)
		case 2:
			radix2(dst, src, tw, m, stride, inverse)
		default:
			a.radixOdd(dst, src, tw, r, m, stride, inverse)
		}
		src, dst = dst, src
		length, stride = m, stride*r
	}
	if len(a.radices)%2 == 1 {
		copy(x, src)
	}
}

// twiddleOf returns e^{∓2πi·p·k/len} from the forward table.
func twiddleOf(tw []complex128, i int, inverse bool) complex128 {
	w := tw[i]
	if inverse {
		return complex(real(w), -imag(w))
	}
	return w
}

// radix2: y[(2p+k)·stride + t] = (Σ_i a_i (−1)^{ik})·w^{pk}, a_i = x[(p+i·m)·stride + t].
func radix2(dst, src, tw []complex128, m, stride int, inverse bool) {
	for p := range m {
		w1 := twiddleOf(tw, p*2+1, inverse)
		a0 := src[p*stride : (p+1)*stride]
		a1 := src[(p+m)*stride : (p+m+1)*stride]
		y0 := dst[(2*p)*stride : (2*p+1)*stride]
		y1 := dst[(2*p+1)*stride : (2*p+2)*stride]
		if p == 0 {
			for t, u := range a0 {
				w := a1[t]
				y0[t], y1[t] = u+w, u-w
			}
			continue
		}
		for t, u := range a0 {
			w := a1[t]
			y0[t], y1[t] = u+w, (u-w)*w1
		}
	}
}

func radix4(dst, src, tw []complex128, m, stride int, inverse bool) {
	for p := range m {
		w1, w2, w3 := twiddleOf(tw, p*4+1, inverse), twiddleOf(tw, p*4+2, inverse), twiddleOf(tw, p*4+3, inverse)
		a0 := src[p*stride : (p+1)*stride]
		a1 := src[(p+m)*stride : (p+m+1)*stride]
		a2 := src[(p+2*m)*stride : (p+2*m+1)*stride]
		a3 := src[(p+3*m)*stride : (p+3*m+1)*stride]
		y0 := dst[(4*p)*stride : (4*p+1)*stride]
		y1 := dst[(4*p+1)*stride : (4*p+2)*stride]
		y2 := dst[(4*p+2)*stride : (4*p+3)*stride]
		y3 := dst[(4*p+3)*stride : (4*p+4)*stride]
		for t := range a0 {
			t0, t1 := a0[t]+a2[t], a0[t]-a2[t]
			t2, d := a1[t]+a3[t], a1[t]-a3[t]
			var t3 complex128 // d·(−i) forward, d·(+i) inverse
			if inverse {
				t3 = complex(-imag(d), real(d))
			} else {
				t3 = complex(imag(d), -real(d))
			}
			y0[t] = t0 + t2
			if p == 0 {
				y1[t], y2[t], y3[t] = t1+t3, t0-t2, t1-t3
			} else {
				y1[t], y2[t], y3[t] = (t1+t3)*w1, (t0-t2)*w2, (t1-t3)*w3
			}
		}
	}
}

// radixOdd is the butterfly of an odd radix r: with b_i = a_i + a_{r−i} and d_i = a_i − a_{r−i},
// y_k = a_0 + Σ_i b_i cos(2πik/r) ∓ i Σ_i d_i sin(2πik/r) and y_{r−k} the same with the sign of
// the sine sum flipped, i, k = 1 … (r−1)/2.
func (a *axis) radixOdd(dst, src, tw []complex128, r, m, stride int, inverse bool) {
	cs := a.cosSin[r] // (k−1)·half + (i−1) → cos, sin(2πik/r)
	half := (r - 1) / 2
	var bStore, dStore [32]complex128
	var b, d []complex128
	if half <= len(bStore) {
		b, d = bStore[:half], dStore[:half]
	} else {
		b, d = make([]complex128, half), make([]complex128, half)
	}
	sign := -1.0 // forward: y_k = … − i Σ d_i sin
	if inverse {
		sign = 1
	}
	for p := range m {
		in := src[p*stride:]
		out := dst[r*p*stride : r*(p+1)*stride]
		if r == 13 {
			radix13(out, in, cs, m, stride, sign)
		} else {
			butterflyOdd(out, in, cs, b, d, r, m, stride, sign)
		}
		if p == 0 {
			continue
		}
		for k := 1; k < r; k++ {
			w := twiddleOf(tw, p*r+k, inverse)
			y := out[k*stride : (k+1)*stride]
			for t, v := range y {
				y[t] = v * w
			}
		}
	}
}

// butterflyOdd is radixOdd's butterfly (without twiddles) for any odd r, b and d of (r−1)/2
// values as scratch.
func butterflyOdd(out, in, cs, b, d []complex128, r, m, stride int, sign float64) {
	half := (r - 1) / 2
	for t := range stride {
		a0 := in[t]
		y0 := a0
		for i := range half {
			u, w := in[(i+1)*m*stride+t], in[(r-1-i)*m*stride+t]
			b[i], d[i] = u+w, u-w
			y0 += u + w
		}
		out[t] = y0
		for k := 1; k <= half; k++ {
			row := cs[(k-1)*half : k*half]
			var cRe, cIm, sRe, sIm float64
			for i, c := range row {
				bi, di := b[i], d[i]
				cRe += real(bi) * real(c)
				cIm += imag(bi) * real(c)
				sRe += real(di) * imag(c)
				sIm += imag(di) * imag(c)
			}
			// ±i·(sRe + i sIm) = ∓sIm ± i sRe
			out[k*stride+t] = complex(real(a0)+cRe-sign*sIm, imag(a0)+cIm+sign*sRe)
			out[(r-k)*stride+t] = complex(real(a0)+cRe+sign*sIm, imag(a0)+cIm-sign*sRe)
		}
	}
}

// radix13 is radixOdd's butterfly (without twiddles) for r = 13 with fixed-size arrays, so that
// the compiler drops the bounds checks of the inner loops: the 104 = 8·13 grid spends most of its
// time here.
func radix13(out, in, cs []complex128, m, stride int, sign float64) {
	const half = 6
	var c [half][half]complex128
	for k := range half {
		copy(c[k][:], cs[k*half:(k+1)*half])
	}
	var off [half]int
	for i := range half {
		off[i] = (i + 1) * m * stride
	}
	ms := 13 * m * stride
	for t := range stride {
		a0 := in[t]
		y0 := a0
		var b, d [half]complex128
		for i := range half {
			u, w := in[off[i]+t], in[ms-off[i]+t]
			b[i], d[i] = u+w, u-w
			y0 += b[i]
		}
		out[t] = y0
		for k := range half {
			row := &c[k]
			var cRe, cIm, sRe, sIm float64
			for i := range half {
				cRe += real(b[i]) * real(row[i])
				cIm += imag(b[i]) * real(row[i])
				sRe += real(d[i]) * imag(row[i])
				sIm += imag(d[i]) * imag(row[i])
			}
			out[(k+1)*stride+t] = complex(real(a0)+cRe-sign*sIm, imag(a0)+cIm+sign*sRe)
			out[(12-k)*stride+t] = complex(real(a0)+cRe+sign*sIm, imag(a0)+cIm-sign*sRe)
		}
	}
}
