package mvmr

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/support/exceptions"
	"gonum.org/v1/gonum/mat"

	"github.com/mvmr-ssl/mvmr-go/internal/orthonormal"
	"github.com/mvmr-ssl/mvmr-go/internal/parallel"
)

// PCA-whitening settings (KNNConfig.Whiten).
const (
	// KNNWhitenDims is the number of principal components the quickstart's kNN keeps when it
	// whitens the features. Chosen on a validation split, not on the test set: MNIST's first
	// 50 000 training images as kNN memory and the last 10 000 as queries, features h of the
	// 1500-step quickstart encoder (seed 1), weighted kNN k=20 T=0.07 (2026-12-03, numpy
	// float64 reference): raw cosine 98.05 %, whitened to 64 / 128 / 256 / 384 / 512 / 1024
	// components 98.46 / 98.65 / 98.77 / 98.67 / 98.64 / 98.31 %.
	KNNWhitenDims = 256
	// whitenOversample is the number of extra directions of the subspace iteration.
	whitenOversample = 64
	// whitenIterations is the number of subspace iterations (products with the covariance).
	whitenIterations = 8
	// whitenEpsilon regularises the variances: a component of variance λ is scaled by
	// 1/sqrt(λ + whitenEpsilon·λmax), so that near-constant directions are not blown up.
	whitenEpsilon = 1e-6
	// whitenBlock is the number of rows per covariance or projection product on the backend.
	whitenBlock = 4096
	// whitenSeed seeds the subspace iteration's random start (fixed: the whitening is a
	// deterministic function of the features).
	whitenSeed = 0x5eed_3417e
)

// PCAWhitening maps features to their leading principal components, each scaled to unit
// variance: x ↦ ((x − Mean) · Projection), Projection[:, i] = u_i / sqrt(λ_i + ε·λ_1) with u_i the
// i-th eigenvector of the training features' covariance and λ_i its variance. It is fitted on the
// training features alone (no labels). Cosine kNN on whitened features is the standard
// post-processing of image retrieval (Jégou & Chum, ECCV 2012): it stops a few high-variance
// directions from dominating the similarity.
type PCAWhitening struct {
	// Dim is the input dimension, Dims the number of components kept.
	Dim, Dims int
	// Mean is the training features' mean (Dim values).
	Mean []float64
	// Variances are the kept components' variances λ_i, decreasing (Dims values).
	Variances []float64
	// Projection is the Dim×Dims row-major matrix of scaled components.
	Projection []float64
}

// FitPCAWhitening fits a whitening to dims components (min(dims, f.Dim) when f has fewer
// dimensions) of the training features f: the covariance is accumulated on backend in blocks
// of rows (float32 products summed in float64), and its leading eigenvectors come from a
// subspace iteration with Rayleigh–Ritz in float64 (Halko, Martinsson & Tropp 2011, Alg. 4.4;
// whitenIterations products, whitenOversample extra directions; gonum's exact eigen-decomposition
// of a 2048×2048 covariance took 34 s on the project's 2-core machine, while the quickstart's
// whole whitened kNN on 2048-d h — fit, projection and kNN on 256 dimensions — took 13 s, its raw
// kNN on the 2048 dimensions 14 s; 2026-12-03).
func FitPCAWhitening(backend compute.Backend, f Features, dims int) (PCAWhitening, error) {
	if err := f.Validate("whitening"); err != nil {
		return PCAWhitening{}, fmt.Errorf("mvmr: PCA whitening: %w", err)
	}
	if dims < 1 {
		return PCAWhitening{}, fmt.Errorf("mvmr: PCA whitening to %d components; expected at least 1", dims)
	}
	if f.N < 2 {
		return PCAWhitening{}, fmt.Errorf("mvmr: PCA whitening of %d rows; expected at least 2", f.N)
	}
	dims = min(dims, f.Dim)
	mean := featureMean(f)
	cov, err := covariance(backend, f, mean)
	if err != nil {
		return PCAWhitening{}, err
	}
	vectors, values, err := leadingEigen(cov, f.Dim, dims)
	if err != nil {
		return PCAWhitening{}, err
	}
	w := PCAWhitening{Dim: f.Dim, Dims: dims, Mean: mean, Variances: values, Projection: make([]float64, f.Dim*dims)}
	floor := whitenEpsilon * max(values[0], 0)
	for c := range dims {
		scale := 1 / math.Sqrt(max(values[c], 0)+floor)
		if math.IsInf(scale, 0) { // all-constant features: no direction to keep
			scale = 0
		}
		for r := range f.Dim {
			w.Projection[r*dims+c] = vectors.At(r, c) * scale
		}
	}
	return w, nil
}

// Apply returns f's rows whitened (Dims columns each), labels unchanged.
func (w PCAWhitening) Apply(backend compute.Backend, f Features) (Features, error) {
	if f.Dim != w.Dim {
		return Features{}, fmt.Errorf("mvmr: PCA whitening fitted on %d-dimensional features applied to %d", w.Dim, f.Dim)
	}
	proj := make([]float32, len(w.Projection))
	for i, v := range w.Projection {
		proj[i] = float32(v)
	}
	projT := tensors.FromFlatDataAndDimensions(proj, w.Dim, w.Dims)
	out := Features{Data: make([]float32, f.N*w.Dims), N: f.N, Dim: w.Dims, Labels: f.Labels, NumClasses: f.NumClasses}
	err := centredBlocks(backend, f, w.Mean, func(x *Node, p *Node) *Node {
		return Dot(x, p).General([]int{1}, nil, []int{0}, nil) // [block, dims]
	}, projT, func(lo, rows int, result []float32) {
		copy(out.Data[lo*w.Dims:(lo+rows)*w.Dims], result[:rows*w.Dims])
	})
	if err != nil {
		return Features{}, fmt.Errorf("mvmr: PCA whitening: %w", err)
	}
	return out, nil
}

// featureMean returns the mean of f's rows in float64.
func featureMean(f Features) []float64 {
	mean := make([]float64, f.Dim)
	for i := range f.N {
		for j, v := range f.Data[i*f.Dim : (i+1)*f.Dim] {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(f.N)
	}
	return mean
}

// covariance returns the Dim×Dim covariance of f's rows about mean (divided by N − 1).
func covariance(backend compute.Backend, f Features, mean []float64) (*mat.SymDense, error) {
	sum := make([]float64, f.Dim*f.Dim)
	err := centredBlocks(backend, f, mean, func(x, _ *Node) *Node {
		return Dot(x, x).General([]int{0}, nil, []int{0}, nil) // [dim, dim] = xᵀ x
	}, nil, func(_, _ int, result []float32) {
		for i, v := range result {
			sum[i] += float64(v)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("mvmr: PCA whitening covariance: %w", err)
	}
	cov := mat.NewSymDense(f.Dim, nil)
	for i := range f.Dim {
		for j := i; j < f.Dim; j++ {
			cov.SetSym(i, j, 0.5*(sum[i*f.Dim+j]+sum[j*f.Dim+i])/float64(f.N-1))
		}
	}
	return cov, nil
}

// centredBlocks runs graph on blocks of whitenBlock centred rows of f (the last block padded with
// zero rows, which add nothing to xᵀx and whose outputs are not read), with extra as the second
// input (a scalar when nil), and hands each block's flat result to use.
func centredBlocks(backend compute.Backend, f Features, mean []float64, graph func(x, extra *Node) *Node,
	extra *tensors.Tensor, use func(lo, rows int, result []float32)) error {
	block := min(whitenBlock, f.N)
	if extra == nil {
		extra = tensors.FromScalar(float32(0))
	}
	return exceptions.TryCatch[error](func() {
		exec := MustNewExec(backend, graph)
		buf := make([]float32, block*f.Dim)
		for lo := 0; lo < f.N; lo += block {
			rows := min(block, f.N-lo)
			clear(buf[rows*f.Dim:])
			parallel.For(rows, func(r int) {
				src := f.Data[(lo+r)*f.Dim : (lo+r+1)*f.Dim]
				dst := buf[r*f.Dim : (r+1)*f.Dim]
				for j, v := range src {
					dst[j] = float32(float64(v) - mean[j])
				}
			})
			x := tensors.FromFlatDataAndDimensions(append([]float32(nil), buf...), block, f.Dim)
			out := exec.MustExec(x, extra)
			tensors.MustConstFlatData(out[0], func(flat []float32) { use(lo, rows, flat) })
			out[0].MustFinalizeAll()
			x.MustFinalizeAll()
		}
	})
}

// leadingEigen returns the dims leading eigenvectors (as the columns of a dim×dims matrix) and
// eigenvalues (decreasing) of the symmetric cov: a subspace iteration on dims+whitenOversample
// random directions, then the Rayleigh–Ritz projection's exact eigen-decomposition. With as many
// directions as dimensions it is the exact decomposition.
func leadingEigen(cov *mat.SymDense, dim, dims int) (*mat.Dense, []float64, error) {
	width := min(dim, dims+whitenOversample)
	rng := rand.New(rand.NewPCG(whitenSeed, uint64(dim)))
	q := mat.NewDense(width, dim, nil) // basis as rows
	for i := range q.RawMatrix().Data {
		q.RawMatrix().Data[i] = rng.NormFloat64()
	}
	orthonormal.Rows(q)
	if width < dim {
		for range whitenIterations {
			var next mat.Dense
			next.Mul(q, cov) // (cov qᵀ)ᵀ: cov is symmetric
			q.Copy(&next)
			orthonormal.Rows(q)
		}
	}
	var cq, b mat.Dense
	cq.Mul(q, cov)
	b.Mul(&cq, q.T()) // width×width: q cov qᵀ
	small := mat.NewSymDense(width, nil)
	for i := range width {
		for j := i; j < width; j++ {
			small.SetSym(i, j, 0.5*(b.At(i, j)+b.At(j, i)))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(small, true) {
		return nil, nil, fmt.Errorf("mvmr: PCA whitening: the eigen-decomposition of the %d×%d projected covariance did not converge", width, width)
	}
	values := eig.Values(nil) // ascending
	var v mat.Dense
	eig.VectorsTo(&v)
	var u mat.Dense
	u.Mul(q.T(), &v) // dim×width, columns in ascending order
	vectors := mat.NewDense(dim, dims, nil)
	out := make([]float64, dims)
	for c := range dims {
		src := width - 1 - c
		out[c] = values[src]
		for r := range dim {
			vectors.Set(r, c, u.At(r, src))
		}
	}
	return vectors, out, nil
}
