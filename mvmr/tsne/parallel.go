package tsne

import (
	"runtime"
	"sync"
)

// parallelChunk is the number of rows one goroutine takes at a time.
const parallelChunk = 64

// parallelFor calls body(lo, hi) on consecutive row ranges covering [0, n) from GOMAXPROCS goroutines.
// body must write only to slots owned by rows lo..hi-1, so results never depend on scheduling.
func parallelFor(n int, body func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers <= 1 || n <= parallelChunk {
		body(0, n)
		return
	}
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo := next
				next += parallelChunk
				mu.Unlock()
				if lo >= n {
					return
				}
				body(lo, min(lo+parallelChunk, n))
			}
		}()
	}
	wg.Wait()
}

// sum adds values in index order (a deterministic reduction of per-row partial results).
func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}
