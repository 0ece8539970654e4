package reps

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// graphHOG runs HOGRepresentation.GraphFeatures on n NHWC float32 images.
func graphHOG(t testing.TB, r HOGRepresentation, images []float32, n, h, w, c int) []float32 {
	t.Helper()
	exec, err := NewExec(testutil.Backend(t), func(x *Node) *Node { return r.GraphFeatures(Reshape(x, n, h, w, c)) })
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(images, len(images)))
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float32](out[0])
}

// normalisedMNIST returns the first n MNIST training digits, normalised as training sees them.
func normalisedMNIST(t testing.TB, n int) []float32 {
	train, _ := testutil.MNIST(t, n, 0)
	out := make([]float32, len(train.Images))
	for i, p := range train.Images {
		out[i] = (float32(p)/255 - float32(train.Mean[0])) / float32(train.Std[0])
	}
	return out
}

// TestHOGGraphMatchesHost compares the graph HOG with the host HOG (both modes) on real MNIST
// digits (many axis-aligned and diagonal gradients, i.e. bin positions exactly on a boundary)
// and on random images at the official sizes: every feature agrees within float32 summation
// rounding of the pooled votes.
func TestHOGGraphMatchesHost(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	type input struct {
		name                    string
		images                  []float32
		n, h, w, c, nbins, pool int
	}
	inputs := []input{{name: "mnist", images: normalisedMNIST(t, 16), n: 16, h: 28, w: 28, c: 1, nbins: 24, pool: 8}}
	for _, s := range [][3]int{{28, 28, 1}, {32, 32, 3}, {96, 96, 3}} {
		n := 4
		images := make([]float32, n*s[0]*s[1]*s[2])
		for i := range images {
			images[i] = float32(rng.NormFloat64())
		}
		inputs = append(inputs, input{fmt.Sprintf("random%dx%dx%d", s[0], s[1], s[2]), images, n, s[0], s[1], s[2], 24, 8})
	}
	inputs = append(inputs, input{"random30x30x2/nbins9/pool4", inputs[3].images[:2*30*30*2], 2, 30, 30, 2, 9, 4})
	for _, in := range inputs {
		for _, mode := range []string{HOGOfficial, HOGInterpolated} {
			t.Run(in.name+"/"+mode, func(t *testing.T) {
				r := HOGRepresentation{Bins: in.nbins, Pool: in.pool, Mode: mode}
				want := hostFeatures(t, r, in.images, in.n, in.h, in.w, in.c)
				got := graphHOG(t, r, in.images, in.n, in.h, in.w, in.c)
				if len(got) != len(want) {
					t.Fatalf("graph HOG has %d features, host %d", len(got), len(want))
				}
				var scale float64
				for _, v := range want {
					scale = math.Max(scale, math.Abs(float64(v)))
				}
				differ := 0
				var worst float64
				for i := range want {
					d := math.Abs(float64(got[i]) - float64(want[i]))
					worst = math.Max(worst, d)
					if d > 1e-5*scale {
						differ++
					}
				}
				t.Logf("%d features, largest |host| %.3g, largest |graph − host| %.3g, %d beyond 1e-5 of it", len(want), scale, worst, differ)
				if differ > 0 {
					t.Errorf("%d of %d features differ by more than 1e-5·%.3g (worst %.3g)", differ, len(want), scale, worst)
				}
			})
		}
	}
}

// BenchmarkHOGHostVsGraph measures the default HOG (nbins 24, pool 8, official mode) on a batch
// of 64 images of 96×96×3 on the host (all cores, as the trainer does) and in the graph on the
// test backend, side by side, in images/s.
func BenchmarkHOGHostVsGraph(b *testing.B) {
	const batch, h, w, c = 64, 96, 96, 3
	rng := rand.New(rand.NewPCG(7, 8))
	images := make([]float32, batch*h*w*c)
	for i := range images {
		images[i] = float32(rng.NormFloat64())
	}
	r := HOGRepresentation{Bins: 24, Pool: 8, Mode: HOGOfficial}
	b.Run("host", func(b *testing.B) {
		for range b.N {
			if _, err := ComputeHostFeatures(r, images, batch, h, w, c); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "images/s")
	})
	b.Run("graph", func(b *testing.B) {
		exec, err := NewExec(testutil.Backend(b), func(x *Node) *Node { return r.GraphFeatures(x) })
		if err != nil {
			b.Fatal(err)
		}
		input := tensors.FromFlatDataAndDimensions(images, batch, h, w, c)
		run := func() {
			out, err := exec.Exec(input)
			if err != nil {
				b.Fatal(err)
			}
			out[0].FinalizeAll()
		}
		run() // compile outside the timing
		b.ResetTimer()
		for range b.N {
			run()
		}
		b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "images/s")
	})
}
