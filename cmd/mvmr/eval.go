package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

// checkpointFile is the checkpoint's name in a run folder (mvmr quickstart, mvmr train).
const checkpointFile = "checkpoint.mvmr"

func runEval(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	checkpoint := fs.String("checkpoint", "", "checkpoint file written by Trainer.Save, or a run folder holding checkpoint.mvmr (mvmr quickstart's or mvmr train's)")
	protocols := fs.String("protocol", "linear,knn", "comma-separated protocols: "+strings.Join(mvmr.Protocols, ", "))
	features := fs.String("features", "h", "features for linear, knn and tsne: h (representation) or z (embedding)")
	dataName := fs.String("data", "mnist", "data set the checkpoint was trained on: "+strings.Join(datasets.Names, ", "))
	dataDir := fs.String("dir", "", "folder of the data set's files (empty: the embedded MNIST)")
	seed := fs.Int64("seed", 1, "seed of the probe, the label sampling, fine-tuning and t-SNE")
	semiSteps := fs.Int("semi-steps", mvmr.DefaultSemiSupConfig(0.01).Steps, "fine-tuning steps for semi1/semi10")
	officialSampling := fs.Bool("semi-official-sampling", false, "draw the labelled subset as the official code does (uniform, with replacement) instead of per class without replacement")
	tsnePoints := fs.Int("tsne-n", 2000, "test images embedded by t-SNE")
	trainN := fs.Int("train-n", 0, "use only the first N training images (0: all)")
	testN := fs.Int("test-n", 0, "use only the first N test images (0: all)")
	probeEpochs := fs.Int("probe-epochs", mvmr.DefaultProbeConfig().Epochs, "linear-probe epochs")
	export := fs.Bool("export", false, "also write h, z, labels and indices of the test set as .npy files into -out")
	out := fs.String("out", "mvmr-eval", "output folder: results.json and results.csv (appended), t-SNE figure and coordinates, exports")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr eval -checkpoint PATH [-protocol linear,knn,semi1,semi10,tsne] [flags]\n\n"+
			"Evaluates a trained encoder with the standard SSL protocols on the data set's test split and\n"+
			"prints a table; every result is appended to OUT/results.json and OUT/results.csv.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unexpected arguments %q", fs.Args())
	}
	if *checkpoint == "" {
		return badInput("-checkpoint is required (a file written by Trainer.Save, such as mvmr-quickstart/checkpoint.mvmr)")
	}
	info, err := os.Stat(*checkpoint)
	if err != nil {
		return badInput("-checkpoint: %v", err)
	}
	if info.IsDir() {
		*checkpoint = filepath.Join(*checkpoint, checkpointFile)
		if _, err := os.Stat(*checkpoint); err != nil {
			return badInput("-checkpoint: the folder holds no %s: %v", checkpointFile, err)
		}
	}
	var list []string
	for p := range strings.SplitSeq(*protocols, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(mvmr.Protocols, p) {
			return badInput("-protocol %q; expected a comma-separated list of %s", p, strings.Join(mvmr.Protocols, ", "))
		}
		list = append(list, p)
	}
	if *features != "h" && *features != "z" {
		return badInput("-features = %q; expected h or z", *features)
	}
	if *trainN < 0 || *testN < 0 {
		return badInput("-train-n = %d, -test-n = %d; expected >= 0", *trainN, *testN)
	}
	if *semiSteps < 1 || *tsnePoints < 30 || *probeEpochs < 1 {
		return badInput("-semi-steps = %d, -tsne-n = %d, -probe-epochs = %d; expected >= 1, >= 30 and >= 1", *semiSteps, *tsnePoints, *probeEpochs)
	}
	train, err := datasets.Open(*dataName, *dataDir, datasets.OpenOptions{Split: datasets.SplitTrain})
	if err != nil {
		return usageError{err}
	}
	test, err := datasets.Open(*dataName, *dataDir, datasets.OpenOptions{Split: datasets.SplitTest})
	if err != nil {
		return usageError{err}
	}
	train, test = train.Subset(*trainN), test.Subset(*testN)
	trainer, err := mvmr.LoadTrainer(*checkpoint, train)
	if err != nil {
		return usageError{err}
	}
	defer trainer.Close()
	fmt.Fprintf(stdout, "mvmr eval: %s (step %d) on %s (%d train / %d test images), backend %s\n",
		*checkpoint, trainer.Step(), *dataName, train.Len(), test.Len(), mvmr.BackendConfig())

	opts := mvmr.DefaultEvalOptions()
	opts.Features, opts.Seed, opts.Checkpoint, opts.Progress = *features, *seed, *checkpoint, stdout
	opts.Semi.Steps = *semiSteps
	opts.Probe.Epochs = *probeEpochs
	if *officialSampling {
		opts.Semi.Sampling = mvmr.SampleOfficial
	}
	opts.TSNEPoints = *tsnePoints
	var results []mvmr.Result
	for _, protocol := range list {
		rs, emb, err := trainer.Evaluate(protocol, test, opts)
		if err != nil {
			return err
		}
		if err := mvmr.AppendResults(filepath.Join(*out, "results.json"), rs...); err != nil {
			return err
		}
		if err := mvmr.AppendResults(filepath.Join(*out, "results.csv"), rs...); err != nil {
			return err
		}
		results = append(results, rs...)
		if emb != nil {
			files, err := saveTSNE(*out, *features, emb, test)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "t-SNE of %d test images: KL %.3f, trustworthiness (k = %d) %.4f; wrote %s\n",
				emb.N, emb.KL, mvmr.TrustworthinessK, emb.Trustworthiness, strings.Join(files, ", "))
		}
	}
	if *export {
		paths, err := trainer.ExportEmbeddings(test, filepath.Join(*out, "export"))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "exported %s\n", strings.Join(paths, ", "))
	}
	fmt.Fprintln(stdout)
	printResults(stdout, results)
	fmt.Fprintf(stdout, "\nresults appended to %s/results.{json,csv}\n", *out)
	return nil
}

// printResults prints the results as a table: accuracies in percent, t-SNE scores as they are.
func printResults(w io.Writer, results []mvmr.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "protocol\tvariant\tfeatures\ttop-1 %\ttop-5 %\tother\tseconds\t")
	for _, r := range results {
		top1, top5 := fmt.Sprintf("%.2f", 100*r.Top1), fmt.Sprintf("%.2f", 100*r.Top5)
		other := ""
		switch r.Protocol {
		case mvmr.ProtocolTSNE:
			top1, top5 = "-", "-"
			other = fmt.Sprintf("KL %.3f, trust %.4f", r.Metrics["kl"], r.Metrics["trustworthiness"])
		case mvmr.ProtocolSemi1, mvmr.ProtocolSemi10:
			other = fmt.Sprintf("%d labelled", int(r.Metrics["labelled"]))
		case mvmr.ProtocolLinear:
			other = fmt.Sprintf("train %.2f %%", 100*r.Metrics["train_top1"])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t\n", r.Protocol, r.Variant, r.Features, top1, top5, other, r.Seconds)
	}
	tw.Flush()
}

// saveTSNE writes the t-SNE figure (PNG and SVG) and its coordinates and labels (.npy) into dir.
func saveTSNE(dir, features string, emb *mvmr.TSNEEmbedding, test *datasets.Dataset) ([]string, error) {
	fig, err := plotting.Embedding2D(emb.Y, emb.Labels, plotting.Embedding2DOptions{ClassNames: test.ClassNames, Method: "t-SNE",
		Title: fmt.Sprintf("t-SNE of %s on %d %s images (trustworthiness %.3f)", features, emb.N, test.Name, emb.Trustworthiness)})
	if err != nil {
		return nil, err
	}
	base := filepath.Join(dir, "tsne_"+features)
	files, err := plotting.SaveAll(fig, base, "png", "svg")
	if err != nil {
		return nil, err
	}
	labels := make([]int64, len(emb.Labels))
	for i, l := range emb.Labels {
		labels[i] = int64(l)
	}
	write := []struct {
		path string
		fn   func(io.Writer) error
	}{
		{base + ".npy", func(w io.Writer) error { return npy.WriteArray(w, emb.Y, []int{emb.N, emb.Dims}, true) }},
		{base + "_labels.npy", func(w io.Writer) error { return npy.WriteInt64Array(w, labels, []int{emb.N}) }},
	}
	for _, f := range write {
		if err := atomicfile.Write(f.path, f.fn); err != nil {
			return nil, err
		}
		files = append(files, f.path)
	}
	return files, nil
}
