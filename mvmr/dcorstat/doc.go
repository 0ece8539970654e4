// Package dcorstat computes distance-correlation statistics in plain Go on float64 samples: the
// instrument behind the kit's dependence diagnostics, next to (not instead of) the training loss.
//
// The loss (mvmr.DistanceCorrelation) keeps the official formula: squared distances clamped at
// 1e-4 and the biased estimator, differentiable on graph nodes. This package measures:
//
//   - DCov2, DCor2 and DCor with the exact (unclamped) Euclidean distances, as the biased
//     V-statistic (Biased: double-centred distance matrices, (1/n²) Σ A_ij B_ij) or the
//     bias-corrected U-statistic (Unbiased: U-centred matrices, Σ_{i≠j} Ã_ij B̃_ij / (n(n−3)),
//     Székely & Rizzo 2014), whose dCor² can be negative and is near 0 for independent samples;
//   - PartialDCor, the partial distance correlation pdCor(x, y; z) of Székely & Rizzo (2014):
//     the correlation of the U-centred distance matrices of x and y after projecting out z's;
//   - IndependenceTest and PartialTest, permutation tests with a seeded p-value
//     (1 + #{permuted statistic ≥ observed}) / (1 + N);
//   - EnergyDistance, 2E|X−Y| − E|X−X'| − E|Y−Y'| over all pairs.
//
// The values match those published by the Python dcor package (distance_covariance_sqr,
// u_distance_covariance_sqr, partial_distance_correlation, energy_distance), checked in the
// tests. The Centred type lets a caller centre a sample's distances once and reuse them, as the
// training monitor does. Usage:
//
//	x := dcorstat.Sample{N: n, D: dx, Data: xs} // row-major n×dx
//	y := dcorstat.Sample{N: n, D: dy, Data: ys}
//	r2, err := dcorstat.DCor2(x, y, dcorstat.Unbiased)
//	test, err := dcorstat.IndependenceTest(x, y, dcorstat.Unbiased, 199, 1)
//	fmt.Printf("u-dCor² = %.4f, p = %.3f\n", test.Estimate, test.PValue)
package dcorstat
