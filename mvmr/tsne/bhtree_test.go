package tsne

import (
	"math"
	"math/rand/v2"
	"testing"
)

// relErr is ‖a−b‖/‖b‖.
func relErr(a, b []float64) float64 {
	var num, den float64
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

func TestBarnesHutGradientApproachesExact(t *testing.T) {
	const n, d = 300, 6
	x, _ := gaussianClusters(n, d, 4, 4, 21)
	P := denseAffinities(x, n, d, 20)
	idx, dist := nearestNeighbours(x, n, d, n-1)
	sp := sparseAffinities(idx, dist, n, n-1, 20)
	for _, dims := range []int{1, 2, 3} {
		rng := rand.New(rand.NewPCG(uint64(dims), 8))
		y := make([]float64, n*dims)
		for i := range y {
			y[i] = 5 * rng.NormFloat64()
		}
		// A duplicated point exercises leaves holding several points.
		copy(y[3*dims:4*dims], y[7*dims:8*dims])
		exact := make([]float64, n*dims)
		klExact := exactGradient(P, y, n, dims, 4, exact, true)
		tree := &spTree{}
		prev := math.Inf(1)
		for _, theta := range []float64{0.5, 0.2, 0.05, 1e-9} {
			bh := make([]float64, n*dims)
			kl := bhGradient(tree, sp, y, n, dims, theta, 4, bh, true)
			e := relErr(bh, exact)
			t.Logf("dims %d θ=%g: relative gradient error %.2e, KL %v vs exact %v", dims, theta, e, kl, klExact)
			if theta == 0.5 && e > 0.05 {
				t.Errorf("dims %d θ=0.5: relative gradient error %v > 5%%", dims, e)
			}
			if e > prev*1.01+1e-15 {
				t.Errorf("dims %d: error grew from %v to %v as θ shrank to %v", dims, prev, e, theta)
			}
			prev = e
			if theta == 1e-9 && (e > 1e-12 || math.Abs(kl-klExact) > 1e-12) {
				t.Errorf("dims %d θ→0: error %v, KL %v vs %v; want exact", dims, e, kl, klExact)
			}
			if math.Abs(kl-klExact) > 0.02*klExact {
				t.Errorf("dims %d θ=%g: KL estimate %v, exact %v", dims, theta, kl, klExact)
			}
		}
	}
}

func TestTreeCountsAndCentresOfMass(t *testing.T) {
	const n, dims = 500, 2
	rng := rand.New(rand.NewPCG(2, 3))
	y := make([]float64, n*dims)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	var tr spTree
	tr.build(y, n, dims)
	// Every node's count equals the points below it and its centre of mass is their mean; the leaves
	// partition the points.
	seen := make([]int, n)
	var walk func(node int32) (cnt int, s [dims]float64)
	walk = func(node int32) (cnt int, s [dims]float64) {
		nd := tr.nodes[node]
		if nd.childCount == 0 {
			for r := nd.pointStart; r < nd.pointEnd; r++ {
				p := tr.perm[r]
				seen[p]++
				cnt++
				for a := 0; a < dims; a++ {
					s[a] += y[int(p)*dims+a]
					if tr.ys[int(r)*dims+a] != y[int(p)*dims+a] {
						t.Fatalf("ys out of step with perm at %d", r)
					}
				}
			}
		} else {
			for c := nd.childStart; c < nd.childStart+nd.childCount; c++ {
				cc, cs := walk(c)
				cnt += cc
				for a := range s {
					s[a] += cs[a]
				}
			}
		}
		if int(nd.count) != cnt {
			t.Fatalf("node %d: count %v, points below %d", node, nd.count, cnt)
		}
		for a := 0; a < dims; a++ {
			if math.Abs(nd.com[a]-s[a]/float64(cnt)) > 1e-12 {
				t.Fatalf("node %d: centre of mass differs", node)
			}
		}
		return cnt, s
	}
	walk(0)
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("point %d is in %d leaves", i, c)
		}
	}
}
