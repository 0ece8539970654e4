package npy

import (
	"fmt"
	"math"
)

// CheckFinite returns an error naming path, the row and the column (from 0) of the first NaN or
// infinite value of m, or nil when every value is finite. Reading does not check it: a NaN is a
// valid float, but no statistic of the kit means anything on it.
func (m *Matrix) CheckFinite(path string) error {
	for i, v := range m.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("npy: %s: row %d, column %d is %v; expected finite values", path, i/m.Cols, i%m.Cols, v)
		}
	}
	return nil
}
