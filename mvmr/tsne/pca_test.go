package tsne

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestPCARecoversKnownAxes(t *testing.T) {
	// Data = s1·z1·u1 + s2·z2·u2 + small noise with orthonormal u1, u2 in 6 dims: the first two principal
	// components are ±u1, ±u2 with variances s1², s2².
	const n, d = 2000, 6
	u1 := []float64{1, 1, 0, 0, 1, 1}
	u2 := []float64{1, -1, 1, -1, 0, 0}
	for a := range u1 {
		u1[a] /= 2
		u2[a] /= 2
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n*d)
	z1 := make([]float64, n)
	for i := 0; i < n; i++ {
		z1[i] = rng.NormFloat64()
		z2 := rng.NormFloat64()
		for a := 0; a < d; a++ {
			x[i*d+a] = 5 + 3*z1[i]*u1[a] + 1.5*z2*u2[a] + 0.01*rng.NormFloat64()
		}
	}
	s, err := pca(x, n, d, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Scores on component 1 equal ±3·(z1 - mean) up to the noise; variance ≈ 9 and 2.25.
	var v1, v2, corr float64
	for i := 0; i < n; i++ {
		v1 += s[i*2] * s[i*2]
		v2 += s[i*2+1] * s[i*2+1]
		corr += s[i*2] * z1[i]
	}
	v1 /= n - 1
	v2 /= n - 1
	if math.Abs(v1-9)/9 > 0.1 || math.Abs(v2-2.25)/2.25 > 0.1 {
		t.Errorf("component variances %v, %v; want about 9 and 2.25", v1, v2)
	}
	// The sign convention makes the largest loading of u1 positive: u1's loadings are all ≥ 0, so scores
	// correlate positively with z1.
	if corr/(n*math.Sqrt(v1)) < 0.99 {
		t.Errorf("first component does not follow z1: normalised correlation %v", corr/(n*math.Sqrt(v1)))
	}
}

func TestRandomizedPCAMatchesExact(t *testing.T) {
	// 400 dims (> PCAExactMaxDims) with a decaying spectrum: the randomized components span the same
	// leading directions as the exact eigen-decomposition.
	const n, d, m = 600, 400, 8
	rng := rand.New(rand.NewPCG(4, 5))
	basis := make([]float64, 12*d)
	for i := range basis {
		basis[i] = rng.NormFloat64() / math.Sqrt(d)
	}
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		for c := 0; c < 12; c++ {
			z := rng.NormFloat64() * 20 / float64(c+1)
			for a := 0; a < d; a++ {
				x[i*d+a] += z * basis[c*d+a]
			}
		}
		for a := 0; a < d; a++ {
			x[i*d+a] += 0.05 * rng.NormFloat64()
		}
	}
	xc := mat.NewDense(n, d, centred(x, n, d))
	exact, err := exactComponents(xc, n, d, m)
	if err != nil {
		t.Fatal(err)
	}
	approx, err := randomizedComponents(xc, n, d, m)
	if err != nil {
		t.Fatal(err)
	}
	for c := 0; c < m; c++ {
		var dot float64
		for r := 0; r < d; r++ {
			dot += exact.At(r, c) * approx.At(r, c)
		}
		if math.Abs(math.Abs(dot)-1) > 1e-6 {
			t.Errorf("component %d: |cos| between randomized and exact = %v, want 1", c, math.Abs(dot))
		}
	}
	// pca() picks the randomized path here and fixes signs the same way as the exact path.
	scores, err := pca(x, n, d, m)
	if err != nil {
		t.Fatal(err)
	}
	fixSigns(exact)
	var want mat.Dense
	want.Mul(xc, exact)
	for i := 0; i < n; i++ {
		for c := 0; c < m; c++ {
			if diff := math.Abs(scores[i*m+c] - want.At(i, c)); diff > 1e-5*(1+math.Abs(want.At(i, c))) {
				t.Fatalf("score (%d,%d) = %v, exact %v", i, c, scores[i*m+c], want.At(i, c))
			}
		}
	}
}
