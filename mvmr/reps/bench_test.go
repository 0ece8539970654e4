package reps

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// BenchmarkRepresentations measures each registered representation (default parameters) on a
// batch of 64 images of 28×28×1, 32×32×3 and 96×96×3, reporting images/s.
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
				for range b.N {
					run()
				}
				b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "images/s")
			})
		}
	}
}
