package testutil

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
)

// TestReferenceLocalStdClosedForms checks the reference on images whose local std is known: a
// constant image (std 0, so sqrt(epsilon)) and a 3×3 image whose rows are all [0 1 2], with a
// 3×3 window: the window of column x holds three copies of the reflected columns {1 0 1},
// {0 1 2} or {1 2 1}.
func TestReferenceLocalStdClosedForms(t *testing.T) {
	const eps = 1e-4
	constant := NewMatrix(1, 4*5)
	for i := range constant.Data {
		constant.Data[i] = 0.7
	}
	for i, v := range ReferenceLocalStd(constant, 1, 4, 5, 3, eps).Data {
		if math.Abs(v-math.Sqrt(eps)) > 1e-12 {
			t.Fatalf("constant image: std[%d] = %g, want sqrt(eps) = %g", i, v, math.Sqrt(eps))
		}
	}
	rows := Matrix{Rows: 1, Cols: 9, Data: []float64{0, 1, 2, 0, 1, 2, 0, 1, 2}}
	variance := func(a, b, c float64) float64 {
		m := (a + b + c) / 3
		return ((a-m)*(a-m) + (b-m)*(b-m) + (c-m)*(c-m)) / 3
	}
	want := []float64{math.Sqrt(variance(1, 0, 1) + eps), math.Sqrt(variance(0, 1, 2) + eps), math.Sqrt(variance(1, 2, 1) + eps)}
	got := ReferenceLocalStd(rows, 1, 3, 3, 3, eps).Data
	for i, v := range got {
		if math.Abs(v-want[i%3]) > 1e-12 {
			t.Errorf("rows [0 1 2]: std[%d] = %g, want %g", i, v, want[i%3])
		}
	}
}

// TestMatrixRoundTrip checks that TensorOf, Call1 and Flat64 carry a matrix through a graph
// unchanged (float64) or rounded to float32, and At reads row-major.
func TestMatrixRoundTrip(t *testing.T) {
	m := RandomMatrix(rand.New(rand.NewPCG(1, 2)), 3, 4)
	if m.At(2, 1) != m.Data[2*4+1] {
		t.Fatalf("At(2, 1) = %g, Data[9] = %g", m.At(2, 1), m.Data[9])
	}
	for _, dtype := range []dtypes.DType{dtypes.Float64, dtypes.Float32} {
		out := Flat64(t, Call1(t, Backend(t), func(in []*Node) *Node { return MulScalar(in[0], 2) }, TensorOf(m, dtype)))
		for i, v := range m.Data {
			if RelDiff(out[i], 2*v) > 1e-6 {
				t.Fatalf("%s: 2·m[%d] = %g, want %g", dtype, i, out[i], 2*v)
			}
		}
	}
	if s := ScalarOf(t, Call1(t, Backend(t), func(in []*Node) *Node { return ReduceAllSum(in[0]) }, TensorOf(m, dtypes.Float64))); RelDiff(s, sum(m.Data)) > 1e-12 {
		t.Errorf("sum = %g, want %g", s, sum(m.Data))
	}
}

func sum(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s
}
