package tsne

import (
	"fmt"
	"io"
	"math"
)

// Hyper-parameters of the optimiser that Options does not expose. They are van der Maaten's bhtsne values
// (also scikit-learn's).
const (
	// InitialMomentum is the momentum used while early exaggeration is on.
	InitialMomentum = 0.5
	// FinalMomentum is the momentum used once early exaggeration ends.
	FinalMomentum = 0.8
	// GainIncrease is added to a coordinate's gain when its gradient changes sign against the previous update.
	GainIncrease = 0.2
	// GainDecrease multiplies a coordinate's gain when its gradient keeps the sign of the previous update's descent.
	GainDecrease = 0.8
	// MinGain is the floor of every gain.
	MinGain = 0.01
	// InitStd is the standard deviation of the first coordinate of the PCA initialisation (scikit-learn, openTSNE).
	InitStd = 1e-4
	// NeighboursPerPerplexity sets how many nearest neighbours carry input affinity in Barnes–Hut mode:
	// ⌊NeighboursPerPerplexity·perplexity⌋ (van der Maaten 2014).
	NeighboursPerPerplexity = 3
	// PerplexityTolerance is the tolerance on the entropy (in nats) of each conditional distribution.
	PerplexityTolerance = 1e-5
	// PerplexitySteps is the maximum number of binary-search steps on β per point.
	PerplexitySteps = 100
	// ProgressEvery is how often (in iterations) a progress line is written and the KL divergence computed.
	ProgressEvery = 50
	// ExactMaxPoints is the largest n the exact method (Theta = 0) accepts: it holds the dense n×n P
	// (1.8 GB of float64 at this size) and costs O(n²) per iteration.
	ExactMaxPoints = 15000
	// MaxBarnesHutDims is the largest embedding dimension Barnes–Hut accepts (its tree has 2^Dims children per
	// cell; scikit-learn has the same limit).
	MaxBarnesHutDims = 3
)

// Options configures [Embed]. Start from [DefaultOptions] and change what you need.
type Options struct {
	// Dims is the dimension of the embedding (2 for a picture).
	Dims int
	// Perplexity is the effective number of neighbours of each point; it must be below n.
	// Typical values are 5–50.
	Perplexity float64
	// Theta is the Barnes–Hut accuracy: a cell of width w at distance r is summarised by its centre of mass
	// when w/r < Theta. 0 selects the exact O(n²) gradient and dense affinities. Up to 1/√Dims a cell
	// holding the point itself is never summarised; larger values trade that accuracy for speed.
	Theta float64
	// Iterations is the total number of gradient-descent iterations, early exaggeration included; leave a few
	// hundred after ExaggerationIterations (with 300 of which 250 exaggerated, clusters are found but the
	// local structure is not yet laid out).
	Iterations int
	// LearningRate is the step size. 0 selects scikit-learn's "auto": max(n/EarlyExaggeration/4, 50)
	// (Belkina et al. 2019, with the factor 4 of the KL gradient).
	LearningRate float64
	// EarlyExaggeration multiplies P during the first ExaggerationIterations iterations (1 = none).
	EarlyExaggeration float64
	// ExaggerationIterations is the length of the early-exaggeration phase; momentum switches from
	// InitialMomentum to FinalMomentum at the same iteration (both 250 in bhtsne).
	ExaggerationIterations int
	// PCADims reduces the input to this many principal components before affinities are computed, when
	// d > PCADims. 0 keeps the input as it is.
	PCADims int
	// Seed drives the only random choice: the initialisation used when PCA cannot give one (fewer input
	// dimensions than Dims, or input with zero variance). Results are identical for identical inputs,
	// options and seed.
	Seed int64
	// Progress, when non-nil, receives one line per stage and every ProgressEvery iterations
	// (iteration, KL, iterations per second, time left).
	Progress io.Writer
}

// DefaultOptions returns the usual settings: Dims 2, Perplexity 30, Theta 0.5 (Barnes–Hut), Iterations 1000,
// LearningRate 200 (set 0 for scikit-learn's "auto"), EarlyExaggeration 12, ExaggerationIterations 250,
// PCADims 50, Seed 0.
func DefaultOptions() Options {
	return Options{
		Dims:                   2,
		Perplexity:             30,
		Theta:                  0.5,
		Iterations:             1000,
		LearningRate:           200,
		EarlyExaggeration:      12,
		ExaggerationIterations: 250,
		PCADims:                50,
	}
}

// learningRate returns the step size for n points (resolving "auto").
func (o Options) learningRate(n int) float64 {
	if o.LearningRate > 0 {
		return o.LearningRate
	}
	return math.Max(float64(n)/o.EarlyExaggeration/4, 50)
}

// validate checks the options and the input shape; it names the offending field and the expected value.
func (o Options) validate(x []float64, n, d int) error {
	if n < 2 {
		return fmt.Errorf("tsne: n = %d points, need at least 2", n)
	}
	if d < 1 {
		return fmt.Errorf("tsne: d = %d input dimensions, need at least 1", d)
	}
	if len(x) != n*d {
		return fmt.Errorf("tsne: len(x) = %d, expected n*d = %d*%d = %d", len(x), n, d, n*d)
	}
	if err := checkFinite(x, d, "x"); err != nil {
		return err
	}
	switch {
	case o.Dims < 1:
		return fmt.Errorf("tsne: Options.Dims = %d, need at least 1 (DefaultOptions gives 2)", o.Dims)
	case !(o.Perplexity > 0) || math.IsInf(o.Perplexity, 0):
		return fmt.Errorf("tsne: Options.Perplexity = %v, need a finite value > 0 (typically 5-50)", o.Perplexity)
	case o.Perplexity >= float64(n):
		return fmt.Errorf("tsne: Options.Perplexity = %v must be smaller than the number of points n = %d", o.Perplexity, n)
	case !(o.Theta >= 0) || math.IsInf(o.Theta, 0):
		return fmt.Errorf("tsne: Options.Theta = %v, need a finite value >= 0 (0 = exact, 0.5 = usual Barnes-Hut)", o.Theta)
	case o.Theta == 0 && n > ExactMaxPoints:
		return fmt.Errorf("tsne: Options.Theta = 0 (exact) with n = %d points: at most %d (dense n×n affinities); use Theta = 0.5 (Barnes-Hut)", n, ExactMaxPoints)
	case o.Theta > 0 && o.Dims > MaxBarnesHutDims:
		return fmt.Errorf("tsne: Options.Dims = %d with Barnes-Hut (Theta = %v): at most %d dimensions; use Theta = 0 (exact)", o.Dims, o.Theta, MaxBarnesHutDims)
	case o.Iterations < 1:
		return fmt.Errorf("tsne: Options.Iterations = %d, need at least 1 (usually 1000)", o.Iterations)
	case !(o.LearningRate >= 0) || math.IsInf(o.LearningRate, 0):
		return fmt.Errorf("tsne: Options.LearningRate = %v, need a finite value > 0, or 0 for auto", o.LearningRate)
	case !(o.EarlyExaggeration > 0) || math.IsInf(o.EarlyExaggeration, 0):
		return fmt.Errorf("tsne: Options.EarlyExaggeration = %v, need a finite value > 0 (1 = none, usually 12)", o.EarlyExaggeration)
	case o.ExaggerationIterations < 0:
		return fmt.Errorf("tsne: Options.ExaggerationIterations = %d, need >= 0 (usually 250)", o.ExaggerationIterations)
	case o.PCADims < 0:
		return fmt.Errorf("tsne: Options.PCADims = %d, need >= 0 (0 = no PCA, usually 50)", o.PCADims)
	}
	return nil
}

// checkFinite reports the first NaN or Inf in a row-major matrix with d columns.
func checkFinite(x []float64, d int, name string) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("tsne: %s[%d][%d] = %v: input must be finite", name, i/d, i%d, v)
		}
	}
	return nil
}
