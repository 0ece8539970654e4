package testutil

import (
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

// Matrix is a dense row-major float64 matrix for the plain-Go references of the tests.
type Matrix struct {
	Rows, Cols int
	Data       []float64
}

// NewMatrix returns a rows×cols matrix of zeros.
func NewMatrix(rows, cols int) Matrix {
	return Matrix{Rows: rows, Cols: cols, Data: make([]float64, rows*cols)}
}

// At returns the value at row i, column j.
func (m Matrix) At(i, j int) float64 { return m.Data[i*m.Cols+j] }

// RandomMatrix returns a rows×cols matrix of standard normal values drawn from rng.
func RandomMatrix(rng *rand.Rand, rows, cols int) Matrix {
	m := NewMatrix(rows, cols)
	for i := range m.Data {
		m.Data[i] = rng.NormFloat64()
	}
	return m
}

// TensorOf converts m to a [rows, cols] tensor of dtype (Float64, else Float32).
func TensorOf(m Matrix, dtype dtypes.DType) *tensors.Tensor {
	if dtype == dtypes.Float64 {
		return tensors.FromFlatDataAndDimensions(append([]float64(nil), m.Data...), m.Rows, m.Cols)
	}
	f := make([]float32, len(m.Data))
	for i, v := range m.Data {
		f[i] = float32(v)
	}
	return tensors.FromFlatDataAndDimensions(f, m.Rows, m.Cols)
}

// ReferenceLocalStd is a float64 transcription of the official std_filter_torch (kornia
// box_blur with reflect borders, a size×size window, epsilon added to the variance) for
// single-channel images stored as the rows of h·w values of images; it returns [n, h·w].
func ReferenceLocalStd(images Matrix, n, h, w, size int, epsilon float64) Matrix {
	r := size / 2
	reflect := func(i, n int) int {
		if i < 0 {
			return -i
		}
		if i >= n {
			return 2*(n-1) - i
		}
		return i
	}
	out := NewMatrix(n, h*w)
	for b := range n {
		for y := range h {
			for x := range w {
				var s, s2 float64
				for dy := -r; dy <= r; dy++ {
					for dx := -r; dx <= r; dx++ {
						v := images.At(b, reflect(y+dy, h)*w+reflect(x+dx, w))
						s += v
						s2 += v * v
					}
				}
				k := float64(size * size)
				variance := s2/k - (s/k)*(s/k) + epsilon
				std := math.Sqrt(variance)
				if math.IsNaN(std) {
					std = 0
				}
				out.Data[b*h*w+y*w+x] = std
			}
		}
	}
	return out
}
