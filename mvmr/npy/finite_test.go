package npy

import (
	"math"
	"testing"
)

func TestCheckFiniteNamesFileRowAndColumn(t *testing.T) {
	m := &Matrix{Rows: 3, Cols: 2, Data: []float64{0, 1, 2, 3, 4, 5}}
	if err := m.CheckFinite("a.npy"); err != nil {
		t.Errorf("finite matrix: %v", err)
	}
	for _, tc := range []struct {
		bad  float64
		at   int
		want string
	}{
		{math.NaN(), 3, "npy: a.npy: row 1, column 1 is NaN; expected finite values"},
		{math.Inf(1), 4, "npy: a.npy: row 2, column 0 is +Inf; expected finite values"},
		{math.Inf(-1), 0, "npy: a.npy: row 0, column 0 is -Inf; expected finite values"},
	} {
		data := []float64{0, 1, 2, 3, 4, 5}
		data[tc.at] = tc.bad
		err := (&Matrix{Rows: 3, Cols: 2, Data: data}).CheckFinite("a.npy")
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v at %d: error %v; want %q", tc.bad, tc.at, err, tc.want)
		}
	}
}
