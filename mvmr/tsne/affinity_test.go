package tsne

import (
	"math"
	"testing"
)

func TestCalibrateHitsPerplexity(t *testing.T) {
	const n, d = 300, 10
	x, _ := gaussianClusters(n, d, 3, 4, 5)
	// Scale up so that β must move far from its start of 1 (distances ~ 1e4).
	for i := range x {
		x[i] *= 50
	}
	for _, perp := range []float64{5, 30, 100} {
		dist := make([]float64, n-1)
		p := make([]float64, n-1)
		for _, i := range []int{0, 77, 299} {
			for j, c := 0, 0; j < n; j++ {
				if j != i {
					dist[c] = sqDist(x[i*d:(i+1)*d], x[j*d:(j+1)*d])
					c++
				}
			}
			beta, _ := calibrate(dist, perp, p)
			// Independent check: the Shannon entropy in bits of the returned distribution, and that it is the
			// Gaussian kernel with the returned β.
			var hBits, total float64
			for j, v := range p {
				total += v
				if v > 0 {
					hBits -= v * math.Log2(v)
				}
				if j > 0 {
					want := math.Exp(-beta*(dist[j]-dist[0])) * p[0]
					if math.Abs(v-want) > 1e-12+1e-9*want {
						t.Fatalf("perplexity %v point %d: p[%d] = %v, Gaussian kernel gives %v", perp, i, j, v, want)
					}
				}
			}
			if math.Abs(total-1) > 1e-12 {
				t.Errorf("perplexity %v point %d: Σp = %v", perp, i, total)
			}
			if math.Abs(hBits-math.Log2(perp)) > 2e-5 {
				t.Errorf("perplexity %v point %d: entropy %v bits, want log2(perp) = %v", perp, i, hBits, math.Log2(perp))
			}
		}
	}
}

func TestSparseAffinitiesWithAllNeighboursEqualDense(t *testing.T) {
	const n, d = 60, 4
	x, _ := gaussianClusters(n, d, 3, 3, 9)
	dense := denseAffinities(x, n, d, 10)
	var total float64
	for i := 0; i < n; i++ {
		if dense[i*n+i] != 0 {
			t.Fatalf("P[%d][%d] = %v, want 0", i, i, dense[i*n+i])
		}
		for j := 0; j < n; j++ {
			total += dense[i*n+j]
			if dense[i*n+j] != dense[j*n+i] {
				t.Fatalf("P not symmetric at (%d,%d)", i, j)
			}
		}
	}
	if math.Abs(total-1) > 1e-12 {
		t.Errorf("ΣP = %v, want 1", total)
	}
	idx, dist := nearestNeighbours(x, n, d, n-1)
	sp := sparseAffinities(idx, dist, n, n-1, 10)
	for i := 0; i < n; i++ {
		if got := sp.rowPtr[i+1] - sp.rowPtr[i]; got != n-1 {
			t.Fatalf("row %d has %d entries, want %d", i, got, n-1)
		}
		for e := sp.rowPtr[i]; e < sp.rowPtr[i+1]; e++ {
			if e > sp.rowPtr[i] && sp.col[e] <= sp.col[e-1] {
				t.Fatalf("row %d columns not increasing", i)
			}
			if want := dense[i*n+sp.col[e]]; math.Abs(sp.val[e]-want) > 1e-15 {
				t.Fatalf("P[%d][%d]: sparse %v, dense %v", i, sp.col[e], sp.val[e], want)
			}
		}
	}
	// With few neighbours the sparse P is still symmetric and sums to 1.
	k := 9
	idx, dist = nearestNeighbours(x, n, d, k)
	sp = sparseAffinities(idx, dist, n, k, 3)
	full := make([]float64, n*n)
	total = 0
	for i := 0; i < n; i++ {
		for e := sp.rowPtr[i]; e < sp.rowPtr[i+1]; e++ {
			full[i*n+sp.col[e]] = sp.val[e]
			total += sp.val[e]
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if full[i*n+j] != full[j*n+i] {
				t.Fatalf("sparse P not symmetric at (%d,%d)", i, j)
			}
		}
	}
	if math.Abs(total-1) > 1e-12 {
		t.Errorf("sparse ΣP = %v, want 1", total)
	}
}
