package scattering

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkApply measures one 96×96 channel (J=2, L=8), the size of an STL-10 image.
func BenchmarkApply(b *testing.B) {
	t, err := New(96, 96, 2, 8)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	image := make([]float64, 96*96)
	for i := range image {
		image[i] = rng.NormFloat64()
	}
	oh, ow := t.OutputSize()
	dst := make([]float64, t.Channels()*oh*ow)
	b.ResetTimer()
	for range b.N {
		t.Apply(dst, image)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "channels/s")
}

// BenchmarkFFT2 compares the 2-D FFT of internal/fft with gonum's dsp/fourier (the transform
// this package used before, kept in fft_gonum_test.go) on the grids of a 96×96 image (104 =
// 8·13, and its subsampled 52 and 26) and on 128×128, forward then inverse.
func BenchmarkFFT2(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{104, 52, 26, 128} {
		x := make([]complex128, n*n)
		for i := range x {
			x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		for _, impl := range []struct {
			name string
			fft2 func(x []complex128, M, N int, inverse bool)
		}{{"gonum", gonumFFT2}, {"own", fft2}} {
			b.Run(fmt.Sprintf("%s/%dx%d", impl.name, n, n), func(b *testing.B) {
				for range b.N {
					impl.fft2(x, n, n, false)
					impl.fft2(x, n, n, true)
				}
			})
		}
	}
}

// BenchmarkNewFilterBank builds the filters of scatnet at 96×96 (padded to 104×104, J=2, L=8),
// which a program's first scatnet call does (every GoNB cell is a new program).
func BenchmarkNewFilterBank(b *testing.B) {
	for b.Loop() {
		NewFilterBank(104, 104, 2, 8)
	}
}
