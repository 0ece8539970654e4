package dcorstat

import (
	"fmt"
	"math"
)

// PartialDCor is the partial distance correlation pdCor(x, y; z) of Székely & Rizzo (2014),
// dcor's partial_distance_correlation: with R*(·,·) the bias-corrected dCor² (DCor2, Unbiased),
//
//	pdCor = (R*(x,y) − R*(x,z) R*(y,z)) / sqrt((1 − R*(x,z)²)(1 − R*(y,z)²)),
//
// 0 when the denominator is 0. It is the cosine between the U-centred distance matrices of x and
// y after projecting out z's (Partial), in [−1, 1]; about 0 when x and y are independent given z.
// It needs at least 4 observations.
func PartialDCor(x, y, z Sample) (float64, error) {
	a, b, c, err := centreTriple(x, y, z)
	if err != nil {
		return 0, err
	}
	return Partial(a, b, c), nil
}

// Partial is PartialDCor of three U-centred matrices.
func Partial(a, b, c Centred) float64 {
	rab, rac, rbc := a.Correlation(b), a.Correlation(c), b.Correlation(c)
	den := (1 - rac*rac) * (1 - rbc*rbc)
	if den <= 0 {
		return 0
	}
	return (rab - rac*rbc) / math.Sqrt(den)
}

// Project returns a's projection onto the orthogonal complement of c in the Hilbert space of
// U-centred matrices, P = A − (A·C)/(C·C) C (A itself when c is constant): the part of x's
// distances that z's do not explain. The partial distance covariance is Project(a, c) ·
// Project(b, c).
func Project(a, c Centred) Centred {
	cc := c.Product(c)
	if cc <= 0 {
		return a
	}
	k := a.Product(c) / cc
	out := make([]float64, len(a.M))
	for i, v := range a.M {
		out[i] = v - k*c.M[i]
	}
	return Centred{N: a.N, Estimator: a.Estimator, M: out}
}

// centreTriple checks x, y and z and U-centres them.
func centreTriple(x, y, z Sample) (Centred, Centred, Centred, error) {
	if err := checkPair(x, y, Unbiased.MinN()); err != nil {
		return Centred{}, Centred{}, Centred{}, err
	}
	if err := z.Check(); err != nil {
		return Centred{}, Centred{}, Centred{}, fmt.Errorf("z: %w", err)
	}
	if z.N != x.N {
		return Centred{}, Centred{}, Centred{}, fmt.Errorf("dcorstat: x has %d observations and z %d; expected the same number", x.N, z.N)
	}
	a := CentreDistances(Distances(x), x.N, Unbiased)
	b := CentreDistances(Distances(y), y.N, Unbiased)
	c := CentreDistances(Distances(z), z.N, Unbiased)
	return a, b, c, nil
}
