package nn

import (
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	_ "github.com/gomlx/compute/gobackend"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

var (
	testBackendOnce sync.Once
	testBackendVal  compute.Backend
	testBackendErr  error
)

// testBackend returns one backend shared by the package's tests: $GOMLX_BACKEND when set, the
// pure-Go backend with an unlimited worker pool (mvmr.DefaultBackendConfig) otherwise.
func testBackend(t testing.TB) compute.Backend {
	t.Helper()
	testBackendOnce.Do(func() {
		config := os.Getenv(compute.ConfigEnvVar)
		if config == "" {
			config = "go:parallelism=-1"
		}
		testBackendVal, testBackendErr = compute.NewWithConfig(config)
	})
	if testBackendErr != nil {
		t.Fatalf("backend: %v", testBackendErr)
	}
	return testBackendVal
}

// matrix is a dense row-major float64 matrix used by the plain-Go references in tests.
type matrix struct {
	rows, cols int
	data       []float64
}

func randomMatrix(rng *rand.Rand, rows, cols int) matrix {
	m := matrix{rows: rows, cols: cols, data: make([]float64, rows*cols)}
	for i := range m.data {
		m.data[i] = rng.NormFloat64()
	}
	return m
}

// flat64 copies a float tensor's data as float64.
func flat64(t testing.TB, x *tensors.Tensor) []float64 {
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

func (m matrix) at(i, j int) float64 { return m.data[i*m.cols+j] }

// tensorOf converts m to a [rows, cols] tensor of the given dtype.
func tensorOf(m matrix, dtype dtypes.DType) *tensors.Tensor {
	if dtype == dtypes.Float64 {
		return tensors.FromFlatDataAndDimensions(append([]float64(nil), m.data...), m.rows, m.cols)
	}
	f := make([]float32, len(m.data))
	for i, v := range m.data {
		f[i] = float32(v)
	}
	return tensors.FromFlatDataAndDimensions(f, m.rows, m.cols)
}

// call1 builds and runs fn once on the test backend.
func call1(t testing.TB, fn func(inputs []*Node) *Node, inputs ...any) *tensors.Tensor {
	t.Helper()
	exec, err := NewExec(testBackend(t), func(g *Graph, in []*Node) *Node { return fn(in) })
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(inputs...)
	if err != nil {
		t.Fatal(err)
	}
	return out[0]
}

func flat32(v interface{ MustValue() *tensors.Tensor }) []float32 {
	return tensors.MustCopyFlatData[float32](v.MustValue())
}
