package reps

import (
	"fmt"
	"math"
	"sync"

	"github.com/mvmr-ssl/mvmr-go/internal/fft"
)

// GaborRepresentation is the energy of a Gabor filter bank on a grid ("gabor", beyond the
// paper): complex Gabor kernels with Scales wavelengths λ_s = MinWavelength·2^s and
// Orientations angles θ_o = o·π/Orientations,
//
//	g(x, y) = exp(−(x'² + γ²y'²) / 2σ²) · (exp(2πi x'/λ) − κ),  x' = x cos θ + y sin θ, y' = −x sin θ + y cos θ,
//
// with σ = 0.56·λ (a one-octave bandwidth), γ = 0.5, κ making the kernel zero-mean, and the
// kernel truncated at 3σ and normalised to unit L1 norm of its envelope. Each channel is
// filtered (zero padding) and the response modulus |x ⋆ g| is averaged over each cell of a
// Grid×Grid split. Features: (C, Scales·Orientations, Grid, Grid).
type GaborRepresentation struct {
	Scales, Orientations, Grid int
	MinWavelength              float64

	kernels *sync.Map // filled lazily: index s·O+o → gaborKernel, [2]int{height, width} → *gaborSpectra
}

type gaborKernel struct {
	radius int
	re, im []float64 // (2r+1)², row-major
}

// newGabor creates the "gabor" representation from its parameters.
func newGabor(name string, params Params) (Representation, error) {
	if err := params.Check(name, "scales", "orientations", "grid", "min_wavelength"); err != nil {
		return nil, err
	}
	scales, err := params.Int(name, "scales", 2, 1, 8)
	if err != nil {
		return nil, err
	}
	orientations, err := params.Int(name, "orientations", 8, 1, 32)
	if err != nil {
		return nil, err
	}
	grid, err := params.Int(name, "grid", 4, 1, 64)
	if err != nil {
		return nil, err
	}
	minWavelength, err := params.Int(name, "min_wavelength", 3, 2, 64)
	if err != nil {
		return nil, err
	}
	return GaborRepresentation{Scales: scales, Orientations: orientations, Grid: grid,
		MinWavelength: float64(minWavelength), kernels: &sync.Map{}}, nil
}

// Name implements Representation.
func (GaborRepresentation) Name() string { return "gabor" }

// String identifies the representation with its parameters (the feature-cache key).
func (r GaborRepresentation) String() string {
	return fmt.Sprintf("gabor{Scales:%d Orientations:%d Grid:%d MinWavelength:%g}", r.Scales, r.Orientations, r.Grid, r.MinWavelength)
}

// Shape implements Representation: (C, Scales·Orientations, Grid, Grid).
func (r GaborRepresentation) Shape(height, width, channels int) ([]int, error) {
	if height < r.Grid || width < r.Grid {
		return nil, fmt.Errorf("gabor: a %dx%d grid does not fit %dx%d images", r.Grid, r.Grid, height, width)
	}
	return []int{channels, r.Scales * r.Orientations, r.Grid, r.Grid}, nil
}

// kernel returns the Gabor kernel of scale s and orientation o.
func (r GaborRepresentation) kernel(s, o int) gaborKernel {
	index := s*r.Orientations + o
	if r.kernels != nil {
		if k, ok := r.kernels.Load(index); ok {
			return k.(gaborKernel)
		}
	}
	lambda := r.MinWavelength * math.Pow(2, float64(s))
	theta := float64(o) * math.Pi / float64(r.Orientations)
	sigma, gamma := 0.56*lambda, 0.5
	radius := int(math.Ceil(3 * sigma))
	size := 2*radius + 1
	envelope := make([]float64, size*size)
	phaseRe := make([]float64, size*size)
	phaseIm := make([]float64, size*size)
	var envSum, reSum, imSum float64
	for i := range size {
		for j := range size {
			y, x := float64(i-radius), float64(j-radius)
			xp := x*math.Cos(theta) + y*math.Sin(theta)
			yp := -x*math.Sin(theta) + y*math.Cos(theta)
			e := math.Exp(-(xp*xp + gamma*gamma*yp*yp) / (2 * sigma * sigma))
			k := i*size + j
			envelope[k] = e
			phaseRe[k], phaseIm[k] = math.Cos(2*math.Pi*xp/lambda), math.Sin(2*math.Pi*xp/lambda)
			envSum += e
			reSum += e * phaseRe[k]
			imSum += e * phaseIm[k]
		}
	}
	// κ = Σ e·phase / Σ e makes the kernel zero-mean (as a Morlet wavelet).
	kRe, kIm := reSum/envSum, imSum/envSum
	kern := gaborKernel{radius: radius, re: make([]float64, size*size), im: make([]float64, size*size)}
	for k, e := range envelope {
		kern.re[k] = e * (phaseRe[k] - kRe) / envSum
		kern.im[k] = e * (phaseIm[k] - kIm) / envSum
	}
	if r.kernels != nil {
		r.kernels.Store(index, kern)
	}
	return kern
}

// gaborSpectra holds the filters' FFTs on a P×Q grid: the circular-convolution kernel
// G[c mod P, d mod Q] = k[r−c, r−d] (|c|, |d| ≤ r), so IFFT(FFT(x)·Ĝ) is Σ_{a,b} x[i+a−r, j+b−r]·k[a, b],
// the filtered image, wherever the grid leaves r zeros beyond the image (P ≥ H + r).
type gaborSpectra struct {
	P, Q    int
	filters [][]complex128
}

// fftSize is the power of two the FFT grid uses: the smallest ≥ n.
func fftSize(n int) int {
	size := 1
	for size < n {
		size *= 2
	}
	return size
}

// spectra returns the filters' FFTs for height×width images (cached per size).
func (r GaborRepresentation) spectra(height, width int) *gaborSpectra {
	key := [2]int{height, width}
	if r.kernels != nil {
		if s, ok := r.kernels.Load(key); ok {
			return s.(*gaborSpectra)
		}
	}
	maxRadius := r.kernel(r.Scales-1, 0).radius
	P, Q := fftSize(height+maxRadius), fftSize(width+maxRadius)
	spec := &gaborSpectra{P: P, Q: Q}
	plan := fft.NewPlan(P, Q)
	for f := range r.Scales * r.Orientations {
		kern := r.kernel(f/r.Orientations, f%r.Orientations)
		size := 2*kern.radius + 1
		g := make([]complex128, P*Q)
		for a := range size {
			for b := range size {
				c, d := (kern.radius-a+P)%P, (kern.radius-b+Q)%Q
				g[c*Q+d] = complex(kern.re[a*size+b], kern.im[a*size+b])
			}
		}
		plan.Forward(g)
		spec.filters = append(spec.filters, g)
	}
	if r.kernels != nil {
		actual, _ := r.kernels.LoadOrStore(key, spec)
		spec = actual.(*gaborSpectra)
	}
	return spec
}

// Compute implements HostRepresentation. Each channel is filtered in the Fourier domain (the
// filters' FFTs are computed once per image size; two channels share one forward FFT), which
// gives the zero-padded convolution up to rounding (TestGaborFFTMatchesDirectConvolution).
func (r GaborRepresentation) Compute(dst, image []float32, height, width, channels int) {
	g := r.Grid
	filters := r.Scales * r.Orientations
	cellOf := func(i, n int) int { return min(i*g/n, g-1) }
	counts := make([]int, g*g)
	rowCell, colCell := make([]int, height), make([]int, width)
	for i := range height {
		rowCell[i] = cellOf(i, height) * g
	}
	for j := range width {
		colCell[j] = cellOf(j, width)
	}
	for i := range height {
		for j := range width {
			counts[rowCell[i]+colCell[j]]++
		}
	}
	clear(dst)
	spec := r.spectra(height, width)
	P, Q := spec.P, spec.Q
	plan := fft.Get(P, Q)
	defer fft.Put(plan)
	pair := [2][]complex128{make([]complex128, P*Q), make([]complex128, P*Q)}
	y := make([]complex128, P*Q)
	for ch := 0; ch < channels; ch += 2 {
		// x_ch + i·x_{ch+1}, zero beyond the image.
		z := pair[0]
		clear(z)
		for i := range height {
			for j := range width {
				re := float64(image[(i*width+j)*channels+ch])
				var im float64
				if ch+1 < channels {
					im = float64(image[(i*width+j)*channels+ch+1])
				}
				z[i*Q+j] = complex(re, im)
			}
		}
		plan.Forward(z)
		plan.SplitReal(z, pair[1])
		for c := ch; c < min(ch+2, channels); c++ {
			spectrum := pair[c-ch]
			for f := range filters {
				for i, v := range spec.filters[f] {
					y[i] = spectrum[i] * v
				}
				plan.Inverse(y)
				cells := dst[(c*filters+f)*g*g : (c*filters+f+1)*g*g]
				for i := range height {
					row := y[i*Q : i*Q+width]
					cellRow := cells[rowCell[i]:]
					for j, v := range row {
						cellRow[colCell[j]] += float32(math.Sqrt(real(v)*real(v) + imag(v)*imag(v)))
					}
				}
				for k := range g * g {
					cells[k] /= float32(counts[k])
				}
			}
		}
	}
}
