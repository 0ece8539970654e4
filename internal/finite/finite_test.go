package finite

import (
	"math"
	"strings"
	"testing"
)

func TestCheckNamesTheFileTheIndexAndTheValue(t *testing.T) {
	if err := Check("ok.npy", []int{2, 2}, []float64{1, 2, 3, -4}); err != nil {
		t.Fatalf("finite values: %v", err)
	}
	for _, tc := range []struct {
		shape []int
		data  []float32
		want  string
	}{
		{[]int{2, 3}, []float32{0, 1, 2, 3, float32(math.NaN()), 5}, "index (1, 1) is NaN"},
		{[]int{2, 1, 2}, []float32{0, 1, 2, float32(math.Inf(-1))}, "index (1, 0, 1) is -Inf"},
		{[]int{3}, []float32{float32(math.Inf(1)), 0, 0}, "index (0,) is +Inf"},
		{[]int{7}, []float32{0, float32(math.NaN())}, "index 1 is NaN"}, // shape does not hold the data
	} {
		err := Check("x.npy", tc.shape, tc.data)
		if err == nil || !strings.Contains(err.Error(), "x.npy") || !strings.Contains(err.Error(), tc.want) ||
			!strings.Contains(err.Error(), "expected a finite number") {
			t.Errorf("%v %v: error %v; want one naming x.npy and %q", tc.shape, tc.data, err, tc.want)
		}
	}
}
