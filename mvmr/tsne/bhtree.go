package tsne

import "math"

// maxTreeDepth stops subdividing cells of identical (or nearly identical) points; such leaves hold several
// points and are visited point by point.
const maxTreeDepth = 48

// treeNode is one cell of the space-partitioning tree.
type treeNode struct {
	com        [MaxBarnesHutDims]float64 // centre of mass (first dims entries)
	width2     float64                   // squared full width of the (cubic) cell
	count      float64                   // points in the cell
	childStart int32                     // children are nodes childStart … childStart+childCount-1
	childCount int32                     // 0 for a leaf
	pointStart int32                     // a leaf's points are perm[pointStart:pointEnd]
	pointEnd   int32
}

// spTree is a space-partitioning tree over the embedding (a quadtree for dims = 2, an octree for 3; van der
// Maaten 2014). Every cell is a cube; its non-empty children are contiguous in nodes. Points are kept in tree
// order in perm, with their coordinates copied in that order to ys for locality.
type spTree struct {
	dims    int
	y       []float64
	nodes   []treeNode
	perm    []int32
	ys      []float64 // ys[r*dims:] = y[perm[r]*dims:]
	scratch []int32
	codes   []uint8
}

// build (re)builds the tree over the n×dims row-major y, reusing the arrays of a previous build.
func (t *spTree) build(y []float64, n, dims int) {
	t.dims, t.y = dims, y
	t.nodes = t.nodes[:0]
	if cap(t.perm) < n || len(t.ys) != n*dims {
		t.perm, t.scratch, t.codes = make([]int32, n), make([]int32, n), make([]uint8, n)
		t.ys = make([]float64, n*dims)
	}
	t.perm, t.scratch, t.codes = t.perm[:n], t.scratch[:n], t.codes[:n]
	for i := range t.perm {
		t.perm[i] = int32(i)
	}
	var center [MaxBarnesHutDims]float64
	var half float64
	for a := 0; a < dims; a++ {
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := 0; i < n; i++ {
			lo, hi = min(lo, y[i*dims+a]), max(hi, y[i*dims+a])
		}
		center[a] = (lo + hi) / 2
		half = max(half, (hi-lo)/2)
	}
	half = half*(1+1e-6) + 1e-12
	t.nodes = append(t.nodes, treeNode{})
	t.subdivide(0, 0, int32(n), center, half, 0)
	for r, p := range t.perm {
		copy(t.ys[r*dims:(r+1)*dims], y[int(p)*dims:int(p+1)*dims])
	}
}

// subdivide fills node with the points perm[lo:hi], lying in the cube of the given centre and half-width.
func (t *spTree) subdivide(node, lo, hi int32, center [MaxBarnesHutDims]float64, half float64, depth int) {
	dims := t.dims
	var com [MaxBarnesHutDims]float64
	for _, p := range t.perm[lo:hi] {
		for a := 0; a < dims; a++ {
			com[a] += t.y[int(p)*dims+a]
		}
	}
	inv := 1 / float64(hi-lo)
	for a := range com {
		com[a] *= inv
	}
	nd := &t.nodes[node]
	nd.com, nd.count, nd.width2 = com, float64(hi-lo), 4*half*half
	if hi-lo == 1 || depth >= maxTreeDepth {
		nd.pointStart, nd.pointEnd = lo, hi
		return
	}
	// Counting sort of the points by child cell.
	nChild := 1 << dims
	var bucket [1 << MaxBarnesHutDims]int32
	for _, p := range t.perm[lo:hi] {
		var code uint8
		for a := 0; a < dims; a++ {
			if t.y[int(p)*dims+a] > center[a] {
				code |= 1 << a
			}
		}
		t.codes[p] = code
		bucket[code]++
	}
	var offs [1<<MaxBarnesHutDims + 1]int32
	offs[0] = lo
	for c := 0; c < nChild; c++ {
		offs[c+1] = offs[c] + bucket[c]
	}
	fill := offs
	for _, p := range t.perm[lo:hi] {
		c := t.codes[p]
		t.scratch[fill[c]] = p
		fill[c]++
	}
	copy(t.perm[lo:hi], t.scratch[lo:hi])
	// Children first (contiguous), then recurse.
	first := int32(len(t.nodes))
	var made int32
	for c := 0; c < nChild; c++ {
		if bucket[c] > 0 {
			t.nodes = append(t.nodes, treeNode{})
			made++
		}
	}
	t.nodes[node].childStart, t.nodes[node].childCount = first, made
	child := first
	for c := 0; c < nChild; c++ {
		if bucket[c] == 0 {
			continue
		}
		childCenter := center
		for a := 0; a < dims; a++ {
			if c&(1<<a) != 0 {
				childCenter[a] += half / 2
			} else {
				childCenter[a] -= half / 2
			}
		}
		t.subdivide(child, offs[c], offs[c+1], childCenter, half/2, depth+1)
		child++
	}
}

// repulsion accumulates, for point i, Σ_j q̃_ij² (y_i − y_j) into neg and returns Σ_{j≠i} q̃_ij, with
// q̃_ij = (1+‖y_i−y_j‖²)⁻¹ and a cell summarised by its centre of mass when width² < θ²·dist² (the full cell
// width, as scikit-learn and openTSNE; bhtsne uses the half-width). stack is scratch space.
func (t *spTree) repulsion(i int, theta2 float64, neg []float64, stack []int32) (sumQ float64, _ []int32) {
	dims := t.dims
	yi := t.y[i*dims : (i+1)*dims]
	clear(neg)
	stack = append(stack[:0], 0)
	for len(stack) > 0 {
		nd := &t.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if nd.childCount == 0 {
			for r := nd.pointStart; r < nd.pointEnd; r++ {
				if int(t.perm[r]) == i {
					continue
				}
				yp := t.ys[int(r)*dims : int(r+1)*dims]
				q := 1 / (1 + sqDist(yi, yp))
				sumQ += q
				q2 := q * q
				for a := range neg {
					neg[a] += q2 * (yi[a] - yp[a])
				}
			}
			continue
		}
		com := nd.com[:dims]
		d2 := sqDist(yi, com)
		if nd.width2 < theta2*d2 {
			q := 1 / (1 + d2)
			nq := nd.count * q
			sumQ += nq
			nq2 := nq * q
			for a := range neg {
				neg[a] += nq2 * (yi[a] - com[a])
			}
			continue
		}
		for c := nd.childStart + nd.childCount - 1; c >= nd.childStart; c-- {
			stack = append(stack, c)
		}
	}
	return sumQ, stack
}

// repulsion2 is repulsion specialised to two dimensions (the hot loop of a 2-d embedding).
func (t *spTree) repulsion2(i int, theta2 float64, neg []float64, stack []int32) (sumQ float64, _ []int32) {
	yx, yy := t.y[2*i], t.y[2*i+1]
	var nx, ny float64
	stack = append(stack[:0], 0)
	for len(stack) > 0 {
		nd := &t.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if nd.childCount == 0 {
			for r := nd.pointStart; r < nd.pointEnd; r++ {
				if int(t.perm[r]) == i {
					continue
				}
				dx, dy := yx-t.ys[2*r], yy-t.ys[2*r+1]
				q := 1 / (1 + dx*dx + dy*dy)
				sumQ += q
				q2 := q * q
				nx += q2 * dx
				ny += q2 * dy
			}
			continue
		}
		dx, dy := yx-nd.com[0], yy-nd.com[1]
		d2 := dx*dx + dy*dy
		if nd.width2 < theta2*d2 {
			q := 1 / (1 + d2)
			nq := nd.count * q
			sumQ += nq
			nq2 := nq * q
			nx += nq2 * dx
			ny += nq2 * dy
			continue
		}
		for c := nd.childStart + nd.childCount - 1; c >= nd.childStart; c-- {
			stack = append(stack, c)
		}
	}
	neg[0], neg[1] = nx, ny
	return sumQ, stack
}

// bhGradient computes the Barnes–Hut approximation of the t-SNE gradient (see exactGradient) for the sparse
// P; with wantKL it also returns the estimate Σ p_ij log(p_ij/q_ij) over the non-zero p_ij, q_ij using the
// tree's estimate of Z.
func bhGradient(t *spTree, P *csr, y []float64, n, dims int, theta, exag float64, grad []float64, wantKL bool) (kl float64) {
	t.build(y, n, dims)
	rowZ := make([]float64, n)
	theta2 := theta * theta
	parallelFor(n, func(lo, hi int) {
		var stack []int32
		for r := lo; r < hi; r++ {
			i := int(t.perm[r]) // tree order: consecutive points walk similar cells
			if dims == 2 {
				rowZ[i], stack = t.repulsion2(i, theta2, grad[i*2:i*2+2], stack)
			} else {
				rowZ[i], stack = t.repulsion(i, theta2, grad[i*dims:(i+1)*dims], stack)
			}
		}
	})
	z := sum(rowZ)
	rowKL := rowZ
	if dims == 2 {
		parallelFor(n, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				rowKL[i] = attraction2(P, y, i, z, exag, grad, wantKL)
			}
		})
		if wantKL {
			return sum(rowKL)
		}
		return 0
	}
	parallelFor(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			yi := y[i*dims : (i+1)*dims]
			g := grad[i*dims : (i+1)*dims]
			for a := range g {
				g[a] *= -1 / z // repulsion, normalised
			}
			var rkl float64
			for e := P.rowPtr[i]; e < P.rowPtr[i+1]; e++ {
				j := P.col[e]
				yj := y[j*dims : (j+1)*dims]
				num := 1 / (1 + sqDist(yi, yj))
				p := P.val[e]
				mult := exag * p * num
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

// attraction2 finishes the two-dimensional gradient of point i: it normalises the repulsion already in grad
// by Z, adds the attractive forces of row i of P, and returns row i's KL term when wantKL is set.
func attraction2(P *csr, y []float64, i int, z, exag float64, grad []float64, wantKL bool) (kl float64) {
	yx, yy := y[2*i], y[2*i+1]
	var ax, ay float64
	for e := P.rowPtr[i]; e < P.rowPtr[i+1]; e++ {
		j := P.col[e]
		dx, dy := yx-y[2*j], yy-y[2*j+1]
		num := 1 / (1 + dx*dx + dy*dy)
		p := P.val[e]
		m := p * num
		ax += m * dx
		ay += m * dy
		if wantKL && p > 0 {
			kl += p * math.Log(p*z/num)
		}
	}
	grad[2*i] = 4 * (exag*ax - grad[2*i]/z)
	grad[2*i+1] = 4 * (exag*ay - grad[2*i+1]/z)
	return kl
}
