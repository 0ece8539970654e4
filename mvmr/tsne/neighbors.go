package tsne

import "container/heap"

// sqDist returns the squared Euclidean distance between two equal-length vectors.
func sqDist(a, b []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := a[i] - b[i]
		d1 := a[i+1] - b[i+1]
		d2 := a[i+2] - b[i+2]
		d3 := a[i+3] - b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// neighbour is a candidate nearest neighbour.
type neighbour struct {
	dist float64 // squared distance
	idx  int
}

// less orders neighbours by distance, ties by index (so results do not depend on the scan order).
func (a neighbour) less(b neighbour) bool {
	return a.dist < b.dist || (a.dist == b.dist && a.idx < b.idx)
}

// maxHeap keeps the k best candidates with the worst on top.
type maxHeap []neighbour

func (h maxHeap) Len() int           { return len(h) }
func (h maxHeap) Less(i, j int) bool { return h[j].less(h[i]) }
func (h maxHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *maxHeap) Push(v any)        { *h = append(*h, v.(neighbour)) }
func (h *maxHeap) Pop() any {
	old := *h
	v := old[len(old)-1]
	*h = old[:len(old)-1]
	return v
}

// nearestNeighbours returns, for each of the n points of the row-major n×d x, its k nearest other points
// (exact, by blocked brute force in parallel) as indices and squared distances, n×k row-major, nearest first.
// Ties are broken by the smaller index.
func nearestNeighbours(x []float64, n, d, k int) (idx []int, dist []float64) {
	idx = make([]int, n*k)
	dist = make([]float64, n*k)
	parallelFor(n, func(lo, hi int) {
		h := make(maxHeap, 0, k+1)
		for i := lo; i < hi; i++ {
			xi := x[i*d : (i+1)*d]
			h = h[:0]
			for j := 0; j < n; j++ {
				if j == i {
					continue
				}
				c := neighbour{sqDist(xi, x[j*d:(j+1)*d]), j}
				if len(h) < k {
					heap.Push(&h, c)
				} else if c.less(h[0]) {
					h[0] = c
					heap.Fix(&h, 0)
				}
			}
			for r := k - 1; r >= 0; r-- {
				c := heap.Pop(&h).(neighbour)
				idx[i*k+r] = c.idx
				dist[i*k+r] = c.dist
			}
		}
	})
	return idx, dist
}
