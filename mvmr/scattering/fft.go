package scattering

import (
	"sync"

	"gonum.org/v1/gonum/dsp/fourier"
)

// FFT plans are not safe for concurrent use: keep a pool per length.
var fftPools sync.Map // int → *sync.Pool of *fftPlan

type fftPlan struct {
	fft     *fourier.CmplxFFT
	in, out []complex128
}

func getPlan(n int) *fftPlan {
	pool, _ := fftPools.LoadOrStore(n, &sync.Pool{New: func() any {
		return &fftPlan{fft: fourier.NewCmplxFFT(n), in: make([]complex128, n), out: make([]complex128, n)}
	}})
	return pool.(*sync.Pool).Get().(*fftPlan)
}

func putPlan(n int, p *fftPlan) {
	pool, _ := fftPools.Load(n)
	pool.(*sync.Pool).Put(p)
}

// fft2 transforms x (M×N, row-major) in place: the unnormalised forward DFT
// (Σ x e^{−2πi(ku/M+lv/N)}) or, with inverse, the normalised inverse (1/(MN) Σ X e^{+2πi(…)}),
// as numpy.fft.fft2 and ifft2.
func fft2(x []complex128, M, N int, inverse bool) {
	rows := getPlan(N)
	for i := range M {
		row := x[i*N : (i+1)*N]
		transform(rows, row, inverse)
	}
	putPlan(N, rows)
	cols := getPlan(M)
	for j := range N {
		for i := range M {
			cols.in[i] = x[i*N+j]
		}
		transform(cols, cols.in, inverse)
		for i := range M {
			x[i*N+j] = cols.in[i]
		}
	}
	putPlan(M, cols)
	if inverse {
		scale := complex(1/float64(M*N), 0)
		for i := range x {
			x[i] *= scale
		}
	}
}

// transform replaces v by its unnormalised DFT (or inverse DFT).
func transform(p *fftPlan, v []complex128, inverse bool) {
	if inverse {
		p.fft.Sequence(p.out, v)
	} else {
		p.fft.Coefficients(p.out, v)
	}
	copy(v, p.out)
}
