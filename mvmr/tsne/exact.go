package tsne

import "math"

// exactGradient computes the exact t-SNE gradient of KL(exag·P ‖ Q) for the n×dims row-major embedding y,
// with P dense n×n:
//
//	∂C/∂y_i = 4 Σ_j (exag·p_ij − q_ij) (1+‖y_i−y_j‖²)⁻¹ (y_i − y_j),  q_ij = (1+‖y_i−y_j‖²)⁻¹ / Z.
//
// When wantKL is set it also returns KL(P‖Q) for the unexaggerated P (terms with p_ij = 0 contribute 0).
func exactGradient(P, y []float64, n, dims int, exag float64, grad []float64, wantKL bool) (kl float64) {
	rowZ := make([]float64, n)
	parallelFor(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			yi := y[i*dims : (i+1)*dims]
			var s float64
			for j := 0; j < n; j++ {
				if j != i {
					s += 1 / (1 + sqDist(yi, y[j*dims:(j+1)*dims]))
				}
			}
			rowZ[i] = s
		}
	})
	z := sum(rowZ)
	rowKL := rowZ // reused: one slot per row
	parallelFor(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			yi := y[i*dims : (i+1)*dims]
			g := grad[i*dims : (i+1)*dims]
			clear(g)
			var rkl float64
			for j := 0; j < n; j++ {
				if j == i {
					continue
				}
				yj := y[j*dims : (j+1)*dims]
				num := 1 / (1 + sqDist(yi, yj))
				p := P[i*n+j]
				mult := (exag*p - num/z) * num
				for a := range g {
					g[a] += mult * (yi[a] - yj[a])
				}
				if wantKL && p > 0 {
					rkl += p * math.Log(p*z/num)
				}
			}
			for a := range g {
				g[a] *= 4
			}
			rowKL[i] = rkl
		}
	})
	if wantKL {
		return sum(rowKL)
	}
	return 0
}
