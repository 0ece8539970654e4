package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/dcorstat"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// readPair reads the two .npy arguments of dcor and loss.
func readPair(fs *flag.FlagSet, what string) (*npy.Matrix, *npy.Matrix, error) {
	if fs.NArg() != 2 {
		return nil, nil, badInput("expected two .npy files (%s), got %d arguments", what, fs.NArg())
	}
	a, err := readMatrix(fs.Arg(0))
	if err != nil {
		return nil, nil, err
	}
	b, err := readMatrix(fs.Arg(1))
	if err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

// readMatrix reads a 2-D float .npy file whose values are all finite: a NaN or an infinity is
// an error naming the file, the row and the column.
func readMatrix(path string) (*npy.Matrix, error) {
	m, err := npy.ReadFile(path)
	if err != nil {
		return nil, usageError{err}
	}
	if err := m.CheckFinite(path); err != nil {
		return nil, usageError{err}
	}
	return m, nil
}

// dcorEstimators are the values of dcor's -estimator flag: the loss's formula, then
// dcorstat's estimators.
var dcorEstimators = []string{"official", "biased", "unbiased"}

func runDCor(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dcor", flag.ContinueOnError)
	estimator := fs.String("estimator", "official", "official (the training loss's formula: squared distances clamped at 1e-4, biased; the default), "+
		"biased (exact distances, V-statistic) or unbiased (bias-corrected dCor², U-statistic)")
	partial := fs.String("partial", "", "C.npy: print the partial distance correlation pdCor(A, B; C) (U-centred, Székely & Rizzo 2014) instead")
	permutations := fs.Int("test", 0, "N: also print the p-value of a permutation test of independence (given C with -partial) from N permutations of B's rows")
	seed := fs.Uint64("seed", 1, "seed of the permutations of -test")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr dcor [flags] A.npy B.npy\n\n"+
			"Prints the distance correlation between the rows of two (n, d) float32/float64 arrays, in float64:\n"+
			"  dcor     dCor with the official formula of the training loss (the default, -estimator official)\n"+
			"  dcor     dCor and dcor2 = dCor² with exact distances (-estimator biased)\n"+
			"  u_dcor2  the bias-corrected dCor², about 0 for independent samples, can be negative (-estimator unbiased)\n"+
			"  pdcor    the partial dCor of A and B given C (-partial C.npy)\n"+
			"  p_value  (1 + #{permuted statistic >= observed}) / (1 + N) (-test N)\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !slices.Contains(dcorEstimators, *estimator) {
		return badInput("-estimator %q; expected one of %s", *estimator, strings.Join(dcorEstimators, ", "))
	}
	if *partial != "" && set["estimator"] && *estimator != "unbiased" {
		return badInput("-partial computes the bias-corrected pdCor (U-centred); -estimator %s does not apply (leave it out or set unbiased)", *estimator)
	}
	if set["test"] && *permutations < 1 {
		return badInput("-test %d; expected a number of permutations >= 1", *permutations)
	}
	if *permutations > 0 && *partial == "" && *estimator == "official" {
		return badInput("-test tests the exact estimators; add -estimator biased or -estimator unbiased (the official formula clamps distances and has no test here)")
	}
	a, b, err := readPair(fs, "A.npy B.npy")
	if err != nil {
		return err
	}
	if a.Rows != b.Rows {
		return badInput("%s has %d rows and %s has %d; expected the same number of samples", fs.Arg(0), a.Rows, fs.Arg(1), b.Rows)
	}
	if a.Rows < 2 {
		return badInput("%s has %d rows; expected at least 2 samples", fs.Arg(0), a.Rows)
	}
	if *partial != "" {
		return printPartialDCor(stdout, fs.Arg(0), a, b, *partial, *permutations, *seed)
	}
	if *estimator == "official" {
		backend, err := mvmr.NewBackend()
		if err != nil {
			return err
		}
		d, err := mvmr.DistanceCorrelationOf(backend, a, b)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%-8s %.10f  official: the training loss's formula (squared distances clamped at %g, biased; the default)\n", "dcor", d, mvmr.DistanceClamp)
		return nil
	}
	return printExactDCor(stdout, fs.Arg(0), a, b, dcorstat.Estimators[*estimator], *permutations, *seed)
}

// printExactDCor prints dcorstat's dCor of a and b (read from aPath) with estimator e, and the
// p-value of its permutation test when permutations > 0.
func printExactDCor(stdout io.Writer, aPath string, a, b *npy.Matrix, e dcorstat.Estimator, permutations int, seed uint64) error {
	if a.Rows < e.MinN() {
		return badInput("%s has %d rows; the %s estimator needs at least %d samples", aPath, a.Rows, e, e.MinN())
	}
	x, y := sampleOf(a), sampleOf(b)
	r2, err := dcorstat.DCor2(x, y, e)
	if err != nil {
		return err
	}
	if e == dcorstat.Biased {
		fmt.Fprintf(stdout, "%-8s %.10f  biased: exact distances, V-statistic\n", "dcor", math.Sqrt(max(r2, 0)))
		fmt.Fprintf(stdout, "%-8s %.10f  dcor squared\n", "dcor2", r2)
	} else {
		fmt.Fprintf(stdout, "%-8s %.10f  unbiased: bias-corrected dCor² (U-statistic)\n", "u_dcor2", r2)
	}
	if permutations == 0 {
		return nil
	}
	test, err := dcorstat.IndependenceTest(x, y, e, permutations, seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%-8s %.6f  independence, %d permutations of B's rows (seed %d)\n", "p_value", test.PValue, permutations, seed)
	return nil
}

// printPartialDCor prints pdCor(a, b; c) with c read from cPath, and the p-value of its
// permutation test when permutations > 0.
func printPartialDCor(stdout io.Writer, aPath string, a, b *npy.Matrix, cPath string, permutations int, seed uint64) error {
	c, err := readMatrix(cPath)
	if err != nil {
		return err
	}
	if c.Rows != a.Rows {
		return badInput("%s has %d rows and %s has %d; expected the same number of samples", aPath, a.Rows, cPath, c.Rows)
	}
	if a.Rows < dcorstat.Unbiased.MinN() {
		return badInput("%s has %d rows; partial dCor needs at least %d samples", aPath, a.Rows, dcorstat.Unbiased.MinN())
	}
	x, y, z := sampleOf(a), sampleOf(b), sampleOf(c)
	pd, err := dcorstat.PartialDCor(x, y, z)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%-8s %.10f  partial dCor given %s (U-centred)\n", "pdcor", pd, cPath)
	if permutations == 0 {
		return nil
	}
	test, err := dcorstat.PartialTest(x, y, z, permutations, seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%-8s %.6f  independence given %s, %d permutations (seed %d)\n", "p_value", test.PValue, cPath, permutations, seed)
	return nil
}

// sampleOf views m as a dcorstat.Sample.
func sampleOf(m *npy.Matrix) dcorstat.Sample {
	return dcorstat.Sample{N: m.Rows, D: m.Cols, Data: m.Data}
}

func runLoss(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loss", flag.ContinueOnError)
	config := mvmr.DefaultLossConfig()
	fs.Float64Var(&config.StdMargin, "margin", config.StdMargin, "variance hinge margin (official std_margin)")
	fs.Float64Var(&config.DCorScale, "scale", config.DCorScale, "z is divided by this before dCor (official: 32, the FP16 trick)")
	fs.Float64Var(&config.StdEpsilon, "std-epsilon", config.StdEpsilon, "added to the variance before its square root (official: 0)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr loss [flags] ZORIG.npy ZAUG.npy\n\nPrints the loss terms the trainer computes for embeddings z (original view) and z~ (augmented view):\n"+
			"  mse     = MSE(z, z~)\n  std     = mean(relu(margin - std(z~))) + mean(relu(margin - std(z)))   (std over the batch, n-1)\n"+
			"  dcor_zz = 1 - dCor(z/scale, z~/scale)\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := config.Validate(); err != nil {
		return usageError{err}
	}
	zOrig, zAug, err := readPair(fs, "ZORIG.npy ZAUG.npy")
	if err != nil {
		return err
	}
	if zOrig.Rows != zAug.Rows || zOrig.Cols != zAug.Cols {
		return badInput("%s is (%d, %d) and %s is (%d, %d); expected the same shape",
			fs.Arg(0), zOrig.Rows, zOrig.Cols, fs.Arg(1), zAug.Rows, zAug.Cols)
	}
	if zOrig.Rows < 2 {
		return badInput("%s has %d rows; expected at least 2 samples (std is over the batch)", fs.Arg(0), zOrig.Rows)
	}
	backend, err := mvmr.NewBackend()
	if err != nil {
		return err
	}
	terms, err := mvmr.EmbeddingTermsOf(backend, zOrig, zAug, config)
	if err != nil {
		return err
	}
	for _, name := range []string{mvmr.TermMSE, mvmr.TermStd, mvmr.TermDCorZZ} {
		fmt.Fprintf(stdout, "%-8s %.8f\n", name, terms[name])
	}
	return nil
}
