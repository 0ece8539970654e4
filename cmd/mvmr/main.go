// Command mvmr trains and evaluates MV-MR self-supervised encoders from the command line.
//
//	mvmr quickstart [flags]      train on the embedded MNIST and compare linear probes
//	mvmr train CONFIG.yaml       one run in a run folder (--set key=value, --out, --resume)
//	mvmr sweep SWEEP.yaml        the runs of a sweep, or one shard of them (--shard i/n)
//	mvmr eval -checkpoint PATH   evaluate a checkpoint with the named protocols
//	mvmr export -checkpoint RUN  the encoder as an ONNX model (-format onnx) or h, z as .npy
//	mvmr report DIR...           merge run and sweep results into one table and figures
//	mvmr notebook NB.ipynb OUT   execute a GoNB notebook headless into one HTML page
//	mvmr data inspect NAME DIR   counts, shape, class histogram and sample grids of a data set
//	mvmr distill -teacher K:PATH distil a teacher into a small student (distill-demo, distill-seeds)
//	mvmr rep NAME IN.npy OUT.npy a representation of (B, C, H, W) images, in the official layout
//	mvmr rep -list               the registered representations and their sizes
//	mvmr dcor A.npy B.npy        distance correlation of two (n, d) arrays (-estimator, -partial C.npy, -test N)
//	mvmr loss ZORIG.npy ZAUG.npy the trainer's mse, std and dcor_zz terms of two embeddings
//	mvmr bench -arch ARCH        time training steps of an encoder on random images
//
// The full list, in the order usage prints it, is the commands table in main.go.
// Bad input (a bad flag, a missing or malformed file) prints one error line and exits with
// status 2; a failure while running exits with status 1.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// usageError marks errors caused by the command line or the input files (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func badInput(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

// commands is every subcommand, in the order usage prints them: the main job first, then a
// run's life (train, sweep, evaluate, report, notebooks), data and distillation, and the
// single-step tools. Each command's run function and flags live in the file named after it.
var commands = []command{
	{"quickstart", "train MV-MR on the embedded MNIST and compare linear probes (raw pixels, random encoder, MV-MR)", runQuickstart},

	{"train", "train one run from a YAML config (official mv-mr configs too): mvmr train CONFIG [--set key=value] [--out DIR] [--resume]", runTrain},
	{"sweep", "run a sweep (representation subsets, L3 mode, seeds, any key): mvmr sweep SWEEP.yaml [--shard i/n] [--list]", runSweep},
	{"eval", "evaluate a checkpoint: mvmr eval -checkpoint PATH -protocol linear,knn,semi1,semi10,tsne (prints a table, writes results)", runEval},
	{"export", "write a trained encoder as an ONNX model, or its h and z of a split as .npy: mvmr export -checkpoint RUN [-format onnx|npy] [-z] OUT", runExport},
	{"report", "merge the results of runs and sweeps (all shards) into one table and figures: mvmr report [--out DIR] RUN_OR_SWEEP_DIR...", runReport},
	{"notebook", "execute a GoNB notebook headless and export it as one HTML page with its figures embedded: mvmr notebook NOTEBOOK.ipynb OUT.html", runNotebook},

	{"data", "inspect a data set: mvmr data inspect NAME DIR [-split S] [-out grid.png] [-policy P] (counts, shape, class histogram, sample grid, augmented views); export it as .npy: mvmr data export NAME [DIR] -out OUT", runData},
	{"distill", "distil a teacher into a small student on the embedded MNIST: mvmr distill -teacher KIND:PATH [-student SPEC]", runDistill},
	{"distill-demo", "train a teacher, distil it into a 1/16-size student (checkpoint and npy teachers), train the student alone, compare linear probes", runDistillDemo},
	{"distill-seeds", "over several seeds, train a student three ways (MV-MR alone, distilled, distilled keeping other representations) from one teacher and tabulate mean ± std", runDistillSeeds},

	{"rep", "compute a representation of (B, C, H, W) .npy images, or list them: mvmr rep NAME IN.npy OUT.npy | mvmr rep -list", runRep},
	{"dcor", "print the distance correlation of two (n, d) .npy arrays (loss formula, exact, bias-corrected, partial, permutation test): mvmr dcor [flags] A.npy B.npy", runDCor},
	{"loss", "print mse, std and dcor_zz of two (n, d) .npy embeddings as the trainer computes them: mvmr loss ZORIG.npy ZAUG.npy", runLoss},
	{"bench", "time training steps of an encoder on random images: mvmr bench -arch resnet18 -batch 128 -size 32", runBench},
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: mvmr COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'mvmr COMMAND -h' for a command's flags. GOMLX_BACKEND selects the compute backend.")
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		var coded interface{ ExitCode() int } // an error with its own exit status (130: interrupted)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &coded):
			fmt.Fprintf(stderr, "mvmr %s: %v\n", c.name, err)
			return coded.ExitCode()
		case errors.As(err, new(usageError)):
			fmt.Fprintf(stderr, "mvmr %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(stderr, "mvmr %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "mvmr: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

// parseFlags parses args with fs, turning flag errors into usage errors. Every command takes its
// flags before or after its positional arguments (mvmr rep hog IN.npy OUT.npy -param nbins=9 is
// mvmr rep -param nbins=9 hog IN.npy OUT.npy), which the flag package alone stops at; "--" ends
// the flags. fs.Args() then holds the positional arguments, in order.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError{err}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if stopped := len(args) - len(rest); stopped > 0 && args[stopped-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Leave the positional arguments in fs.Args(); after "--" nothing is parsed as a flag.
	return fs.Parse(append([]string{"--"}, positional...))
}
