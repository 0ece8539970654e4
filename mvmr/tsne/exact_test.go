package tsne

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestExactGradientMatchesFiniteDifferences(t *testing.T) {
	for _, dims := range []int{2, 3} { // the 2-d kernel and the general one
		checkExactGradient(t, dims)
	}
}

func checkExactGradient(t *testing.T, dims int) {
	const n, d = 25, 5
	x, _ := gaussianClusters(n, d, 2, 3, 13)
	P := denseAffinities(x, n, d, 6)
	rng := rand.New(rand.NewPCG(5, 6))
	y := make([]float64, n*dims)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	grad := make([]float64, n*dims)
	kl := exactGradient(P, y, n, dims, 1, grad, true)
	if want := refKL(P, y, n, dims); math.Abs(kl-want) > 1e-12 {
		t.Errorf("KL = %v, reference %v", kl, want)
	}
	const h = 1e-6
	for c := range y {
		orig := y[c]
		y[c] = orig + h
		plus := refKL(P, y, n, dims)
		y[c] = orig - h
		minus := refKL(P, y, n, dims)
		y[c] = orig
		fd := (plus - minus) / (2 * h)
		if math.Abs(fd-grad[c]) > 1e-7+1e-5*math.Abs(fd) {
			t.Errorf("dims %d: ∂KL/∂y[%d]: analytic %v, finite difference %v", dims, c, grad[c], fd)
		}
	}
	// Exaggeration scales only the attractive term: grad(exag) - grad(1) = 4(exag-1) Σ_j p_ij q̃_ij (y_i-y_j).
	g12 := make([]float64, n*dims)
	exactGradient(P, y, n, dims, 12, g12, false)
	for i := 0; i < n; i++ {
		for a := 0; a < dims; a++ {
			var attr float64
			for j := 0; j < n; j++ {
				attr += P[i*n+j] / (1 + sqDist(y[i*dims:(i+1)*dims], y[j*dims:(j+1)*dims])) * (y[i*dims+a] - y[j*dims+a])
			}
			if got, want := g12[i*dims+a]-grad[i*dims+a], 4*11*attr; math.Abs(got-want) > 1e-12 {
				t.Fatalf("exaggeration term at (%d,%d): %v, want %v", i, a, got, want)
			}
		}
	}
}
