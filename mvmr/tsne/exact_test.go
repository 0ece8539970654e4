package tsne

import (
	"math"
	"math/rand/v2"
	"testing"
)

// formulaData is a small deterministic data set (40×5 input, 40×2 embedding) that scikit-learn can rebuild.
func formulaData() (x, y []float64) {
	const n, dx, dy = 40, 5, 2
	x = make([]float64, n*dx)
	y = make([]float64, n*dy)
	for i := 0; i < n; i++ {
		fi := float64(i)
		for a := 0; a < dx; a++ {
			x[i*dx+a] = math.Sin(1.7*fi+0.9*float64(a)) + 0.3*math.Cos(2.3*fi*float64(a)+0.5)
		}
		for b := 0; b < dy; b++ {
			y[i*dy+b] = math.Sin(0.37*fi+1.1*float64(b)) + 0.1*math.Cos(1.9*fi+float64(b))
		}
	}
	return x, y
}

func TestAffinitiesAndGradientMatchScikitLearn(t *testing.T) {
	// scikit-learn 1.2.1 on formulaData: P = _joint_probabilities(pairwise_distances(X, squared=True), 10, 0)
	// (it calibrates in float32), then _kl_divergence(Y.ravel(), P, 1, 40, 2).
	const n = 40
	x, y := formulaData()
	P := denseAffinities(x, n, 5, 10)
	for _, c := range []struct {
		i, j int
		want float64
	}{{0, 1, 2.5149002620296908e-06}, {3, 17, 4.832943707154423e-05}, {39, 38, 3.1726323932037597e-08}} {
		if got := P[c.i*n+c.j]; math.Abs(got-c.want) > 2e-4*c.want {
			t.Errorf("P[%d][%d] = %v, scikit-learn %v", c.i, c.j, got, c.want)
		}
	}
	grad := make([]float64, n*2)
	kl := exactGradient(P, y, n, 2, 1, grad, true)
	if want := 1.656489535414085; math.Abs(kl-want) > 1e-5*want {
		t.Errorf("KL = %v, scikit-learn %v", kl, want)
	}
	want := []float64{0.007800068539524261, 0.006567843287327161, 0.009597059331490156, 0.011108814921623064,
		0.006056664417780223, 0.00833407478522182}
	for c, w := range want {
		if math.Abs(grad[c]-w) > 1e-4*math.Abs(w) {
			t.Errorf("grad[%d] = %v, scikit-learn %v", c, grad[c], w)
		}
	}
	var l1 float64
	for _, g := range grad {
		l1 += math.Abs(g)
	}
	if want := 0.5840361574671061; math.Abs(l1-want) > 1e-4*want {
		t.Errorf("Σ|grad| = %v, scikit-learn %v", l1, want)
	}
}

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
