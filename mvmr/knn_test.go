package mvmr

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// knnReference is a plain float64 kNN: every pair's cosine, a full sort, exp(sim/T) votes.
func knnReference(train, test Features, k int, temperature float64) (top1, top5 float64) {
	norm := func(f Features, i int) []float64 {
		row := make([]float64, f.Dim)
		var s float64
		for j := range f.Dim {
			row[j] = float64(f.Data[i*f.Dim+j])
			s += row[j] * row[j]
		}
		for j := range row {
			row[j] /= math.Sqrt(s)
		}
		return row
	}
	trainRows := make([][]float64, train.N)
	for i := range train.N {
		trainRows[i] = norm(train, i)
	}
	var hit1, hit5 int
	for i := range test.N {
		q := norm(test, i)
		type pair struct {
			sim float64
			idx int
		}
		pairs := make([]pair, train.N)
		for t, row := range trainRows {
			var dot float64
			for j := range q {
				dot += q[j] * row[j]
			}
			pairs[t] = pair{dot, t}
		}
		sort.SliceStable(pairs, func(a, b int) bool { return pairs[a].sim > pairs[b].sim })
		votes := make([]float64, train.NumClasses)
		for _, p := range pairs[:k] {
			votes[train.Labels[p.idx]] += math.Exp(p.sim / temperature)
		}
		order := make([]int, len(votes))
		for c := range order {
			order[c] = c
		}
		sort.SliceStable(order, func(a, b int) bool { return votes[order[a]] > votes[order[b]] })
		pos := slices.Index(order, int(test.Labels[i]))
		if pos < 1 {
			hit1++
		}
		if pos < 5 {
			hit5++
		}
	}
	return float64(hit1) / float64(test.N), float64(hit5) / float64(test.N)
}

func TestKNNMatchesReferenceAndSeparatesClasses(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	// Means on distinct axes, no offset: cosine similarity sees the class direction.
	draw := func(n int) Features {
		f := gaussianClasses(rng, n, 16, 10, 3)
		for i := range f.Data {
			f.Data[i] = (f.Data[i] - 100) / 50
		}
		return f
	}
	train, test := draw(2000), draw(500)
	config := DefaultKNNConfig()
	config.Ks = []int{1, 20, 200}
	config.QueryBlock = 96 // not a divisor of 500: the last block is partial
	results, err := KNN(testBackend(t), train, test, config, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range config.Ks {
		want1, want5 := knnReference(train, test, k, config.Temperature)
		// float32 similarities may swap near-ties with the float64 reference: allow 2 rows.
		if math.Abs(results[i].Top1-want1) > 2.0/500 || math.Abs(results[i].Top5-want5) > 2.0/500 {
			t.Errorf("k=%d: top-1 %.4f top-5 %.4f; float64 reference %.4f %.4f", k, results[i].Top1, results[i].Top5, want1, want5)
		}
	}
	// Separation 3 on unit-variance noise in 16 dims: the class axis dominates the direction.
	if results[1].Top1 < 0.85 || results[1].Top5 < 0.99 {
		t.Errorf("k=20 on separable classes: top-1 %.3f top-5 %.3f; expected >= 0.85 and >= 0.99", results[1].Top1, results[1].Top5)
	}
}

func TestKNNRandomLabelsNearChance(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	results, err := KNN(testBackend(t), randomLabelled(rng, 2000, 8), randomLabelled(rng, 2000, 8), DefaultKNNConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		// Chance is 0.10 / 0.50; 2000 rows give a standard error of 0.007 / 0.011.
		if math.Abs(r.Top1-0.1) > 0.035 || math.Abs(r.Top5-0.5) > 0.05 {
			t.Errorf("k=%d on random labels: top-1 %.3f top-5 %.3f; expected about 0.10 and 0.50", r.K, r.Top1, r.Top5)
		}
	}
}

func TestKNNRejectsBadInput(t *testing.T) {
	f := Features{N: 4, Dim: 2, NumClasses: 2, Data: make([]float32, 8), Labels: []int32{0, 1, 0, 1}}
	config := DefaultKNNConfig()
	if _, err := KNN(testBackend(t), f, f, config, nil); err == nil {
		t.Error("k = 200 > 4 training rows was accepted")
	}
	config.Ks = []int{2}
	config.Temperature = 0
	if _, err := KNN(testBackend(t), f, f, config, nil); err == nil {
		t.Error("temperature 0 was accepted")
	}
}

func TestTopKIndicesAndVoteRank(t *testing.T) {
	got := topKIndices([]float32{0.1, 0.9, 0.5, 0.9, -1, 0.7}, 3)
	want := []neighbour{{1, 0.9}, {3, 0.9}, {5, 0.7}}
	if !slices.Equal(got, want) {
		t.Errorf("topKIndices = %v; want %v", got, want)
	}
	votes := []float64{2, 5, 2, 0}
	for label, rank := range []int{1, 0, 2, 3} {
		if r := voteRank(votes, label); r != rank {
			t.Errorf("voteRank(%v, %d) = %d; want %d", votes, label, r, rank)
		}
	}
}

func BenchmarkKNN10kx60k(b *testing.B) {
	for _, dim := range []int{128, 2048} {
		b.Run(map[int]string{128: "dim128", 2048: "dim2048"}[dim], func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			random := func(n int) Features {
				f := Features{N: n, Dim: dim, NumClasses: 10, Data: make([]float32, n*dim), Labels: make([]int32, n)}
				for i := range f.Data {
					f.Data[i] = float32(rng.NormFloat64())
				}
				for i := range f.Labels {
					f.Labels[i] = int32(i % 10)
				}
				return f
			}
			train, test := random(60000), random(10000)
			backend := testBackend(b)
			b.ResetTimer()
			for range b.N {
				if _, err := KNN(backend, train, test, DefaultKNNConfig(), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A grid of k and T (solo-learn's offline kNN) gives one result per (k, T), k-major, each equal
// to the brute-force float64 weighted kNN with that k and T; the temperature changes the vote.
func TestKNNGridMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	train, test := randomLabelled(rng, 90, 6), randomLabelled(rng, 40, 6)
	config := DefaultKNNConfig()
	config.Ks = []int{1, 10, 40}
	config.Temperatures = []float64{0.02, 0.5, 5}
	config.QueryBlock = 16
	results, err := KNN(testBackend(t), train, test, config, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(config.Ks)*len(config.Temperatures) {
		t.Fatalf("%d results; want one per (k, T): %d", len(results), len(config.Ks)*len(config.Temperatures))
	}
	differs := false
	for ki, k := range config.Ks {
		for ti, temp := range config.Temperatures {
			r := results[ki*len(config.Temperatures)+ti]
			want1, want5 := knnReference(train, test, k, temp)
			if r.K != k || r.Temperature != temp || r.Top1 != want1 || r.Top5 != want5 {
				t.Errorf("result %d: k=%d T=%g top-1 %.4f top-5 %.4f; brute force k=%d T=%g: %.4f %.4f",
					ki*len(config.Temperatures)+ti, r.K, r.Temperature, r.Top1, r.Top5, k, temp, want1, want5)
			}
			if r.Top1 != results[ki*len(config.Temperatures)].Top1 || r.Top5 != results[ki*len(config.Temperatures)].Top5 {
				differs = true
			}
		}
	}
	if !differs {
		t.Error("every temperature gave the same accuracies: the grid does not exercise T")
	}
	config.Temperatures = []float64{0.1, -1}
	if _, err := KNN(testBackend(t), train, test, config, nil); err == nil {
		t.Error("temperature -1 in the grid was accepted")
	}
}
