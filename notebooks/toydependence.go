package notebooks

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"gonum.org/v1/gonum/stat"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// ToyPair is a 2-D toy data set of n points (x, y), with Pearson's correlation and the distance
// correlation between x and y once Measure has run.
type ToyPair struct {
	Name    string
	X, Y    []float64
	Pearson float64
	DCor    float64
}

// ToyNoise is the standard deviation of the noise added to y in every toy pair.
const ToyNoise = 0.1

// ToyPairs returns the toy data sets of notebook 02, x uniform in [-1, 1] and Gaussian noise of
// ToyNoise on y: a line (both measures see it), a parabola, a circle, a cross (y = ±x) and a sine
// (Pearson ≈ 0 by symmetry, yet y depends on x), and independent noise (both ≈ 0).
func ToyPairs(n int, seed uint64) []ToyPair {
	rng := rand.New(rand.NewPCG(seed, 0x70a))
	shapes := []struct {
		name string
		f    func(x float64) (float64, float64)
	}{
		{"line", func(x float64) (float64, float64) { return x, x }},
		{"parabola", func(x float64) (float64, float64) { return x, x * x }},
		{"circle", func(x float64) (float64, float64) {
			a := math.Pi * x
			return math.Cos(a), math.Sin(a)
		}},
		{"cross", func(x float64) (float64, float64) {
			if rng.IntN(2) == 0 {
				return x, -x
			}
			return x, x
		}},
		{"sine", func(x float64) (float64, float64) { return x, math.Cos(2 * math.Pi * x) }},
		{"independent", func(float64) (float64, float64) { return 2*rng.Float64() - 1, 2*rng.Float64() - 1 }},
	}
	pairs := make([]ToyPair, len(shapes))
	for i, s := range shapes {
		p := ToyPair{Name: s.name, X: make([]float64, n), Y: make([]float64, n)}
		for j := range n {
			x, y := s.f(2*rng.Float64() - 1)
			p.X[j], p.Y[j] = x, y+ToyNoise*rng.NormFloat64()
		}
		pairs[i] = p
	}
	return pairs
}

// Measure sets Pearson (gonum's stat.Correlation) and DCor (mvmr.DistanceCorrelationOf, the
// graph the MV-MR loss uses) of every pair.
func Measure(backend compute.Backend, pairs []ToyPair) error {
	for i := range pairs {
		p := &pairs[i]
		if len(p.X) != len(p.Y) || len(p.X) < 2 {
			return fmt.Errorf("toy pair %s: %d x and %d y values; expected the same number, at least 2", p.Name, len(p.X), len(p.Y))
		}
		p.Pearson = stat.Correlation(p.X, p.Y, nil)
		d, err := mvmr.DistanceCorrelationOf(backend,
			&npy.Matrix{Rows: len(p.X), Cols: 1, Data: p.X}, &npy.Matrix{Rows: len(p.Y), Cols: 1, Data: p.Y})
		if err != nil {
			return fmt.Errorf("toy pair %s: %w", p.Name, err)
		}
		p.DCor = d
	}
	return nil
}
