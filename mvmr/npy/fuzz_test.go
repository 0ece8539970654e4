package npy

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/fuzzseed"
)

// npyBytes is a .npy file of the given shape and values, as Write writes it.
func npyBytes(t testing.TB, data []float64, shape []int, float64s bool) []byte {
	var buf bytes.Buffer
	if err := WriteArray(&buf, data, shape, float64s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzReadArray reads any bytes as a .npy stream through the public readers: no panic, no
// allocation beyond the stream's size (a header claiming 2³¹ elements fails at once), and what
// reads back is the shape's number of values, which write and read back the same.
func FuzzReadArray(f *testing.F) {
	matrix := npyBytes(f, []float64{1, -2.5, 3.25, math.Pi, 0, 1e-7}, []int{2, 3}, false)
	huge := bytes.Replace(npyBytes(f, []float64{1, 2}, []int{2}, true), []byte("(2,)"), []byte("(2147483647,)"), 1)
	v2 := append([]byte("\x93NUMPY\x02\x00\x40\x00\x00\x00"), []byte("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }"+strings.Repeat(" ", 5)+"\n")...)
	v2 = append(v2, 0, 0, 0x80, 0x3f)
	fuzzseed.Add(f,
		fuzzseed.Seed{Name: "float32_matrix", Values: []any{matrix}},
		fuzzseed.Seed{Name: "float64_vector", Values: []any{npyBytes(f, []float64{1, math.NaN(), math.Inf(-1)}, []int{3}, true)}},
		fuzzseed.Seed{Name: "float32_rank4", Values: []any{npyBytes(f, make([]float64, 2*3*2*2), []int{2, 3, 2, 2}, false)}},
		fuzzseed.Seed{Name: "scalar", Values: []any{npyBytes(f, []float64{7}, nil, true)}},
		fuzzseed.Seed{Name: "header_claims_2e9_elements", Values: []any{huge}},
		fuzzseed.Seed{Name: "version2", Values: []any{v2}},
		fuzzseed.Seed{Name: "truncated", Values: []any{matrix[:len(matrix)-3]}},
		fuzzseed.Seed{Name: "fortran", Values: []any{bytes.Replace(matrix, []byte("False"), []byte("True "), 1)}},
	)
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := ReadArray(bytes.NewReader(raw))
		m, merr := Read(bytes.NewReader(raw))
		if err != nil {
			if merr == nil {
				t.Fatalf("Read accepts what ReadArray refuses (%v)", err)
			}
			return
		}
		count := 1
		for _, d := range a.Shape {
			count *= d
		}
		if count != len(a.Data) || len(raw) < count*4 {
			t.Fatalf("shape %v holds %d values, read %d from %d bytes", a.Shape, count, len(a.Data), len(raw))
		}
		if (merr == nil) != (len(a.Shape) == 2) || (merr == nil && (m.Rows != a.Shape[0] || m.Cols != a.Shape[1])) {
			t.Fatalf("Read (%v) disagrees with ReadArray's shape %v", merr, a.Shape)
		}
		back, err := ReadArray(bytes.NewReader(npyBytes(t, a.Data, a.Shape, a.DType == "<f8")))
		if err != nil {
			t.Fatalf("what was read does not write and read back: %v", err)
		}
		for i, v := range a.Data {
			if w := back.Data[i]; math.Float64bits(w) != math.Float64bits(v) && !(math.IsNaN(v) && math.IsNaN(w)) {
				t.Fatalf("value %d: %g read back as %g", i, v, w)
			}
		}
	})
}
