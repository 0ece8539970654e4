package tsne

import "math"

// exactGradient computes the exact t-SNE gradient of KL(exag·P ‖ Q) for the n×dims row-major embedding y,
// with P dense n×n:
//
//	∂C/∂y_i = 4 Σ_j (exag·p_ij − q_ij) q̃_ij (y_i − y_j),  q̃_ij = (1+‖y_i−y_j‖²)⁻¹,  q_ij = q̃_ij / Z.
//
// One pass over the pairs accumulates the attraction Σ_j p_ij q̃_ij (y_i−y_j), the unnormalised repulsion
// Σ_j q̃_ij² (y_i−y_j) and Z; they are combined once Z is known. When wantKL is set it also returns KL(P‖Q) for
// the unexaggerated P (terms with p_ij = 0 contribute 0).
func exactGradient(P, y []float64, n, dims int, exag float64, grad []float64, wantKL bool) (kl float64) {
	rowZ := make([]float64, n)
	rep := make([]float64, n*dims)
	parallelFor(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if dims == 2 {
				rowZ[i] = exactRow2(P[i*n:(i+1)*n], y, i, grad[2*i:2*i+2], rep[2*i:2*i+2])
				continue
			}
			yi := y[i*dims : (i+1)*dims]
			attr, r := grad[i*dims:(i+1)*dims], rep[i*dims:(i+1)*dims]
			clear(attr)
			var s float64
			for j := 0; j < n; j++ {
				if j == i {
					continue
				}
				yj := y[j*dims : (j+1)*dims]
				num := 1 / (1 + sqDist(yi, yj))
				s += num
				pn, nn := P[i*n+j]*num, num*num
				for a := range attr {
					diff := yi[a] - yj[a]
					attr[a] += pn * diff
					r[a] += nn * diff
				}
			}
			rowZ[i] = s
		}
	})
	z := sum(rowZ)
	for c := range grad {
		grad[c] = 4 * (exag*grad[c] - rep[c]/z)
	}
	if !wantKL {
		return 0
	}
	rowKL := rowZ
	parallelFor(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			yi := y[i*dims : (i+1)*dims]
			var s float64
			for j := 0; j < n; j++ {
				if p := P[i*n+j]; j != i && p > 0 {
					s += p * math.Log(p*z*(1+sqDist(yi, y[j*dims:(j+1)*dims])))
				}
			}
			rowKL[i] = s
		}
	})
	return sum(rowKL)
}

// exactRow2 is the pair loop of exactGradient for point i of a two-dimensional embedding: it writes the
// attraction to attr and the unnormalised repulsion to rep, and returns row i's share of Z.
func exactRow2(Pi, y []float64, i int, attr, rep []float64) (z float64) {
	yx, yy := y[2*i], y[2*i+1]
	var ax, ay, rx, ry float64
	for j, p := range Pi {
		if j == i {
			continue
		}
		dx, dy := yx-y[2*j], yy-y[2*j+1]
		num := 1 / (1 + dx*dx + dy*dy)
		z += num
		pn, nn := p*num, num*num
		ax += pn * dx
		ay += pn * dy
		rx += nn * dx
		ry += nn * dy
	}
	attr[0], attr[1], rep[0], rep[1] = ax, ay, rx, ry
	return z
}
