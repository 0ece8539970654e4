package tsne

import "math"

// maxTreeDepth stops subdividing cells of identical (or nearly identical) points; such leaves hold several
// points and are visited point by point.
const maxTreeDepth = 48

// spTree is a space-partitioning tree over the embedding (a quadtree for dims = 2, an octree for 3), stored as
// flat arrays. Every cell is a cube; its non-empty children are contiguous in the node arrays.
type spTree struct {
	dims       int
	y          []float64
	com        []float64 // centre of mass, node*dims
	width2     []float64 // squared full width of the cell
	count      []int32   // points in the cell
	childStart []int32
	childCount []int32 // 0 for a leaf
	pointStart []int32 // leaf points: perm[pointStart:pointEnd]
	pointEnd   []int32
	perm       []int32
	scratch    []int32
	codes      []uint8
}

// build (re)builds the tree over the n×dims row-major y, reusing the arrays of a previous build.
func (t *spTree) build(y []float64, n, dims int) {
	t.dims, t.y = dims, y
	t.com, t.width2 = t.com[:0], t.width2[:0]
	t.count, t.childStart, t.childCount = t.count[:0], t.childStart[:0], t.childCount[:0]
	t.pointStart, t.pointEnd = t.pointStart[:0], t.pointEnd[:0]
	if cap(t.perm) < n {
		t.perm, t.scratch, t.codes = make([]int32, n), make([]int32, n), make([]uint8, n)
	}
	t.perm, t.scratch, t.codes = t.perm[:n], t.scratch[:n], t.codes[:n]
	for i := range t.perm {
		t.perm[i] = int32(i)
	}
	center := make([]float64, dims)
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
	t.newNode()
	t.subdivide(0, 0, int32(n), center, half, 0)
}

// newNode appends an empty node and returns its index.
func (t *spTree) newNode() int32 {
	t.com = append(t.com, make([]float64, t.dims)...)
	t.width2 = append(t.width2, 0)
	t.count = append(t.count, 0)
	t.childStart = append(t.childStart, 0)
	t.childCount = append(t.childCount, 0)
	t.pointStart = append(t.pointStart, 0)
	t.pointEnd = append(t.pointEnd, 0)
	return int32(len(t.count) - 1)
}

// subdivide fills node with the points perm[lo:hi], lying in the cube of the given centre and half-width.
func (t *spTree) subdivide(node, lo, hi int32, center []float64, half float64, depth int) {
	dims := t.dims
	com := t.com[int(node)*dims : int(node+1)*dims]
	for _, p := range t.perm[lo:hi] {
		for a := range com {
			com[a] += t.y[int(p)*dims+a]
		}
	}
	inv := 1 / float64(hi-lo)
	for a := range com {
		com[a] *= inv
	}
	t.count[node] = hi - lo
	t.width2[node] = 4 * half * half
	if hi-lo == 1 || depth >= maxTreeDepth {
		t.pointStart[node], t.pointEnd[node] = lo, hi
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
	first := int32(len(t.count))
	var made int32
	for c := 0; c < nChild; c++ {
		if bucket[c] > 0 {
			t.newNode()
			made++
		}
	}
	t.childStart[node], t.childCount[node] = first, made
	childCenter := make([]float64, dims)
	child := first
	for c := 0; c < nChild; c++ {
		if bucket[c] == 0 {
			continue
		}
		for a := 0; a < dims; a++ {
			if c&(1<<a) != 0 {
				childCenter[a] = center[a] + half/2
			} else {
				childCenter[a] = center[a] - half/2
			}
		}
		t.subdivide(child, offs[c], offs[c+1], childCenter, half/2, depth+1)
		child++
	}
}

// repulsion accumulates, for point i, Σ_j q̃_ij² (y_i − y_j) into neg and returns Σ_{j≠i} q̃_ij, with
// q̃_ij = (1+‖y_i−y_j‖²)⁻¹ and cells summarised by their centre of mass when width²< θ²·dist².
// stack is scratch space.
func (t *spTree) repulsion(i int, theta2 float64, neg []float64, stack []int32) (sumQ float64, _ []int32) {
	dims := t.dims
	yi := t.y[i*dims : (i+1)*dims]
	clear(neg)
	stack = append(stack[:0], 0)
	for len(stack) > 0 {
		node := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if t.childCount[node] == 0 {
			for _, p := range t.perm[t.pointStart[node]:t.pointEnd[node]] {
				if int(p) == i {
					continue
				}
				yp := t.y[int(p)*dims : int(p+1)*dims]
				q := 1 / (1 + sqDist(yi, yp))
				sumQ += q
				q2 := q * q
				for a := range neg {
					neg[a] += q2 * (yi[a] - yp[a])
				}
			}
			continue
		}
		com := t.com[int(node)*dims : int(node+1)*dims]
		d2 := sqDist(yi, com)
		if t.width2[node] < theta2*d2 {
			q := 1 / (1 + d2)
			nq := float64(t.count[node]) * q
			sumQ += nq
			nq2 := nq * q
			for a := range neg {
				neg[a] += nq2 * (yi[a] - com[a])
			}
			continue
		}
		for c := t.childStart[node] + t.childCount[node] - 1; c >= t.childStart[node]; c-- {
			stack = append(stack, c)
		}
	}
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
		for i := lo; i < hi; i++ {
			rowZ[i], stack = t.repulsion(i, theta2, grad[i*dims:(i+1)*dims], stack)
		}
	})
	z := sum(rowZ)
	rowKL := rowZ
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
