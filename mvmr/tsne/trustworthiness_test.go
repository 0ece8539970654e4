package tsne

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// refTrustworthiness is the textbook formula with ranks from a full sort.
func refTrustworthiness(x []float64, dx int, y []float64, dy int, n, k int) float64 {
	var t float64
	for i := 0; i < n; i++ {
		rx := refRanks(x, n, dx, i)
		ry := refRanks(y, n, dy, i)
		for j := 0; j < n; j++ {
			if j != i && ry[j] <= k && rx[j] > k {
				t += float64(rx[j] - k)
			}
		}
	}
	nf, kf := float64(n), float64(k)
	return 1 - t*2/(nf*kf*(2*nf-3*kf-1))
}

func TestTrustworthinessHandComputed(t *testing.T) {
	// Input on a line at 0, 1, 3, 7; embedding puts 0 next to 7 and 1 next to 3. Penalties with k=1:
	// point 0's embedding neighbour (input 7) has input rank 3 -> 2; point 1's (3) rank 2 -> 1;
	// point 2's (1) rank 1 -> 0; point 3's (0) rank 3 -> 2. T = 1 - 5·2/(4·1·(8-3-1)) = 0.375.
	x := []float64{0, 1, 3, 7}
	y := []float64{0, 10, 11, 1}
	got, err := Trustworthiness(x, 1, y, 1, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-0.375) > 1e-12 {
		t.Errorf("trustworthiness = %v, want 0.375", got)
	}
}

func TestTrustworthinessMatchesScikitLearn(t *testing.T) {
	// Values printed by scikit-learn 1.2.1, sklearn.manifold.trustworthiness(X, Y, n_neighbors=k), for
	// formulaData: X[i][a] = sin(1.7i+0.9a) + 0.3cos(2.3ia+0.5), Y[i][b] = sin(0.37i+1.1b) + 0.1cos(1.9i+b).
	const n, dx, dy = 40, 5, 2
	x, y := formulaData()
	for _, c := range []struct {
		k    int
		want float64
	}{{1, 0.17763157894736847}, {5, 0.44296875}, {10, 0.5033673469387755}} {
		got, err := Trustworthiness(x, dx, y, dy, n, c.k)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-c.want) > 1e-12 {
			t.Errorf("k=%d: trustworthiness %v, scikit-learn %v", c.k, got, c.want)
		}
	}
}

func TestTrustworthinessIdentityAndReference(t *testing.T) {
	const n, d = 120, 5
	x, _ := gaussianClusters(n, d, 3, 2, 7)
	got, err := Trustworthiness(x, d, x, d, n, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got != 1 {
		t.Errorf("identity embedding: trustworthiness = %v, want 1", got)
	}
	// Random 2-d projection and a random embedding against the brute-force reference.
	rng := rand.New(rand.NewPCG(3, 4))
	proj := make([]float64, n*2)
	random := make([]float64, n*2)
	for i := 0; i < n; i++ {
		for a := 0; a < 2; a++ {
			for b := 0; b < d; b++ {
				proj[i*2+a] += x[i*d+b] * float64((a+b)%3-1)
			}
			random[i*2+a] = rng.NormFloat64()
		}
	}
	for _, c := range []struct {
		name string
		y    []float64
		k    int
	}{{"projection k=10", proj, 10}, {"projection k=3", proj, 3}, {"random k=10", random, 10}} {
		got, err := Trustworthiness(x, d, c.y, 2, n, c.k)
		if err != nil {
			t.Fatal(err)
		}
		want := refTrustworthiness(x, d, c.y, 2, n, c.k)
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s: trustworthiness = %v, reference %v", c.name, got, want)
		}
		if c.name == "random k=10" && got > 0.7 {
			t.Errorf("random embedding scored %v, expected near 0.5", got)
		}
	}
}

func TestTrustworthinessWithTiedDistances(t *testing.T) {
	// Points on a small integer grid far from the origin: many input distances tie exactly and the Gram
	// formula's rounding is large against them, so every comparison goes through the exact path.
	const n, d = 90, 4
	rng := rand.New(rand.NewPCG(8, 9))
	x := make([]float64, n*d)
	y := make([]float64, n*2)
	for i := range x {
		x[i] = 1e6 + float64(rng.IntN(3))
	}
	for i := range y {
		y[i] = float64(rng.IntN(4))
	}
	for _, k := range []int{1, 5, 20} {
		got, err := Trustworthiness(x, d, y, 2, n, k)
		if err != nil {
			t.Fatal(err)
		}
		if want := refTrustworthiness(x, d, y, 2, n, k); math.Abs(got-want) > 1e-12 {
			t.Errorf("k=%d: trustworthiness = %v, reference %v", k, got, want)
		}
	}
}

func TestTrustworthinessErrors(t *testing.T) {
	x := make([]float64, 20)
	for _, c := range []struct {
		name string
		x, y []float64
		n, k int
		want string
	}{
		{"k too large", x, x, 10, 5, "k = 5"},
		{"k zero", x, x, 10, 0, "k = 0"},
		{"short x", x[:19], x, 10, 2, "len(x) = 19"},
		{"short y", x, x[:18], 10, 2, "len(y) = 18"},
		{"NaN", append(append([]float64{}, x[:19]...), math.NaN()), x, 10, 2, "x[9][1] = NaN"},
	} {
		_, err := Trustworthiness(c.x, 2, c.y, 2, c.n, c.k)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
