package tsne

import (
	"math"
	"math/rand/v2"
	"sort"
)

// gaussianClusters returns n points in d dimensions from c isotropic unit Gaussians whose centres are
// sep·N(0, I) apart, row-major, with their cluster labels.
func gaussianClusters(n, d, c int, sep float64, seed uint64) ([]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	centres := make([]float64, c*d)
	for i := range centres {
		centres[i] = sep * rng.NormFloat64()
	}
	x := make([]float64, n*d)
	labels := make([]int, n)
	for i := 0; i < n; i++ {
		labels[i] = i % c
		for a := 0; a < d; a++ {
			x[i*d+a] = centres[labels[i]*d+a] + rng.NormFloat64()
		}
	}
	return x, labels
}

// refRanks returns, for point i, the input rank (1 = nearest) of every other point by a full stable sort of
// the float64 distances (ties by index): an independent reference for the neighbour code.
func refRanks(x []float64, n, d, i int) []int {
	order := make([]int, 0, n-1)
	dist := make([]float64, n)
	for j := 0; j < n; j++ {
		var s float64
		for a := 0; a < d; a++ {
			diff := x[i*d+a] - x[j*d+a]
			s += diff * diff
		}
		dist[j] = math.Sqrt(s)
		if j != i {
			order = append(order, j)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return dist[order[a]] < dist[order[b]] })
	rank := make([]int, n)
	for r, j := range order {
		rank[j] = r + 1
	}
	return rank
}

// refKL is KL(P‖Q) computed directly from its definition with a dense P and the Student-t Q of y.
func refKL(P, y []float64, n, dims int) float64 {
	num := make([]float64, n*n)
	var z float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i == j {
				continue
			}
			var s float64
			for a := 0; a < dims; a++ {
				diff := y[i*dims+a] - y[j*dims+a]
				s += diff * diff
			}
			num[i*n+j] = 1 / (1 + s)
			z += num[i*n+j]
		}
	}
	var kl float64
	for i := 0; i < n*n; i++ {
		if P[i] > 0 {
			kl += P[i] * math.Log(P[i]/(num[i]/z))
		}
	}
	return kl
}

// planarClusters returns n points in d dimensions from c clusters, each a two-dimensional unit Gaussian mapped
// into d dimensions by its own random linear map plus isotropic noise of standard deviation noise, with
// centres sep·N(0, I) apart: clusters with a local structure that a 2-d embedding can keep (trustworthiness ≈ 1).
func planarClusters(n, d, c int, sep, noise float64, seed uint64) ([]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 2))
	centres := make([]float64, c*d)
	maps := make([]float64, c*2*d)
	for i := range centres {
		centres[i] = sep * rng.NormFloat64()
	}
	for i := range maps {
		maps[i] = rng.NormFloat64() / math.Sqrt(float64(d)) * 3
	}
	x := make([]float64, n*d)
	labels := make([]int, n)
	for i := 0; i < n; i++ {
		l := i % c
		labels[i] = l
		u, v := rng.NormFloat64(), rng.NormFloat64()
		for a := 0; a < d; a++ {
			x[i*d+a] = centres[l*d+a] + u*maps[(l*2)*d+a] + v*maps[(l*2+1)*d+a] + noise*rng.NormFloat64()
		}
	}
	return x, labels
}

// knnPurity is the fraction of each point's k nearest neighbours in y that share its label.
func knnPurity(y []float64, n, dims, k int, labels []int) float64 {
	idx, _ := nearestNeighbours(y, n, dims, k)
	same := 0
	for i := 0; i < n; i++ {
		for _, j := range idx[i*k : (i+1)*k] {
			if labels[j] == labels[i] {
				same++
			}
		}
	}
	return float64(same) / float64(n*k)
}
