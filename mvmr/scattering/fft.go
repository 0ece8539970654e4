package scattering

import "github.com/mvmr-ssl/mvmr-go/internal/fft"

// fft2 transforms x (M×N, row-major) in place: the unnormalised forward DFT
// (Σ x e^{−2πi(ku/M+lv/N)}) or, with inverse, the normalised inverse (1/(MN) Σ X e^{+2πi(…)}),
// as numpy.fft.fft2 and ifft2.
func fft2(x []complex128, M, N int, inverse bool) {
	p := fft.Get(M, N)
	if inverse {
		p.Inverse(x)
	} else {
		p.Forward(x)
	}
	fft.Put(p)
}
