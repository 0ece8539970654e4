// Package testutil holds what the tests of mvmr, mvmr/nn and mvmr/reps share: one backend per
// test binary, the embedded MNIST digits, a dense float64 matrix for the plain-Go references the
// numerical code is checked against, and small tensor helpers. It imports none of those packages,
// so that their in-package tests can import it.
package testutil

import (
	"math"
	"os"
	"sync"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	_ "github.com/gomlx/compute/gobackend"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// DefaultBackendConfig is the backend of Backend when $GOMLX_BACKEND is not set: the pure-Go
// backend with an unlimited worker pool (mvmr.DefaultBackendConfig, which a bounded pool can
// deadlock against).
const DefaultBackendConfig = "go:parallelism=-1"

var (
	backendOnce sync.Once
	backend     compute.Backend
	backendErr  error
)

// Backend returns the backend shared by the tests of a binary: $GOMLX_BACKEND when set,
// DefaultBackendConfig otherwise.
func Backend(t testing.TB) compute.Backend {
	t.Helper()
	return SharedBackend(t, func() (compute.Backend, error) {
		config := os.Getenv(compute.ConfigEnvVar)
		if config == "" {
			config = DefaultBackendConfig
		}
		return compute.NewWithConfig(config)
	})
}

// SharedBackend returns the backend shared by the tests of a binary, made by newBackend the first
// time any test asks (mvmr's tests pass mvmr.NewBackend, which also picks an installed XLA
// plugin in a build with the tag "xla"); it fails the test when that failed.
func SharedBackend(t testing.TB, newBackend func() (compute.Backend, error)) compute.Backend {
	t.Helper()
	backendOnce.Do(func() { backend, backendErr = newBackend() })
	if backendErr != nil {
		t.Fatalf("backend: %v", backendErr)
	}
	return backend
}

var (
	mnistOnce             sync.Once
	mnistTrain, mnistTest *datasets.Dataset
	mnistErr              error
)

// MNIST returns the first n training and m test digits of the MNIST copy embedded in datasets,
// loaded once per test binary.
func MNIST(t testing.TB, n, m int) (train, test *datasets.Dataset) {
	t.Helper()
	mnistOnce.Do(func() { mnistTrain, mnistTest, mnistErr = datasets.LoadMNISTTrainTest() })
	if mnistErr != nil {
		t.Fatal(mnistErr)
	}
	return mnistTrain.Subset(n), mnistTest.Subset(m)
}

// Call1 builds fn into a graph on backend and runs it once on inputs; it returns the first
// output.
func Call1(t testing.TB, backend compute.Backend, fn func(inputs []*Node) *Node, inputs ...any) *tensors.Tensor {
	t.Helper()
	exec, err := NewExec(backend, func(g *Graph, in []*Node) *Node { return fn(in) })
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(inputs...)
	if err != nil {
		t.Fatal(err)
	}
	return out[0]
}

// ScalarOf reads a scalar float tensor as float64.
func ScalarOf(t testing.TB, x *tensors.Tensor) float64 {
	t.Helper()
	switch v := x.Value().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	t.Fatalf("not a float scalar: %s", x.Shape())
	return 0
}

// Flat64 copies a float tensor's data as float64.
func Flat64(t testing.TB, x *tensors.Tensor) []float64 {
	t.Helper()
	switch x.DType() {
	case dtypes.Float64:
		return tensors.MustCopyFlatData[float64](x)
	case dtypes.Float32:
		f := tensors.MustCopyFlatData[float32](x)
		out := make([]float64, len(f))
		for i, v := range f {
			out[i] = float64(v)
		}
		return out
	}
	t.Fatalf("not a float tensor: %s", x.Shape())
	return nil
}

// Flat32 copies the float32 data of a variable's value.
func Flat32(v interface{ MustValue() *tensors.Tensor }) []float32 {
	return tensors.MustCopyFlatData[float32](v.MustValue())
}

// RelDiff is |a − b| / max(|a|, |b|, 1e-12).
func RelDiff(a, b float64) float64 {
	return math.Abs(a-b) / math.Max(math.Max(math.Abs(a), math.Abs(b)), 1e-12)
}

// BenchExec runs exec on inputs once untimed (it compiles there), then b.N timed times, freeing
// the outputs of each run.
func BenchExec(b *testing.B, exec interface {
	Exec(inputs ...any) ([]*tensors.Tensor, error)
}, inputs ...any) {
	b.Helper()
	run := func() {
		out, err := exec.Exec(inputs...)
		if err != nil {
			b.Fatal(err)
		}
		for _, o := range out {
			o.FinalizeAll()
		}
	}
	run()
	b.ResetTimer()
	for range b.N {
		run()
	}
}
