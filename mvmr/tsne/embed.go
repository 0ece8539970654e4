package tsne

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Result is the output of [Embed].
type Result struct {
	// Y is the embedding, n×Dims row-major, centred on the origin.
	Y []float64
	// N and Dims are the shape of Y.
	N, Dims int
	// KL is KL(P‖Q) at the final embedding: exact when Theta == 0; with Barnes–Hut an estimate over the
	// sparse P with the tree's estimate of the normalisation Z (what scikit-learn reports).
	KL float64
	// KLTrace holds the KL divergence every ProgressEvery iterations (computed against the unexaggerated P).
	KLTrace []KLPoint
	// Iterations is the number of gradient-descent iterations run.
	Iterations int
	// Neighbours is the number of nearest neighbours carrying input affinity (n-1 for the exact method).
	Neighbours int
	// LearningRate is the step size used (after resolving "auto").
	LearningRate float64
	// InputDims is the dimension the affinities were computed in (after PCA).
	InputDims int
	// Elapsed is the wall time of the whole embedding.
	Elapsed time.Duration
}

// KLPoint is one entry of Result.KLTrace.
type KLPoint struct {
	Iteration int
	KL        float64
}

// Embed computes a t-SNE embedding of the n points of dimension d given row-major in x (len n*d).
// See the package documentation for the method and Options for the settings.
func Embed(x []float64, n, d int, opt Options) (*Result, error) {
	if err := opt.validate(x, n, d); err != nil {
		return nil, err
	}
	start := time.Now()
	logf := func(format string, args ...any) {
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "tsne: "+format+"\n", args...)
		}
	}
	res := &Result{N: n, Dims: opt.Dims, LearningRate: opt.learningRate(n)}

	data, dd := x, d
	reduced := false
	if opt.PCADims > 0 && d > opt.PCADims {
		var err error
		if data, err = pca(x, n, d, opt.PCADims); err != nil {
			return nil, err
		}
		dd, reduced = opt.PCADims, true
		logf("PCA %d -> %d dims (%.1fs)", d, dd, time.Since(start).Seconds())
	}
	res.InputDims = dd

	exact := opt.Theta == 0
	var gradient func(y, grad []float64, exag float64, wantKL bool) float64
	if exact {
		P := denseAffinities(data, n, dd, opt.Perplexity)
		res.Neighbours = n - 1
		gradient = func(y, grad []float64, exag float64, wantKL bool) float64 {
			return exactGradient(P, y, n, opt.Dims, exag, grad, wantKL)
		}
	} else {
		k := min(n-1, max(1, int(NeighboursPerPerplexity*opt.Perplexity)))
		t0 := time.Now()
		idx, dist := nearestNeighbours(data, n, dd, k)
		logf("%d nearest neighbours of %d points (%.1fs)", k, n, time.Since(t0).Seconds())
		P := sparseAffinities(idx, dist, n, k, opt.Perplexity)
		res.Neighbours = k
		tree := &spTree{}
		gradient = func(y, grad []float64, exag float64, wantKL bool) float64 {
			return bhGradient(tree, P, y, n, opt.Dims, opt.Theta, exag, grad, wantKL)
		}
	}
	logf("affinities with perplexity %g done (%.1fs)", opt.Perplexity, time.Since(start).Seconds())

	y, err := initialise(data, n, dd, reduced, opt)
	if err != nil {
		return nil, err
	}
	grad := make([]float64, n*opt.Dims)
	update := make([]float64, n*opt.Dims)
	gains := make([]float64, n*opt.Dims)
	for i := range gains {
		gains[i] = 1
	}
	lr := res.LearningRate
	tOpt := time.Now()
	for it := 0; it < opt.Iterations; it++ {
		exag, momentum := 1.0, FinalMomentum
		if it < opt.ExaggerationIterations {
			exag, momentum = opt.EarlyExaggeration, InitialMomentum
		}
		report := (it+1)%ProgressEvery == 0
		kl := gradient(y, grad, exag, report)
		if math.IsNaN(kl) {
			return nil, fmt.Errorf("tsne: KL divergence is NaN at iteration %d", it+1)
		}
		step(y, grad, update, gains, momentum, lr)
		centre(y, n, opt.Dims)
		if report {
			res.KLTrace = append(res.KLTrace, KLPoint{Iteration: it + 1, KL: kl})
			el := time.Since(tOpt).Seconds()
			rate := float64(it+1) / el
			phase := ""
			if exag != 1 {
				phase = fmt.Sprintf(" (exaggeration %g)", exag)
			}
			logf("iter %d/%d  KL %.4f%s  %.1f it/s  %.0fs left", it+1, opt.Iterations, kl, phase, rate,
				float64(opt.Iterations-it-1)/rate)
		}
	}
	res.Iterations = opt.Iterations
	res.KL = gradient(y, grad, 1, true)
	for _, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("tsne: embedding diverged (non-finite coordinate); lower Options.LearningRate = %g", lr)
		}
	}
	res.Y = y
	res.Elapsed = time.Since(start)
	logf("done: KL %.4f after %d iterations (%.1fs)", res.KL, res.Iterations, res.Elapsed.Seconds())
	return res, nil
}

// step applies one momentum + gains update (van der Maaten's bhtsne rule: a gain grows by GainIncrease when
// the gradient's sign differs from the previous update's, and shrinks by GainDecrease otherwise).
func step(y, grad, update, gains []float64, momentum, lr float64) {
	for i, g := range grad {
		if sign(g) != sign(update[i]) {
			gains[i] += GainIncrease
		} else {
			gains[i] *= GainDecrease
		}
		gains[i] = max(gains[i], MinGain)
		update[i] = momentum*update[i] - lr*gains[i]*g
		y[i] += update[i]
	}
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// centre subtracts the mean of every column of the n×dims y.
func centre(y []float64, n, dims int) {
	for a := 0; a < dims; a++ {
		var m float64
		for i := 0; i < n; i++ {
			m += y[i*dims+a]
		}
		m /= float64(n)
		for i := 0; i < n; i++ {
			y[i*dims+a] -= m
		}
	}
}

// initialise returns the PCA initialisation of the n×dd data scaled so that its first coordinate has standard
// deviation InitStd. When data is already the PCA scores (reduced) its first columns are used directly. When
// PCA cannot give Dims informative coordinates (dd < Dims or zero variance) it draws N(0, InitStd²) from Seed.
func initialise(data []float64, n, dd int, reduced bool, opt Options) ([]float64, error) {
	dims := opt.Dims
	y := make([]float64, n*dims)
	if dd >= dims {
		if reduced {
			for i := 0; i < n; i++ {
				copy(y[i*dims:(i+1)*dims], data[i*dd:i*dd+dims])
			}
		} else {
			var err error
			if y, err = pca(data, n, dd, dims); err != nil {
				return nil, fmt.Errorf("tsne: PCA initialisation: %w", err)
			}
		}
		centre(y, n, dims)
		var ss float64
		for i := 0; i < n; i++ {
			ss += y[i*dims] * y[i*dims]
		}
		if std := math.Sqrt(ss / float64(n)); std > 0 {
			for i := range y {
				y[i] *= InitStd / std
			}
			return y, nil
		}
	}
	rng := rand.New(rand.NewPCG(uint64(opt.Seed), 0x7453_4e45)) // "tSNE"
	for i := range y {
		y[i] = InitStd * rng.NormFloat64()
	}
	return y, nil
}
