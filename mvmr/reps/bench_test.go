package reps

import (
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// BenchmarkRepresentations measures each registered representation (default parameters) on a
// batch of 64 images of 28×28×1, 32×32×3 and 96×96×3, reporting images/s and images per
// CPU-second of the process (user + system; the figure to compare on a machine that other work
// shares: on an idle machine images/s ≈ cores × images/cpu-s for the host representations).
func BenchmarkRepresentations(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, shape := range [][3]int{{28, 28, 1}, {32, 32, 3}, {96, 96, 3}} {
		const batch = 64
		h, w, c := shape[0], shape[1], shape[2]
		images := testutil.TensorOf(testutil.RandomMatrix(rng, batch, h*w*c), dtypes.Float32)
		for _, name := range Known.Names() {
			rep, err := Known.New(name, nil)
			if err != nil {
				b.Fatal(err)
			}
			if rep.FreshView() { // same computation as its base representation
				continue
			}
			b.Run(fmt.Sprintf("%s/%dx%dx%d", name, h, w, c), func(b *testing.B) {
				var run func()
				if host, ok := rep.Host(); ok {
					pixels := tensors.MustCopyFlatData[float32](images)
					run = func() {
						if _, err := ComputeHostFeatures(host, pixels, batch, h, w, c); err != nil {
							b.Fatal(err)
						}
					}
				} else {
					graphRep, _ := rep.Graph()
					exec, err := NewExec(testutil.Backend(b), func(x *Node) *Node {
						return graphRep.Features(Reshape(x, batch, h, w, c))
					})
					if err != nil {
						b.Fatal(err)
					}
					run = func() {
						out, err := exec.Exec(images)
						if err != nil {
							b.Fatal(err)
						}
						out[0].FinalizeAll()
					}
				}
				run()
				b.ResetTimer()
				cpu := cpuSeconds()
				for range b.N {
					run()
				}
				b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "images/s")
				b.ReportMetric(float64(batch*b.N)/(cpuSeconds()-cpu), "images/cpu-s")
			})
		}
	}
}

// cpuSeconds is the CPU time (user + system) this process has used.
func cpuSeconds() float64 {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return math.NaN()
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano()).Seconds()
}
