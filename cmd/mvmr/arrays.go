package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// readPair reads the two .npy arguments of dcor and loss.
func readPair(fs *flag.FlagSet, what string) (*npy.Matrix, *npy.Matrix, error) {
	if fs.NArg() != 2 {
		return nil, nil, badInput("expected two .npy files (%s), got %d arguments", what, fs.NArg())
	}
	a, err := npy.ReadFile(fs.Arg(0))
	if err != nil {
		return nil, nil, usageError{err}
	}
	b, err := npy.ReadFile(fs.Arg(1))
	if err != nil {
		return nil, nil, usageError{err}
	}
	return a, b, nil
}

func runDCor(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dcor", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr dcor A.npy B.npy\n\nPrints the distance correlation (official formula, float64) between the rows of two (n, d) float32/float64 arrays.")
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
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
	backend, err := mvmr.NewBackend()
	if err != nil {
		return err
	}
	d, err := mvmr.DistanceCorrelationOf(backend, a, b)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%.8f\n", d)
	return nil
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
