package dcorstat

import "math"

// DCov2 is the squared distance covariance of x and y (the same number of observations, at
// least e.MinN()) with estimator e: dcor's distance_covariance_sqr (Biased) or
// u_distance_covariance_sqr (Unbiased).
func DCov2(x, y Sample, e Estimator) (float64, error) {
	a, b, err := centrePair(x, y, e)
	if err != nil {
		return 0, err
	}
	return a.Product(b), nil
}

// DCor2 is the squared distance correlation dCov²(x, y) / sqrt(dVar²(x) dVar²(y)) with
// estimator e (0 when x or y is constant): dcor's distance_correlation_sqr (Biased, in [0, 1])
// or u_distance_correlation_sqr (Unbiased, the bias-corrected dCor², in [−1, 1]).
func DCor2(x, y Sample, e Estimator) (float64, error) {
	a, b, err := centrePair(x, y, e)
	if err != nil {
		return 0, err
	}
	return a.Correlation(b), nil
}

// DCor is the distance correlation with exact distances, the square root of the biased DCor2:
// the loss's formula (mvmr.DistanceCorrelation) without its clamp of the squared distances.
func DCor(x, y Sample) (float64, error) {
	r2, err := DCor2(x, y, Biased)
	return math.Sqrt(max(r2, 0)), err
}

// centrePair checks x and y and centres both for e.
func centrePair(x, y Sample, e Estimator) (Centred, Centred, error) {
	if err := checkPair(x, y, e.MinN()); err != nil {
		return Centred{}, Centred{}, err
	}
	return CentreDistances(Distances(x), x.N, e), CentreDistances(Distances(y), y.N, e), nil
}
