package mvmr

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// referenceDCor is a plain float64 transcription of the official DistanceCorrelation.forward.
func referenceDCor(x, y testutil.Matrix) float64 {
	n := x.Rows
	dist := func(m testutil.Matrix) []float64 {
		d := make([]float64, n*n)
		for i := range n {
			for j := range n {
				var ri, rj, dot float64
				for k := range m.Cols {
					ri += m.At(i, k) * m.At(i, k)
					rj += m.At(j, k) * m.At(j, k)
					dot += m.At(i, k) * m.At(j, k)
				}
				d[i*n+j] = math.Sqrt(math.Max(ri-2*dot+rj, DistanceClamp))
			}
		}
		return d
	}
	centre := func(a []float64) []float64 {
		row := make([]float64, n) // torch.mean(a, 1)
		col := make([]float64, n) // torch.mean(a, 0)
		var all float64
		for i := range n {
			for j := range n {
				row[i] += a[i*n+j] / float64(n)
				col[j] += a[i*n+j] / float64(n)
				all += a[i*n+j] / float64(n*n)
			}
		}
		out := make([]float64, n*n)
		for i := range n {
			for j := range n {
				out[i*n+j] = a[i*n+j] - row[j] - col[i] + all
			}
		}
		return out
	}
	a, b := centre(dist(x)), centre(dist(y))
	var ab, aa, bb float64
	for i := range a {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	nn := float64(n * n)
	dCov := math.Sqrt(ab / nn / nn)
	dVarX := math.Sqrt(aa / nn / nn)
	dVarY := math.Sqrt(bb / nn / nn)
	return dCov / math.Sqrt(dVarX*dVarY)
}

func dcorGraph(in []*Node) *Node { return DistanceCorrelation(in[0], in[1]) }

func TestDistanceCorrelationMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		n, dx, dy int
		dtype     dtypes.DType
		tol       float64
	}{
		{n: 48, dx: 16, dy: 5, dtype: dtypes.Float64, tol: 1e-10},
		{n: 64, dx: 32, dy: 8, dtype: dtypes.Float32, tol: 1e-5},
		{n: 128, dx: 3, dy: 200, dtype: dtypes.Float32, tol: 1e-5},
	} {
		x := testutil.RandomMatrix(rng, tc.n, tc.dx)
		y := testutil.RandomMatrix(rng, tc.n, tc.dy)
		// Make y depend on x so dCor is far from 0 and the test is not trivially passed.
		for i := range tc.n {
			y.Data[i*tc.dy] += 2 * math.Sin(x.At(i, 0))
		}
		want := referenceDCor(x, y)
		got := testutil.ScalarOf(t, testutil.Call1(t, testBackend(t), dcorGraph, testutil.TensorOf(x, tc.dtype), testutil.TensorOf(y, tc.dtype)))
		if d := testutil.RelDiff(got, want); d > tc.tol {
			t.Errorf("n=%d dx=%d dy=%d %s: dCor=%.9g, reference %.9g (rel. diff %.2g > %.0g)",
				tc.n, tc.dx, tc.dy, tc.dtype, got, want, d, tc.tol)
		}
	}
}

func TestDistanceCorrelationGradientMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, dx, dy = 20, 4, 3
	x := testutil.RandomMatrix(rng, n, dx)
	y := testutil.RandomMatrix(rng, n, dy)
	for i := range n {
		y.Data[i*dy] += x.At(i, 1) * x.At(i, 2)
	}
	grads := testutil.Flat64(t, testutil.Call1(t, testBackend(t), func(in []*Node) *Node {
		return Gradient(DistanceCorrelation(in[0], in[1]), in[0])[0]
	}, testutil.TensorOf(x, dtypes.Float64), testutil.TensorOf(y, dtypes.Float64)))
	const h = 1e-6
	for _, idx := range []int{0, 5, 17, 42, n*dx - 1} {
		plus, minus := x, x
		plus.Data = append([]float64(nil), x.Data...)
		minus.Data = append([]float64(nil), x.Data...)
		plus.Data[idx] += h
		minus.Data[idx] -= h
		fd := (referenceDCor(plus, y) - referenceDCor(minus, y)) / (2 * h)
		if math.Abs(fd-grads[idx]) > 1e-6+1e-4*math.Abs(fd) {
			t.Errorf("d dCor / d x[%d]: autodiff %.8g, finite differences %.8g", idx, grads[idx], fd)
		}
	}
}

// randomRotation returns a random d×d orthogonal matrix (Gram-Schmidt on Gaussian columns).
func randomRotation(rng *rand.Rand, d int) testutil.Matrix {
	q := testutil.RandomMatrix(rng, d, d)
	for j := range d {
		for k := range j {
			var dot float64
			for i := range d {
				dot += q.At(i, j) * q.At(i, k)
			}
			for i := range d {
				q.Data[i*d+j] -= dot * q.At(i, k)
			}
		}
		var norm float64
		for i := range d {
			norm += q.At(i, j) * q.At(i, j)
		}
		for i := range d {
			q.Data[i*d+j] /= math.Sqrt(norm)
		}
	}
	return q
}

func TestDistanceCorrelationInvariances(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, d = 64, 6
	x := testutil.RandomMatrix(rng, n, d)
	rot := randomRotation(rng, d)
	for _, scale := range []float64{1, 0.5, -3} {
		y := testutil.Matrix{Rows: n, Cols: d, Data: make([]float64, n*d)}
		for i := range n {
			for j := range d {
				var v float64
				for k := range d {
					v += x.At(i, k) * rot.At(k, j)
				}
				y.Data[i*d+j] = scale*v + float64(j) - 2
			}
		}
		got := testutil.ScalarOf(t, testutil.Call1(t, testBackend(t), dcorGraph, testutil.TensorOf(x, dtypes.Float32), testutil.TensorOf(y, dtypes.Float32)))
		if math.Abs(got-1) > 1e-4 {
			t.Errorf("dCor(x, %g·x·R + b) = %.7f, want 1", scale, got)
		}
	}

	y := testutil.RandomMatrix(rng, n, 3)
	xy := testutil.ScalarOf(t, testutil.Call1(t, testBackend(t), dcorGraph, testutil.TensorOf(x, dtypes.Float32), testutil.TensorOf(y, dtypes.Float32)))
	yx := testutil.ScalarOf(t, testutil.Call1(t, testBackend(t), dcorGraph, testutil.TensorOf(y, dtypes.Float32), testutil.TensorOf(x, dtypes.Float32)))
	if testutil.RelDiff(xy, yx) > 1e-6 {
		t.Errorf("dCor(x, y) = %.8f but dCor(y, x) = %.8f", xy, yx)
	}
}

func TestDistanceCorrelationIndependentVersusDependent(t *testing.T) {
	// The sample (V-statistic) dCor of independent samples is biased upwards by O(1/sqrt(n)):
	// it must shrink as n grows, while dCor(x, x²) stays large although x and x² are
	// uncorrelated in the Pearson sense.
	rng := rand.New(rand.NewPCG(7, 8))
	const d = 4
	independentAt := func(n int) (float64, float64) {
		x := testutil.RandomMatrix(rng, n, d)
		independent := testutil.RandomMatrix(rng, n, d)
		squared := testutil.Matrix{Rows: n, Cols: d, Data: make([]float64, n*d)}
		for i, v := range x.Data {
			squared.Data[i] = v * v
		}
		dInd := testutil.ScalarOf(t, testutil.Call1(t, testBackend(t), dcorGraph, testutil.TensorOf(x, dtypes.Float32), testutil.TensorOf(independent, dtypes.Float32)))
		dDep := testutil.ScalarOf(t, testutil.Call1(t, testBackend(t), dcorGraph, testutil.TensorOf(x, dtypes.Float32), testutil.TensorOf(squared, dtypes.Float32)))
		return dInd, dDep
	}
	ind256, dep256 := independentAt(256)
	ind1024, dep1024 := independentAt(1024)
	t.Logf("dCor independent: n=256 %.4f, n=1024 %.4f; dCor(x, x²): %.4f, %.4f", ind256, ind1024, dep256, dep1024)
	if ind1024 > 0.15 || ind1024 > 0.7*ind256 {
		t.Errorf("dCor of independent samples should shrink like 1/sqrt(n): n=256 %.4f, n=1024 %.4f", ind256, ind1024)
	}
	if dep1024 < 2.5*ind1024 || dep1024 < 0.3 {
		t.Errorf("dCor(x, x²) = %.4f should be far above dCor of independent samples %.4f", dep1024, ind1024)
	}
}
