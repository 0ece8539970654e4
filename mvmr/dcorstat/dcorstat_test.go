package dcorstat

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// The example of the dcor package's documentation (distance_covariance_sqr,
// distance_correlation, u_distance_covariance_sqr, ... docstrings).
var (
	docA = Sample{N: 4, D: 4, Data: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}}
	docB = Sample{N: 4, D: 1, Data: []float64{1, 0, 0, 1}}
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.10g; want %.10g (±%g)", what, got, want, tol)
	}
}

// must returns a func that returns a statistic, failing t on its error.
func must(t *testing.T) func(float64, error) float64 {
	return func(v float64, err error) float64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestPublishedValuesOfTheDcorPackage(t *testing.T) {
	const tol = 1e-7
	near(t, "dCov²(a, b)", must(t)(DCov2(docA, docB, Biased)), 1.0, tol)
	near(t, "dCov²(a, a)", must(t)(DCov2(docA, docA, Biased)), 52.0, tol)
	near(t, "dCov²(b, b)", must(t)(DCov2(docB, docB, Biased)), 0.25, tol)
	near(t, "dCor(a, b)", must(t)(DCor(docA, docB)), 0.5266403, tol)
	near(t, "dCor²(a, b)", must(t)(DCor2(docA, docB, Biased)), 0.2773500, tol)
	near(t, "u-dCov²(a, b)", must(t)(DCov2(docA, docB, Unbiased)), -2.6666667, tol)
	near(t, "u-dCor²(a, b)", must(t)(DCor2(docA, docB, Unbiased)), -0.5, tol)
	near(t, "dCor(a, a)", must(t)(DCor(docA, docA)), 1, tol)
}

func randomSample(rng *rand.Rand, n, d int) Sample {
	s := Sample{N: n, D: d, Data: make([]float64, n*d)}
	for i := range s.Data {
		s.Data[i] = rng.NormFloat64()
	}
	return s
}

// bruteDistances is the [n][n] Euclidean distance matrix, written out.
func bruteDistances(s Sample) [][]float64 {
	out := make([][]float64, s.N)
	for i := range out {
		out[i] = make([]float64, s.N)
		for j := range out[i] {
			var sum float64
			for k := range s.D {
				diff := s.Data[i*s.D+k] - s.Data[j*s.D+k]
				sum += diff * diff
			}
			out[i][j] = math.Sqrt(sum)
		}
	}
	return out
}

// bruteV is the V-statistic dCov² as the sum S1 + S2 − 2 S3 of Székely, Rizzo & Bakirov (2007),
// without any centring: S1 = mean a_ij b_ij, S2 = mean a_ij · mean b_kl,
// S3 = (1/n³) Σ_ijk a_ij b_ik.
func bruteV(a, b [][]float64) float64 {
	n := float64(len(a))
	var s1, sa, sb, s3 float64
	for i := range a {
		var ai, bi float64
		for j := range a {
			s1 += a[i][j] * b[i][j]
			sa += a[i][j]
			sb += b[i][j]
			ai += a[i][j]
			bi += b[i][j]
		}
		s3 += ai * bi
	}
	return s1/(n*n) + (sa/(n*n))*(sb/(n*n)) - 2*s3/(n*n*n)
}

// bruteU is the U-statistic dCov² in the closed form of Székely & Rizzo (2014), eq. (3.3)
// (without centring):
// [Σ_{i≠j} a_ij b_ij + a_·· b_·· / ((n−1)(n−2)) − 2/(n−2) Σ_i a_i· b_i·] / (n(n−3)).
func bruteU(a, b [][]float64) float64 {
	n := float64(len(a))
	var s1, sa, sb, s3 float64
	for i := range a {
		var ai, bi float64
		for j := range a {
			if i != j {
				s1 += a[i][j] * b[i][j]
			}
			sa += a[i][j]
			sb += b[i][j]
			ai += a[i][j]
			bi += b[i][j]
		}
		s3 += ai * bi
	}
	return (s1 + sa*sb/((n-1)*(n-2)) - 2*s3/(n-2)) / (n * (n - 3))
}

func TestEstimatorsMatchBruteForceSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{4, 5, 17, 60} {
		x := randomSample(rng, n, 3)
		y := randomSample(rng, n, 2)
		for i := range n { // some dependence
			y.Data[2*i] += x.Data[3*i] * x.Data[3*i]
		}
		a, b := bruteDistances(x), bruteDistances(y)
		near(t, "V dCov²", must(t)(DCov2(x, y, Biased)), bruteV(a, b), 1e-7)
		near(t, "U dCov²", must(t)(DCov2(x, y, Unbiased)), bruteU(a, b), 1e-7)
		near(t, "V dCor²", must(t)(DCor2(x, y, Biased)), bruteV(a, b)/math.Sqrt(bruteV(a, a)*bruteV(b, b)), 1e-7)
		near(t, "U dCor²", must(t)(DCor2(x, y, Unbiased)), bruteU(a, b)/math.Sqrt(bruteU(a, a)*bruteU(b, b)), 1e-7)
	}
}

// bruteUCentre U-centres a distance matrix as Székely & Rizzo (2014) define it, eq. (2.1).
func bruteUCentre(a [][]float64) [][]float64 {
	n := len(a)
	out := make([][]float64, n)
	rows := make([]float64, n)
	var total float64
	for i := range a {
		for j := range a {
			rows[i] += a[i][j]
			total += a[i][j]
		}
	}
	for i := range a {
		out[i] = make([]float64, n)
		for j := range a {
			if i != j {
				// a is symmetric: column sums are row sums.
				out[i][j] = a[i][j] - rows[i]/float64(n-2) - rows[j]/float64(n-2) + total/float64((n-1)*(n-2))
			}
		}
	}
	return out
}

func uProduct(a, b [][]float64) float64 {
	n := len(a)
	var s float64
	for i := range a {
		for j := range a {
			if i != j {
				s += a[i][j] * b[i][j]
			}
		}
	}
	return s / float64(n*(n-3))
}

// brutePartial is pdCor by its definition, the cosine of the projections of x's and y's
// U-centred distance matrices onto the complement of z's (Székely & Rizzo 2014, section 4).
func brutePartial(x, y, z Sample) float64 {
	a, b, c := bruteUCentre(bruteDistances(x)), bruteUCentre(bruteDistances(y)), bruteUCentre(bruteDistances(z))
	project := func(m [][]float64) [][]float64 {
		k := uProduct(m, c) / uProduct(c, c)
		out := make([][]float64, len(m))
		for i := range m {
			out[i] = make([]float64, len(m))
			for j := range m {
				out[i][j] = m[i][j] - k*c[i][j]
			}
		}
		return out
	}
	px, py := project(a), project(b)
	return uProduct(px, py) / math.Sqrt(uProduct(px, px)*uProduct(py, py))
}

func TestPartialDCorMatchesProjections(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{6, 25, 80} {
		z := randomSample(rng, n, 2)
		x, y := randomSample(rng, n, 2), randomSample(rng, n, 3)
		for i := range n { // x and y both depend on z, and y on x
			x.Data[2*i] += z.Data[2*i]
			y.Data[3*i] += math.Abs(z.Data[2*i+1]) + 0.5*x.Data[2*i+1]
		}
		near(t, "pdCor(x, y; z)", must(t)(PartialDCor(x, y, z)), brutePartial(x, y, z), 1e-7)
	}
}

func TestPartialDCorProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 400
	x, z := randomSample(rng, n, 2), randomSample(rng, n, 2)
	y := randomSample(rng, n, 1)
	for i := range n {
		y.Data[i] = x.Data[2*i]*x.Data[2*i] + 0.3*y.Data[i]
	}
	// pdCor(x, x; z) = 1 wherever it is defined (x is not a function of z).
	near(t, "pdCor(x, x; z)", must(t)(PartialDCor(x, x, z)), 1, 1e-12)
	// With z independent of both, projecting z out removes (almost) nothing: pdCor ≈ u-dCor².
	r2 := must(t)(DCor2(x, y, Unbiased))
	near(t, "pdCor(x, y; z independent) − u-dCor²(x, y)", must(t)(PartialDCor(x, y, z))-r2, 0, 0.01)
	if r2 < 0.1 {
		t.Errorf("u-dCor²(x, x²+noise) = %.3f; expected a clear dependence", r2)
	}
	// x and y that depend on each other only through z: dCor² is large, pdCor near 0.
	z1, x2, y2 := randomSample(rng, n, 1), randomSample(rng, n, 1), randomSample(rng, n, 1)
	for i := range n {
		x2.Data[i] = z1.Data[i] + 0.1*x2.Data[i]
		y2.Data[i] = z1.Data[i] + 0.1*y2.Data[i]
	}
	if r := must(t)(DCor2(x2, y2, Unbiased)); r < 0.5 {
		t.Errorf("u-dCor²(z+e1, z+e2) = %.3f; expected > 0.5", r)
	}
	p := must(t)(PartialDCor(x2, y2, z1))
	t.Logf("pdCor(z+e1, z+e2; z) = %.4f", p)
	if math.Abs(p) > 0.1 {
		t.Errorf("pdCor(z+e1, z+e2; z) = %.3f; expected near 0", p)
	}
	// pdCor(x, y; z) with z = x is 0: the denominator vanishes.
	near(t, "pdCor(x, y; x)", must(t)(PartialDCor(x, y, x)), 0, 1e-12)
}

func TestIndependenceTestMatchesPermutingTheData(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n, perms, seed = 30, 40, 11
	x, y := randomSample(rng, n, 2), randomSample(rng, n, 1)
	for i := range n { // weak dependence: the p-value is neither minimal nor 1
		y.Data[i] += 0.3 * x.Data[2*i] * x.Data[2*i]
	}
	for _, e := range []Estimator{Biased, Unbiased} {
		got, err := IndependenceTest(x, y, e, perms, seed)
		if err != nil {
			t.Fatal(err)
		}
		// Reference: permute y's rows as the documented stream does, recompute from the data.
		stat := func(y Sample) float64 {
			a, b := bruteDistances(x), bruteDistances(y)
			if e == Unbiased {
				return bruteU(a, b)
			}
			return bruteV(a, b)
		}
		observed := stat(y)
		permRng := rand.New(rand.NewPCG(seed, PermutationStream))
		atLeast := 0
		for range perms {
			perm := permRng.Perm(n)
			py := Sample{N: n, D: 1, Data: make([]float64, n)}
			for i, p := range perm {
				py.Data[i] = y.Data[p]
			}
			if stat(py) >= observed-1e-12 {
				atLeast++
			}
		}
		near(t, e.String()+" p-value", got.PValue, float64(1+atLeast)/float64(1+perms), 1e-12)
		near(t, e.String()+" estimate", got.Estimate, must(t)(DCor2(x, y, e)), 1e-12)
		if got.Permutations != perms {
			t.Errorf("Permutations = %d; want %d", got.Permutations, perms)
		}
	}
}

func TestIndependenceTestSeparatesDependentFromIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n, perms = 100, 199
	x := randomSample(rng, n, 1)
	y := Sample{N: n, D: 1, Data: make([]float64, n)}
	for i, v := range x.Data {
		y.Data[i] = v * v // Pearson's r ≈ 0, strongly dependent
	}
	dep, err := IndependenceTest(x, y, Unbiased, perms, 1)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "p-value of y = x²", dep.PValue, 1.0/(1+perms), 1e-15)
	// Independent samples: over 40 draws the p-values are spread over (0, 1], about uniform.
	var below05, sum float64
	const draws = 40
	for k := range draws {
		ind, err := IndependenceTest(randomSample(rng, 40, 2), randomSample(rng, 40, 2), Unbiased, 99, uint64(k))
		if err != nil {
			t.Fatal(err)
		}
		sum += ind.PValue
		if ind.PValue <= 0.05 {
			below05++
		}
	}
	if mean := sum / draws; mean < 0.35 || mean > 0.65 {
		t.Errorf("mean p-value of independent samples = %.3f; expected about 0.5", mean)
	}
	if below05 > 6 {
		t.Errorf("%v of %d independent draws have p <= 0.05; expected about 2", below05, draws)
	}
}

func TestPartialTestMatchesPermutingTheProjection(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	const n, perms, seed = 24, 30, 5
	z := randomSample(rng, n, 1)
	x, y := randomSample(rng, n, 1), randomSample(rng, n, 1)
	for i := range n {
		x.Data[i] += z.Data[i]
		y.Data[i] += z.Data[i] + 0.3*x.Data[i]
	}
	got, err := PartialTest(x, y, z, perms, seed)
	if err != nil {
		t.Fatal(err)
	}
	// Reference: the projections from the brute-force U-centring, x's permuted (pdcor.test).
	a, b, c := bruteUCentre(bruteDistances(x)), bruteUCentre(bruteDistances(y)), bruteUCentre(bruteDistances(z))
	project := func(m [][]float64) [][]float64 {
		k := uProduct(m, c) / uProduct(c, c)
		out := make([][]float64, n)
		for i := range m {
			out[i] = make([]float64, n)
			for j := range m {
				out[i][j] = m[i][j] - k*c[i][j]
			}
		}
		return out
	}
	px, py := project(a), project(b)
	observed := uProduct(px, py)
	permRng := rand.New(rand.NewPCG(seed, PermutationStream))
	atLeast := 0
	for range perms {
		perm := permRng.Perm(n)
		pp := make([][]float64, n)
		for i := range pp {
			pp[i] = make([]float64, n)
			for j := range pp {
				pp[i][j] = px[perm[i]][perm[j]]
			}
		}
		if uProduct(pp, py) >= observed-1e-12 {
			atLeast++
		}
	}
	near(t, "partial p-value", got.PValue, float64(1+atLeast)/float64(1+perms), 1e-12)
	near(t, "partial estimate", got.Estimate, brutePartial(x, y, z), 1e-7)
}

func TestEnergyDistance(t *testing.T) {
	// Closed form: x = {0, 1}, y = {2}: 2·(2+1)/2 − (0+1+1+0)/4 − 0 = 2.5.
	x := Sample{N: 2, D: 1, Data: []float64{0, 1}}
	y := Sample{N: 1, D: 1, Data: []float64{2}}
	near(t, "energy({0,1}, {2})", must(t)(EnergyDistance(x, y)), 2.5, 1e-12)
	near(t, "energy(a, a)", must(t)(EnergyDistance(docA, docA)), 0, 1e-12)
	// The dcor package's energy_distance docstring: a against b = [[1,0,0,1],[0,1,1,1],[1,1,1,1]].
	b := Sample{N: 3, D: 4, Data: []float64{1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1}}
	near(t, "energy(a, b)", must(t)(EnergyDistance(docA, b)), 20.5780594, 1e-7)
	// Two normals one unit apart in 1-D: E = 2E|X−Y| − 2E|X−X'| with X−Y ~ N(1, 2), X−X' ~ N(0, 2):
	// 2(√(2/π)·√2·e^{−1/4} + 1 − 2Φ(−1/√2)) − 2·2/√π ≈ 0.3893, estimated from 2 000 draws.
	rng := rand.New(rand.NewPCG(14, 15))
	nx, ny := randomSample(rng, 2000, 1), randomSample(rng, 2000, 1)
	for i := range ny.Data {
		ny.Data[i]++
	}
	s := math.Sqrt(2)
	mean := func(mu float64) float64 { // E|N(mu, 2)|
		return s*math.Sqrt(2/math.Pi)*math.Exp(-mu*mu/(2*s*s)) + mu*(1-2*0.5*math.Erfc(mu/(s*math.Sqrt2)))
	}
	near(t, "energy(N(0,1), N(1,1))", must(t)(EnergyDistance(nx, ny)), 2*mean(1)-2*mean(0), 0.05)
}

func TestNonFiniteAndShapeErrors(t *testing.T) {
	bad := Sample{N: 4, D: 2, Data: []float64{1, 2, 3, 4, 5, math.NaN(), 7, 8}}
	_, err := DCor2(bad, docB, Unbiased)
	if err == nil || !strings.Contains(err.Error(), "row 2, column 1 is NaN") {
		t.Errorf("NaN at row 2, column 1: error %v", err)
	}
	inf := Sample{N: 4, D: 1, Data: []float64{0, math.Inf(-1), 0, 0}}
	if _, err := PartialDCor(docA, docB, inf); err == nil || !strings.Contains(err.Error(), "z: dcorstat: row 1, column 0 is -Inf") {
		t.Errorf("-Inf in z: error %v", err)
	}
	three := Sample{N: 3, D: 1, Data: []float64{1, 2, 3}}
	if _, err := DCov2(three, three, Unbiased); err == nil || !strings.Contains(err.Error(), "at least 4") {
		t.Errorf("3 observations, unbiased: error %v", err)
	}
	if _, err := DCov2(docA, three, Biased); err == nil || !strings.Contains(err.Error(), "same number") {
		t.Errorf("4 and 3 observations: error %v", err)
	}
	if _, err := IndependenceTest(docA, docB, Biased, 0, 1); err == nil {
		t.Error("0 permutations: no error")
	}
	if _, err := EnergyDistance(docA, docB); err == nil {
		t.Error("energy distance of 4-D and 1-D samples: no error")
	}
}

func TestConstantSampleHasZeroCorrelation(t *testing.T) {
	c := Sample{N: 5, D: 1, Data: []float64{2, 2, 2, 2, 2}}
	x := Sample{N: 5, D: 1, Data: []float64{1, 2, 4, 8, 16}}
	for _, e := range []Estimator{Biased, Unbiased} {
		near(t, e.String()+" dCor²(x, constant)", must(t)(DCor2(x, c, e)), 0, 0)
	}
}

// TestPartialTestIsApproximate reproduces the sentence of PartialTest's documentation: for
// x = z + e1, y = z + e2 (small independent noise, conditionally independent given z) the
// permutation p-value is 0.01 for one seed of three at n = 30, 60 and 120.
func TestPartialTestIsApproximate(t *testing.T) {
	for _, n := range []int{30, 60, 120} {
		var small int
		var ps []float64
		for seed := uint64(1); seed <= 3; seed++ {
			rng := rand.New(rand.NewPCG(seed, 4))
			z, x, y := Sample{N: n, D: 1}, Sample{N: n, D: 1}, Sample{N: n, D: 1}
			for range n {
				v := rng.NormFloat64()
				z.Data = append(z.Data, v)
				x.Data = append(x.Data, v+0.1*rng.NormFloat64())
				y.Data = append(y.Data, v+0.1*rng.NormFloat64())
			}
			test, err := PartialTest(x, y, z, 99, 1)
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, test.PValue)
			if test.PValue <= 0.01 {
				small++
			}
		}
		if small != 1 {
			t.Errorf("n = %d: p-values %v; the documentation says one of three is 0.01", n, ps)
		}
	}
}
