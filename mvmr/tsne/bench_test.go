package tsne

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the user+system CPU time of the process: on a shared machine CPU seconds per operation are a
// steadier figure than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEmbed times a full 1000-iteration embedding of 50-dimensional clustered data with the default
// options (Barnes–Hut θ = 0.5), and the exact gradient at n = 2000. Run with -benchtime=1x; it reports the
// trustworthiness of the result as a metric.
func BenchmarkEmbed(b *testing.B) {
	for _, c := range []struct {
		n     int
		theta float64
	}{{2000, 0.5}, {2000, 0}, {10000, 0.5}} {
		b.Run(fmt.Sprintf("n=%d/theta=%g", c.n, c.theta), func(b *testing.B) {
			const d = 50
			x, _ := planarClusters(c.n, d, 10, 3, 0.3, 1)
			opt := DefaultOptions()
			opt.Theta = c.theta
			b.ResetTimer()
			c0 := cpuTime()
			var res *Result
			for i := 0; i < b.N; i++ {
				var err error
				if res, err = Embed(x, c.n, d, opt); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e9, "cpu-s/op")
			b.ReportMetric(res.KL, "KL")
			if c.n <= 2000 {
				tw, err := Trustworthiness(x, d, res.Y, 2, c.n, 10)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(tw, "trustworthiness")
			}
		})
	}
}

// BenchmarkGradient times one gradient evaluation at n = 10000 (the unit of the optimisation loop).
func BenchmarkGradient(b *testing.B) {
	const n, d = 10000, 50
	x, _ := planarClusters(n, d, 10, 3, 0.3, 1)
	k := 90
	idx, dist := nearestNeighbours(x, n, d, k)
	P := sparseAffinities(idx, dist, n, k, 30)
	y, err := pca(x, n, d, 2)
	if err != nil {
		b.Fatal(err)
	}
	grad := make([]float64, n*2)
	tree := &spTree{}
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		bhGradient(tree, P, y, n, 2, 0.5, 1, grad, false)
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e6, "cpu-ms/op")
}
