// Package parallel runs loops on all cores.
package parallel

import (
	"runtime"
	"sync"
)

// For calls fn(i) for i in [0, n) on all cores (GOMAXPROCS goroutines), in contiguous chunks,
// and returns when every call has returned.
func For(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for start := 0; start < n; start += chunk {
		end := min(start+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := start; i < end; i++ {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
