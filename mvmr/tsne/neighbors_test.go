package tsne

import "testing"

func TestNearestNeighboursMatchFullSort(t *testing.T) {
	const n, d, k = 200, 7, 12
	x, _ := gaussianClusters(n, d, 4, 3, 11)
	// Duplicate a point to exercise tie-breaking by index.
	copy(x[5*d:6*d], x[9*d:10*d])
	idx, dist := nearestNeighbours(x, n, d, k)
	for i := 0; i < n; i++ {
		rank := refRanks(x, n, d, i)
		for r := 0; r < k; r++ {
			j := idx[i*k+r]
			if rank[j] != r+1 {
				t.Fatalf("point %d: neighbour %d is %d with reference rank %d", i, r+1, j, rank[j])
			}
			if want := sqDist(x[i*d:(i+1)*d], x[j*d:(j+1)*d]); dist[i*k+r] != want {
				t.Fatalf("point %d: distance %v, want %v", i, dist[i*k+r], want)
			}
		}
	}
}
