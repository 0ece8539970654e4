// Package finite refuses NaN and Inf in numbers read from a file: the one check every reader of
// arrays, images and teacher tables calls, so that a non-finite input is reported with the file,
// the index and what was expected instead of flowing silently into a loss or a score.
package finite

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Check returns nil when every value of data is finite, else an error naming what (a file, with
// any context), the C-order index of the first non-finite value within shape (the flat index
// when shape does not match len(data)) and the value found.
func Check[T float32 | float64](what string, shape []int, data []T) error {
	if size(shape) != len(data) {
		shape = nil
	}
	for i, v := range data {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%s: value at index %s is %v; expected a finite number (no NaN or Inf)", what, Index(shape, i), f)
		}
	}
	return nil
}

// Index writes flat index i of a C-order array of the given shape as "(a, b, c)", or as "i"
// when shape does not hold i.
func Index(shape []int, i int) string {
	if len(shape) == 0 || i < 0 || i >= size(shape) {
		return strconv.Itoa(i)
	}
	idx := make([]string, len(shape))
	for k := len(shape) - 1; k >= 0; k-- {
		idx[k] = strconv.Itoa(i % shape[k])
		i /= shape[k]
	}
	if len(idx) == 1 {
		return "(" + idx[0] + ",)"
	}
	return "(" + strings.Join(idx, ", ") + ")"
}

// size is the number of values of shape (saturating, so that it never wraps to a small number).
func size(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 || (d > 0 && n > math.MaxInt/d) {
			return -1
		}
		n *= d
	}
	return n
}
