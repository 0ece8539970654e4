package mvmr

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// correlatedFeatures returns n rows of dim features x = s·A + offset with s standard normal and A
// a fixed random dim×dim matrix whose column scales decay geometrically (ratio ratio), labels
// cycling over 4 classes.
func correlatedFeatures(n, dim int, ratio float64, seed uint64) (Features, *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, 7))
	a := mat.NewDense(dim, dim, nil)
	for i := range dim {
		for j := range dim {
			a.Set(i, j, rng.NormFloat64()*math.Pow(ratio, float64(i)))
		}
	}
	f := Features{Data: make([]float32, n*dim), N: n, Dim: dim, Labels: make([]int32, n), NumClasses: 4}
	s := make([]float64, dim)
	for r := range n {
		for i := range s {
			s[i] = rng.NormFloat64()
		}
		for j := range dim {
			v := 3.0 // a common offset: the whitening must centre
			for i := range dim {
				v += s[i] * a.At(i, j)
			}
			f.Data[r*dim+j] = float32(v)
		}
		f.Labels[r] = int32(r % 4)
	}
	return f, a
}

// exactCovariance is the float64 covariance of f's rows (divided by N − 1), computed directly.
func exactCovariance(f Features) *mat.SymDense {
	mean := make([]float64, f.Dim)
	for r := range f.N {
		for j := range f.Dim {
			mean[j] += float64(f.Data[r*f.Dim+j]) / float64(f.N)
		}
	}
	cov := mat.NewSymDense(f.Dim, nil)
	for i := range f.Dim {
		for j := i; j < f.Dim; j++ {
			var s float64
			for r := range f.N {
				s += (float64(f.Data[r*f.Dim+i]) - mean[i]) * (float64(f.Data[r*f.Dim+j]) - mean[j])
			}
			cov.SetSym(i, j, s/float64(f.N-1))
		}
	}
	return cov
}

// TestPCAWhiteningHasIdentityCovariance checks the closed form: the whitened training features
// have zero mean and identity covariance (up to the float32 products and ε·λ1).
func TestPCAWhiteningHasIdentityCovariance(t *testing.T) {
	backend := testBackend(t)
	f, _ := correlatedFeatures(3000, 150, 0.97, 1)
	w, err := FitPCAWhitening(backend, f, 20)
	if err != nil {
		t.Fatal(err)
	}
	g, err := w.Apply(backend, f)
	if err != nil {
		t.Fatal(err)
	}
	if g.Dim != 20 || g.N != f.N {
		t.Fatalf("whitened features %d×%d; want %d×20", g.N, g.Dim, f.N)
	}
	cov := exactCovariance(g)
	for i := range g.Dim {
		var mean float64
		for r := range g.N {
			mean += float64(g.Data[r*g.Dim+i]) / float64(g.N)
		}
		if math.Abs(mean) > 1e-4 {
			t.Errorf("whitened column %d has mean %g; want 0", i, mean)
		}
		for j := range g.Dim {
			want := 0.0
			if i == j {
				want = 1
			}
			if got := cov.At(i, j); math.Abs(got-want) > 2e-4 {
				t.Errorf("whitened covariance[%d,%d] = %.6f; want %g", i, j, got, want)
			}
		}
	}
}

// TestPCAWhiteningMatchesTheExactEigenDecomposition compares the subspace iteration's variances
// and directions with gonum's exact eigen-decomposition of the covariance computed directly in
// float64: the leading 20 of 150 dimensions (the iteration runs: 84 directions < 150).
func TestPCAWhiteningMatchesTheExactEigenDecomposition(t *testing.T) {
	f, _ := correlatedFeatures(3000, 150, 0.97, 2)
	w, err := FitPCAWhitening(testBackend(t), f, 20)
	if err != nil {
		t.Fatal(err)
	}
	var eig mat.EigenSym
	if !eig.Factorize(exactCovariance(f), true) {
		t.Fatal("reference eigen-decomposition failed")
	}
	values := eig.Values(nil)
	var vectors mat.Dense
	eig.VectorsTo(&vectors)
	for c := range w.Dims {
		ref := values[f.Dim-1-c]
		if got := w.Variances[c]; math.Abs(got-ref) > 1e-4*ref {
			t.Errorf("variance %d = %.6g; exact %.6g", c, got, ref)
		}
		// The projection's column is u/sqrt(λ + ελ1): its direction must be ±the exact eigenvector.
		var dot, norm float64
		for r := range f.Dim {
			p := w.Projection[r*w.Dims+c]
			dot += p * vectors.At(r, f.Dim-1-c)
			norm += p * p
		}
		if cos := math.Abs(dot) / math.Sqrt(norm); cos < 1-1e-6 {
			t.Errorf("component %d: |cos| with the exact eigenvector %.9f; want 1", c, cos)
		}
		if scale := math.Sqrt(norm); math.Abs(scale-1/math.Sqrt(ref+whitenEpsilon*values[f.Dim-1])) > 1e-4*scale {
			t.Errorf("component %d scaled by %g; want 1/sqrt(λ + ελ1) = %g", c, scale, 1/math.Sqrt(ref))
		}
	}
}

// TestKNNWhitenedIsInvariantToInvertibleAffineMaps: full whitening (as many components as
// dimensions) maps x and x·A + b to the same features up to a rotation, so the inner products of
// whitened rows agree (up to the ε·λ1 floor: relative 2ε·λ1/λmin; the raw rows' do not: A is
// anisotropic); and KNN with Whiten is the float64 reference kNN on FitPCAWhitening's features.
func TestKNNWhitenedIsInvariantToInvertibleAffineMaps(t *testing.T) {
	backend := testBackend(t)
	rng := rand.New(rand.NewPCG(3, 4))
	const dim, n, classes, trainN = 8, 900, 3, 600
	f := Features{Data: make([]float32, n*dim), N: n, Dim: dim, Labels: make([]int32, n), NumClasses: classes}
	for r := range n {
		c := r % classes
		f.Labels[r] = int32(c)
		for j := range dim {
			f.Data[r*dim+j] = float32(rng.NormFloat64() + 1.5*float64(c)*float64(j%2))
		}
	}
	a := make([]float64, dim*dim)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for j := range dim { // an anisotropic map: column j scaled by 2^(j-4)
		for i := range dim {
			a[i*dim+j] *= math.Pow(2, float64(j-4))
		}
	}
	g := Features{Data: make([]float32, n*dim), N: n, Dim: dim, Labels: f.Labels, NumClasses: classes}
	for r := range n {
		for j := range dim {
			v := 5.0 * float64(j)
			for i := range dim {
				v += float64(f.Data[r*dim+i]) * a[i*dim+j]
			}
			g.Data[r*dim+j] = float32(v)
		}
	}
	split := func(x Features) (Features, Features) {
		return Features{Data: x.Data[:trainN*dim], N: trainN, Dim: dim, Labels: x.Labels[:trainN], NumClasses: classes},
			Features{Data: x.Data[trainN*dim:], N: n - trainN, Dim: dim, Labels: x.Labels[trainN:], NumClasses: classes}
	}
	whitened := func(x Features) (Features, PCAWhitening) {
		train, _ := split(x)
		w, err := FitPCAWhitening(backend, train, dim)
		if err != nil {
			t.Fatal(err)
		}
		y, err := w.Apply(backend, x)
		if err != nil {
			t.Fatal(err)
		}
		return y, w
	}
	yf, wf := whitened(f)
	yg, wg := whitened(g)
	floor := 0.0
	for _, w := range []PCAWhitening{wf, wg} {
		floor = max(floor, 2*whitenEpsilon*w.Variances[0]/w.Variances[dim-1])
	}
	for p := 0; p < n; p += 37 {
		for q := 0; q < n; q += 41 {
			var df, dg, nf float64
			for j := range dim {
				df += float64(yf.Data[p*dim+j]) * float64(yf.Data[q*dim+j])
				dg += float64(yg.Data[p*dim+j]) * float64(yg.Data[q*dim+j])
				nf += float64(yf.Data[p*dim+j]) * float64(yf.Data[p*dim+j])
			}
			if math.Abs(df-dg) > (floor+1e-4)*(nf+1) {
				t.Fatalf("rows %d, %d: whitened inner products %.6f (x) and %.6f (x·A + b); want equal within %.2g", p, q, df, dg, floor+1e-4)
			}
		}
	}
	var rawWorst float64
	for p := 0; p < n; p += 37 {
		var df, dg float64
		for j := range dim {
			df += float64(f.Data[p*dim+j]) * float64(f.Data[(p+1)*dim+j])
			dg += float64(g.Data[p*dim+j]) * float64(g.Data[(p+1)*dim+j])
		}
		rawWorst = max(rawWorst, math.Abs(df-dg))
	}
	if rawWorst < 1 {
		t.Fatalf("raw inner products of x and x·A + b differ by at most %g: the map should change them", rawWorst)
	}
	config := DefaultKNNConfig()
	config.Ks = []int{5}
	accuracy := func(x Features, whiten int) float64 {
		config.Whiten = whiten
		train, test := split(x)
		rs, err := KNN(backend, train, test, config, nil)
		if err != nil {
			t.Fatal(err)
		}
		if whiten > 0 && (!rs[0].Whitened || rs[0].Dim != dim) {
			t.Fatalf("whitened result says whitened = %v, dim %d; want true, %d", rs[0].Whitened, rs[0].Dim, dim)
		}
		return rs[0].Top1
	}
	// The kNN whitens as FitPCAWhitening + Apply do: the float64 reference kNN on those features.
	train, test := split(f)
	w, err := FitPCAWhitening(backend, train, 100) // 100 > dim: every component
	if err != nil {
		t.Fatal(err)
	}
	wtrain, _ := w.Apply(backend, train)
	wtest, _ := w.Apply(backend, test)
	ref, _ := knnReference(wtrain, wtest, 5, config.Temperature)
	if got := accuracy(f, 100); math.Abs(got-ref) > 1e-9 {
		t.Errorf("whitened kNN %.4f; the reference kNN on the whitened features %.4f", got, ref)
	}
}

// TestKNNWhitenRejectsANegativeCount and a whitening applied to features of another size.
func TestKNNWhitenRejectsBadSettings(t *testing.T) {
	backend := testBackend(t)
	f, _ := correlatedFeatures(50, 6, 0.9, 5)
	config := DefaultKNNConfig()
	config.Ks, config.Whiten = []int{3}, -1
	if _, err := KNN(backend, f, f, config, nil); err == nil || !strings.Contains(err.Error(), "whiten = -1") {
		t.Errorf("whiten -1: err = %v; want one naming whiten = -1", err)
	}
	w, err := FitPCAWhitening(backend, f, 3)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := correlatedFeatures(50, 7, 0.9, 5)
	if _, err := w.Apply(backend, g); err == nil || !strings.Contains(err.Error(), "6-dimensional features applied to 7") {
		t.Errorf("apply to 7 dims: err = %v; want one naming 6 and 7", err)
	}
	if _, err := FitPCAWhitening(backend, f, 0); err == nil {
		t.Error("whitening to 0 components: no error")
	}
}
