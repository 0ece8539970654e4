package dcorstat

import (
	"fmt"
	"math"
)

// Sample is N observations of a D-dimensional variable, row-major: observation i is
// Data[i*D:(i+1)*D].
type Sample struct {
	N, D int
	Data []float64
}

// Check returns an error when the sample's shape does not match its data, or when a value is NaN
// or infinite (naming its row and column, from 0).
func (s Sample) Check() error {
	if s.N < 1 || s.D < 1 || len(s.Data) != s.N*s.D {
		return fmt.Errorf("dcorstat: sample of %d × %d with %d values; expected N, D >= 1 and N·D values", s.N, s.D, len(s.Data))
	}
	if i, bad := FirstNonFinite(s.Data); bad {
		return fmt.Errorf("dcorstat: row %d, column %d is %v; expected finite values", i/s.D, i%s.D, s.Data[i])
	}
	return nil
}

// FirstNonFinite returns the index of the first NaN or infinite value of data, and whether there
// is one.
func FirstNonFinite(data []float64) (int, bool) {
	for i, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i, true
		}
	}
	return 0, false
}

// Distances returns the [N, N] row-major matrix of exact Euclidean distances between the rows
// of s (no clamp: the diagonal is 0).
func Distances(s Sample) []float64 {
	n, d := s.N, s.D
	dist := make([]float64, n*n)
	for i := range n {
		xi := s.Data[i*d : (i+1)*d]
		for j := i + 1; j < n; j++ {
			var sum float64
			for k, v := range s.Data[j*d : (j+1)*d] {
				diff := xi[k] - v
				sum += diff * diff
			}
			dist[i*n+j] = math.Sqrt(sum)
			dist[j*n+i] = dist[i*n+j]
		}
	}
	return dist
}

// checkPair checks x and y and that they hold the same number of observations, at least min.
func checkPair(x, y Sample, min int) error {
	if err := x.Check(); err != nil {
		return fmt.Errorf("x: %w", err)
	}
	if err := y.Check(); err != nil {
		return fmt.Errorf("y: %w", err)
	}
	if x.N != y.N {
		return fmt.Errorf("dcorstat: x has %d observations and y %d; expected the same number", x.N, y.N)
	}
	if x.N < min {
		return fmt.Errorf("dcorstat: %d observations; expected at least %d", x.N, min)
	}
	return nil
}
