package tsne

import (
	"math"
	"slices"
)

// calibrate fills p with the conditional distribution p_j ∝ exp(-β·(dist_j - min dist)) over the candidate
// neighbours whose squared distances are dist, with β found by binary search so that the entropy of p is
// log(perplexity) nats within PerplexityTolerance (scikit-learn's _binary_search_perplexity, with the distances
// shifted by their minimum so that the exponentials never all underflow). It returns β and the entropy reached.
func calibrate(dist []float64, perplexity float64, p []float64) (beta, entropy float64) {
	dmin := math.Inf(1)
	for _, v := range dist {
		dmin = min(dmin, v)
	}
	target := math.Log(perplexity)
	beta = 1
	betaMin, betaMax := math.Inf(-1), math.Inf(1)
	for step := 0; step < PerplexitySteps; step++ {
		var sumP float64
		for j, v := range dist {
			p[j] = math.Exp(-(v - dmin) * beta)
			sumP += p[j]
		}
		var sumDP float64
		for j, v := range dist {
			p[j] /= sumP
			sumDP += (v - dmin) * p[j]
		}
		entropy = math.Log(sumP) + beta*sumDP
		diff := entropy - target
		if math.Abs(diff) <= PerplexityTolerance {
			break
		}
		if diff > 0 { // too flat: sharpen
			betaMin = beta
			if math.IsInf(betaMax, 1) {
				beta *= 2
			} else {
				beta = (beta + betaMax) / 2
			}
		} else {
			betaMax = beta
			if math.IsInf(betaMin, -1) {
				beta /= 2
			} else {
				beta = (beta + betaMin) / 2
			}
		}
	}
	return beta, entropy
}

// denseAffinities returns the symmetric joint probabilities P (n×n row-major, zero diagonal, summing to 1)
// of the n×d row-major x, each conditional row calibrated over all other points.
func denseAffinities(x []float64, n, d int, perplexity float64) []float64 {
	cond := make([]float64, n*n)
	parallelFor(n, func(lo, hi int) {
		dist := make([]float64, n-1)
		p := make([]float64, n-1)
		for i := lo; i < hi; i++ {
			xi := x[i*d : (i+1)*d]
			for j, c := 0, 0; j < n; j++ {
				if j != i {
					dist[c] = sqDist(xi, x[j*d:(j+1)*d])
					c++
				}
			}
			calibrate(dist, perplexity, p)
			for j, c := 0, 0; j < n; j++ {
				if j != i {
					cond[i*n+j] = p[c]
					c++
				}
			}
		}
	})
	// Symmetrise in place: P = (P_cond + P_condᵀ)/(2n).
	scale := 1 / (2 * float64(n))
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := (cond[i*n+j] + cond[j*n+i]) * scale
			cond[i*n+j], cond[j*n+i] = v, v
		}
	}
	return cond
}

// csr is a sparse n×n matrix in compressed-row form; each row's columns are increasing.
type csr struct {
	rowPtr []int
	col    []int
	val    []float64
}

// sparseAffinities returns the symmetric joint probabilities P = (P_cond + P_condᵀ)/(2n) where each
// conditional row is calibrated over the k nearest neighbours given as n×k row-major indices and squared
// distances.
func sparseAffinities(nbrIdx []int, nbrDist []float64, n, k int, perplexity float64) *csr {
	cond := make([]float64, n*k)
	parallelFor(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			calibrate(nbrDist[i*k:(i+1)*k], perplexity, cond[i*k:(i+1)*k])
		}
	})
	// Each entry p_{j|i} lands at (i,j) and at (j,i).
	count := make([]int, n+1)
	for i := 0; i < n; i++ {
		count[i] += k
		for _, j := range nbrIdx[i*k : (i+1)*k] {
			count[j]++
		}
	}
	start := make([]int, n+1)
	for i := 0; i < n; i++ {
		start[i+1] = start[i] + count[i]
	}
	type entry struct {
		col int
		val float64
	}
	entries := make([]entry, start[n])
	fill := slices.Clone(start[:n])
	for i := 0; i < n; i++ {
		for r, j := range nbrIdx[i*k : (i+1)*k] {
			v := cond[i*k+r]
			entries[fill[i]] = entry{j, v}
			fill[i]++
			entries[fill[j]] = entry{i, v}
			fill[j]++
		}
	}
	out := &csr{rowPtr: make([]int, n+1)}
	scale := 1 / (2 * float64(n))
	for i := 0; i < n; i++ {
		row := entries[start[i]:start[i+1]]
		slices.SortStableFunc(row, func(a, b entry) int { return a.col - b.col })
		for e := 0; e < len(row); {
			c, v := row[e].col, row[e].val
			for e++; e < len(row) && row[e].col == c; e++ {
				v += row[e].val
			}
			out.col = append(out.col, c)
			out.val = append(out.val, v*scale)
		}
		out.rowPtr[i+1] = len(out.col)
	}
	return out
}
