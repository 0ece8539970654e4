package tsne

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// trustBlock is the number of rows of input distances Trustworthiness holds at a time.
const trustBlock = 256

// epsilon is the float64 unit round-off.
const epsilon = 0x1p-53

// Trustworthiness measures how well the n×dy embedding y keeps the local structure of the n×dx input x
// (Venna & Kaski 2001; scikit-learn's sklearn.manifold.trustworthiness with the Euclidean metric):
//
//	T(k) = 1 − 2/(n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ U_i} (r(i,j) − k)
//
// where U_i are the k nearest neighbours of i in the embedding that are not among its k nearest in the input,
// and r(i,j) is the rank (1 = nearest) of j among i's input neighbours. T is 1 when every embedding neighbour
// is an input neighbour. Distance ties are broken by the smaller index. It needs 1 ≤ k < n/2; the usual k is 10.
// Cost: O(n²(dx + dy + k)) time (the dx part as matrix products), O(n·256) memory.
func Trustworthiness(x []float64, dx int, y []float64, dy int, n, k int) (float64, error) {
	switch {
	case n < 3:
		return 0, fmt.Errorf("tsne: trustworthiness of n = %d points, need at least 3", n)
	case dx < 1 || dy < 1:
		return 0, fmt.Errorf("tsne: trustworthiness with dx = %d, dy = %d, need both >= 1", dx, dy)
	case len(x) != n*dx:
		return 0, fmt.Errorf("tsne: trustworthiness: len(x) = %d, expected n*dx = %d*%d = %d", len(x), n, dx, n*dx)
	case len(y) != n*dy:
		return 0, fmt.Errorf("tsne: trustworthiness: len(y) = %d, expected n*dy = %d*%d = %d", len(y), n, dy, n*dy)
	case k < 1 || 2*k >= n:
		return 0, fmt.Errorf("tsne: trustworthiness: k = %d, need 1 <= k < n/2 = %g", k, float64(n)/2)
	}
	if err := checkFinite(x, dx, "x"); err != nil {
		return 0, err
	}
	if err := checkFinite(y, dy, "y"); err != nil {
		return 0, err
	}
	nbrY, _ := nearestNeighbours(y, n, dy, k)
	penalty := make([]float64, n)
	X := mat.NewDense(n, dx, x)
	norms := make([]float64, n)
	for i := range norms {
		for _, v := range x[i*dx : (i+1)*dx] {
			norms[i] += v * v
		}
	}
	// Input distances come in blocks of rows from the Gram matrix, ‖a‖²+‖b‖²−2a·b (one matrix product per
	// block); a comparison closer than that formula's rounding bound is redone with the exact difference, so
	// the ranks are those of exact float64 distances.
	tol := 8 * float64(dx+2) * epsilon
	buf := make([]float64, trustBlock*n)
	for r0 := 0; r0 < n; r0 += trustBlock {
		r1 := min(n, r0+trustBlock)
		gram := mat.NewDense(r1-r0, n, buf[:(r1-r0)*n])
		gram.Mul(X.Slice(r0, r1, 0, dx), X.T())
		parallelFor(r1-r0, func(lo, hi int) {
			for b := lo; b < hi; b++ {
				i := r0 + b
				xi := x[i*dx : (i+1)*dx]
				g := buf[b*n : (b+1)*n]
				var pen int
				for _, j := range nbrY[i*k : (i+1)*k] {
					// Rank of j among i's input neighbours: 1 + points (other than i) strictly before it.
					dj := neighbour{sqDist(xi, x[j*dx:(j+1)*dx]), j}
					rank := 1
					for l, gl := range g {
						if l == i || l == j {
							continue
						}
						approx := norms[i] + norms[l] - 2*gl
						bound := tol * (norms[i] + norms[l])
						if approx < dj.dist-bound || (approx <= dj.dist+bound &&
							(neighbour{sqDist(xi, x[l*dx:(l+1)*dx]), l}).less(dj)) {
							rank++
						}
					}
					if rank > k {
						pen += rank - k
					}
				}
				penalty[i] = float64(pen)
			}
		})
	}
	nf, kf := float64(n), float64(k)
	return 1 - sum(penalty)*2/(nf*kf*(2*nf-3*kf-1)), nil
}
