package notebooks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

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

// ToyNoise is the standard deviation of the noise added to y in ToyPairs.
const ToyNoise = 0.1

// ToyRelation is one way y depends on x (x uniform in [-1, 1]), before noise: it returns the
// point (x, y), drawing from rng when the relation is random.
type ToyRelation struct {
	Name string
	F    func(rng *rand.Rand, x float64) (float64, float64)
}

// ToyRelations is the table of notebook 02's relations: a line (both measures see it), a
// parabola, a circle, a cross (y = ±x) and a sine (Pearson ≈ 0 by symmetry, yet y depends on
// x), and independent noise (both ≈ 0).
var ToyRelations = []ToyRelation{
	{"line", func(_ *rand.Rand, x float64) (float64, float64) { return x, x }},
	{"parabola", func(_ *rand.Rand, x float64) (float64, float64) { return x, x * x }},
	{"circle", func(_ *rand.Rand, x float64) (float64, float64) {
		a := math.Pi * x
		return math.Cos(a), math.Sin(a)
	}},
	{"cross", func(rng *rand.Rand, x float64) (float64, float64) {
		if rng.IntN(2) == 0 {
			return x, -x
		}
		return x, x
	}},
	{"sine", func(_ *rand.Rand, x float64) (float64, float64) { return x, math.Cos(2 * math.Pi * x) }},
	{"independent", func(rng *rand.Rand, _ float64) (float64, float64) { return 2*rng.Float64() - 1, 2*rng.Float64() - 1 }},
}

// ToyPairs returns n points of every relation of ToyRelations, with Gaussian noise of ToyNoise
// on y.
func ToyPairs(n int, seed uint64) []ToyPair {
	rng := rand.New(rand.NewPCG(seed, 0x70a))
	pairs := make([]ToyPair, len(ToyRelations))
	for i, r := range ToyRelations {
		pairs[i] = toyPair(r, n, ToyNoise, rng)
	}
	return pairs
}

// ToyPairOf returns n points of the relation named name with Gaussian noise of standard
// deviation noise on y, drawn from seed.
func ToyPairOf(name string, n int, noise float64, seed uint64) (ToyPair, error) {
	if n < 2 || noise < 0 || math.IsNaN(noise) {
		return ToyPair{}, fmt.Errorf("toy pair %s: n = %d, noise %g; expected n >= 2 and noise >= 0", name, n, noise)
	}
	for _, r := range ToyRelations {
		if r.Name == name {
			return toyPair(r, n, noise, rand.New(rand.NewPCG(seed, 0x70a))), nil
		}
	}
	return ToyPair{}, fmt.Errorf("toy pair %q: unknown relation; expected one of %s", name, strings.Join(ToyRelationNames(), ", "))
}

// ToyRelationNames returns the names of ToyRelations, in order.
func ToyRelationNames() []string {
	names := make([]string, len(ToyRelations))
	for i, r := range ToyRelations {
		names[i] = r.Name
	}
	return names
}

// toyPair draws n points of r from rng, with Gaussian noise of standard deviation noise on y.
func toyPair(r ToyRelation, n int, noise float64, rng *rand.Rand) ToyPair {
	p := ToyPair{Name: r.Name, X: make([]float64, n), Y: make([]float64, n)}
	for j := range n {
		x, y := r.F(rng, 2*rng.Float64()-1)
		p.X[j], p.Y[j] = x, y+noise*rng.NormFloat64()
	}
	return p
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
