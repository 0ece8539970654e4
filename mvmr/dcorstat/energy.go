package dcorstat

import (
	"fmt"
	"math"
)

// EnergyDistance is the energy distance between the distributions of samples x and y (the same
// dimension, any numbers of observations), dcor's energy_distance:
//
//	2 mean_ij |x_i − y_j| − mean_ij |x_i − x_j| − mean_ij |y_i − y_j|
//
// with every mean over all pairs, the diagonal's zeros included. It is 0 for equal samples and
// grows as the distributions differ.
func EnergyDistance(x, y Sample) (float64, error) {
	if err := x.Check(); err != nil {
		return 0, fmt.Errorf("x: %w", err)
	}
	if err := y.Check(); err != nil {
		return 0, fmt.Errorf("y: %w", err)
	}
	if x.D != y.D {
		return 0, fmt.Errorf("dcorstat: x has dimension %d and y %d; expected the same", x.D, y.D)
	}
	return 2*meanCrossDistance(x, y) - meanCrossDistance(x, x) - meanCrossDistance(y, y), nil
}

// meanCrossDistance is the mean of |x_i − y_j| over all i, j.
func meanCrossDistance(x, y Sample) float64 {
	d := x.D
	var total float64
	for i := range x.N {
		xi := x.Data[i*d : (i+1)*d]
		for j := range y.N {
			var sum float64
			for k, v := range y.Data[j*d : (j+1)*d] {
				diff := xi[k] - v
				sum += diff * diff
			}
			total += math.Sqrt(sum)
		}
	}
	return total / float64(x.N*y.N)
}
