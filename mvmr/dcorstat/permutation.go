package dcorstat

import (
	"fmt"
	"math/rand/v2"
)

// Test is the outcome of a permutation test.
type Test struct {
	// Estimate is the observed statistic: dCor² of the test's estimator (IndependenceTest) or
	// pdCor (PartialTest).
	Estimate float64
	// PValue is (1 + #{permutations whose statistic ≥ the observed one}) / (1 + Permutations).
	PValue float64
	// Permutations is the number of permutations drawn.
	Permutations int
}

// PermutationStream is the PCG stream of the permutations: permutation k (from 0) of a test with
// seed s is the k-th rand.New(rand.NewPCG(s, PermutationStream)).Perm(n).
const PermutationStream = 0xdc0e

// IndependenceTest tests the independence of x and y by permutations: the statistic is dCov²
// with estimator e, recomputed with y's observations reordered by each of permutations seeded
// permutations (the dVar² do not change, so it orders the samples as dCor² does); Estimate is
// dCor².
func IndependenceTest(x, y Sample, e Estimator, permutations int, seed uint64) (Test, error) {
	a, b, err := centrePair(x, y, e)
	if err != nil {
		return Test{}, err
	}
	return TestCentred(a, b, permutations, seed)
}

// TestCentred is IndependenceTest on centred matrices (the same estimator and size).
func TestCentred(a, b Centred, permutations int, seed uint64) (Test, error) {
	if err := checkCentred(a, b); err != nil {
		return Test{}, err
	}
	p, err := permutationPValue(b, a, permutations, seed)
	if err != nil {
		return Test{}, err
	}
	return Test{Estimate: a.Correlation(b), PValue: p, Permutations: permutations}, nil
}

// PartialTest tests whether x and y are independent given z, as the energy package's
// pdcor.test: the statistic is the partial distance covariance Project(A, C) · Project(B, C)
// (U-centred), recomputed with x's projection reordered by each permutation; Estimate is
// PartialDCor.
//
// pdCor = 0 is not conditional independence, and permuting the projection makes this test
// approximate: for x = z + e1, y = z + e2 with small independent noise it gives p = 0.01 for one
// seed of three at n = 30, 60 and 120 (TestPartialTestIsApproximate). Read a small p-value as "the part of y's distances that z's do
// not explain follows x's", not as a proof that x and y are dependent given z.
func PartialTest(x, y, z Sample, permutations int, seed uint64) (Test, error) {
	a, b, c, err := centreTriple(x, y, z)
	if err != nil {
		return Test{}, err
	}
	return PartialTestCentred(a, b, c, permutations, seed)
}

// PartialTestCentred is PartialTest on U-centred matrices of the same size.
func PartialTestCentred(a, b, c Centred, permutations int, seed uint64) (Test, error) {
	for _, m := range []Centred{a, b, c} {
		if m.Estimator != Unbiased {
			return Test{}, fmt.Errorf("dcorstat: partial dCor needs U-centred matrices; got %s", m.Estimator)
		}
		if err := checkCentred(a, m); err != nil {
			return Test{}, err
		}
	}
	p, err := permutationPValue(Project(a, c), Project(b, c), permutations, seed)
	if err != nil {
		return Test{}, err
	}
	return Test{Estimate: Partial(a, b, c), PValue: p, Permutations: permutations}, nil
}

// permutationPValue is the p-value of the statistic permuted · b against permutations seeded
// reorderings of permuted.
func permutationPValue(permuted, b Centred, permutations int, seed uint64) (float64, error) {
	if permutations < 1 {
		return 0, fmt.Errorf("dcorstat: %d permutations; expected at least 1", permutations)
	}
	n := permuted.N
	identity := make([]int, n)
	for i := range identity {
		identity[i] = i
	}
	// The observed statistic is summed in the same order as the permuted ones, so a permutation
	// that is the identity ties exactly.
	observed := permuted.permutedProduct(b, identity)
	rng := rand.New(rand.NewPCG(seed, PermutationStream))
	atLeast := 0
	for range permutations {
		if permuted.permutedProduct(b, rng.Perm(n)) >= observed {
			atLeast++
		}
	}
	return float64(1+atLeast) / float64(1+permutations), nil
}
