package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
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

// evalFlags are mvmr eval's flags, checked.
type evalFlags struct {
	checkpoint, features, dataName, dataDir, out string
	protocols                                    []string
	seed                                         int64
	semiSteps, tsnePoints, trainN, testN         int
	probeEpochs, knnWhiten                       int
	knnKs                                        []int
	knnTs                                        []float64
	officialSampling, export                     bool
	// officialLinearEpochs, semiOfficialEpochs and officialBatch set the official protocols
	// (linear_official; semi1/semi10 as the official module when semiOfficialEpochs > 0).
	officialLinearEpochs, semiOfficialEpochs, officialBatch int
}

func runEval(args []string, stdout, stderr io.Writer) error {
	f, err := parseEvalFlags(args, stderr)
	if err != nil {
		return err
	}
	trainer, train, test, err := loadEval(f)
	if err != nil {
		return err
	}
	defer trainer.Close()
	fmt.Fprintf(stdout, "mvmr eval: %s (step %d) on %s (%d train / %d test images), backend %s\n",
		f.checkpoint, trainer.Step(), f.dataName, train.Len(), test.Len(), mvmr.BackendConfig())
	results, err := runProtocols(trainer, test, f, stdout)
	if err != nil {
		return err
	}
	return writeEvalOutputs(trainer, test, f, results, stdout)
}

// parseEvalFlags parses and checks mvmr eval's flags; a run folder given as -checkpoint becomes
// the checkpoint file inside it.
func parseEvalFlags(args []string, stderr io.Writer) (evalFlags, error) {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	checkpoint := fs.String("checkpoint", "", "checkpoint file written by Trainer.Save, or a run folder holding checkpoint.mvmr (mvmr quickstart's or mvmr train's)")
	protocols := fs.String("protocol", "linear,knn", "comma-separated protocols: "+strings.Join(mvmr.Protocols, ", "))
	features := fs.String("features", "h", "features for linear, knn and tsne: h (representation) or z (embedding)")
	dataName := fs.String("data", "mnist", "data set the checkpoint was trained on: "+strings.Join(datasets.Names, ", "))
	dataDir := fs.String("dir", "", "folder of the data set's files (empty: the embedded MNIST)")
	seed := fs.Int64("seed", 1, "seed of the probe, the label sampling, fine-tuning and t-SNE")
	semiSteps := fs.Int("semi-steps", mvmr.DefaultSemiSupConfig(0.01).Steps, "fine-tuning steps for semi1/semi10")
	officialSampling := fs.Bool("semi-official-sampling", false, "draw the labelled subset as the official code does (uniform, with replacement) instead of per class without replacement")
	officialLinearEpochs := fs.Int("official-linear-epochs", mvmr.DefaultOfficialLinearConfig().Epochs, "epochs of linear_official (the official --epochs)")
	semiOfficialEpochs := fs.Int("semi-official-epochs", 0, "run semi1/semi10 as the official semi-supervised module for this many epochs (0: the kit's fast fine-tune)")
	officialBatch := fs.Int("official-batch", mvmr.DefaultOfficialLinearConfig().BatchSize, "batch size of linear_official and the official fine-tune (the official config's batch_size)")
	tsnePoints := fs.Int("tsne-n", 2000, "test images embedded by t-SNE")
	trainN := fs.Int("train-n", 0, "use only the first N training images (0: all)")
	testN := fs.Int("test-n", 0, "use only the first N test images (0: all)")
	probeEpochs := fs.Int("probe-epochs", mvmr.DefaultProbeConfig().Epochs, "linear-probe epochs")
	knnK := fs.String("knn-k", strings.ReplaceAll(strings.Trim(fmt.Sprint(mvmr.KNNDefaultKs), "[]"), " ", ","), "knn: comma-separated neighbourhood sizes k")
	knnT := fs.String("knn-t", fmt.Sprint(mvmr.KNNTemperature), "knn: comma-separated temperatures T of the vote weights exp(cos/T); one row per (k, T), as solo-learn's offline kNN")
	knnWhiten := fs.Int("knn-whiten", 0, fmt.Sprintf("knn: PCA-whiten the features to this many principal components first, fitted on the training features without labels (0: raw features, the InstDisc protocol; the quickstart uses %d)", mvmr.KNNWhitenDims))
	export := fs.Bool("export", false, "also write h, z, labels and indices of the test set as .npy files into -out")
	out := fs.String("out", "mvmr-eval", "output folder: results.json and results.csv (appended), t-SNE figure and coordinates, exports")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr eval -checkpoint PATH [-protocol linear,knn,semi1,semi10,tsne] [flags]\n\n"+
			"Evaluates a trained encoder with the standard SSL protocols on the data set's test split and\n"+
			"prints a table; every result is appended to OUT/results.json and OUT/results.csv.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return evalFlags{}, err
	}
	if fs.NArg() > 0 {
		return evalFlags{}, badInput("unexpected arguments %q", fs.Args())
	}
	var err error
	if *checkpoint, err = checkpointPath(*checkpoint); err != nil {
		return evalFlags{}, err
	}
	var list []string
	for p := range strings.SplitSeq(*protocols, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(mvmr.Protocols, p) {
			return evalFlags{}, badInput("-protocol %q; expected a comma-separated list of %s", p, strings.Join(mvmr.Protocols, ", "))
		}
		list = append(list, p)
	}
	if *features != "h" && *features != "z" {
		return evalFlags{}, badInput("-features = %q; expected h or z", *features)
	}
	if *trainN < 0 || *testN < 0 {
		return evalFlags{}, badInput("-train-n = %d, -test-n = %d; expected >= 0", *trainN, *testN)
	}
	if *officialLinearEpochs < 1 || *semiOfficialEpochs < 0 || *officialBatch < 2 {
		return evalFlags{}, badInput("-official-linear-epochs = %d, -semi-official-epochs = %d, -official-batch = %d; expected >= 1, >= 0 and >= 2",
			*officialLinearEpochs, *semiOfficialEpochs, *officialBatch)
	}
	if *semiSteps < 1 || *tsnePoints < 30 || *probeEpochs < 1 {
		return evalFlags{}, badInput("-semi-steps = %d, -tsne-n = %d, -probe-epochs = %d; expected >= 1, >= 30 and >= 1", *semiSteps, *tsnePoints, *probeEpochs)
	}
	if *knnWhiten < 0 {
		return evalFlags{}, badInput("-knn-whiten = %d; expected 0 (raw features) or a number of principal components", *knnWhiten)
	}
	ks, err := parseList(*knnK, "-knn-k", strconv.Atoi, func(k int) bool { return k >= 1 }, "integers >= 1")
	if err != nil {
		return evalFlags{}, err
	}
	ts, err := parseList(*knnT, "-knn-t", func(s string) (float64, error) { return strconv.ParseFloat(s, 64) },
		func(t float64) bool { return t > 0 && !math.IsInf(t, 1) }, "finite temperatures > 0")
	if err != nil {
		return evalFlags{}, err
	}
	return evalFlags{knnKs: ks, knnTs: ts, checkpoint: *checkpoint, features: *features, dataName: *dataName, dataDir: *dataDir, out: *out,
		protocols: list, seed: *seed, semiSteps: *semiSteps, tsnePoints: *tsnePoints, trainN: *trainN, testN: *testN,
		probeEpochs: *probeEpochs, knnWhiten: *knnWhiten, officialSampling: *officialSampling, export: *export,
		officialLinearEpochs: *officialLinearEpochs, semiOfficialEpochs: *semiOfficialEpochs, officialBatch: *officialBatch}, nil
}

// loadEval opens the data set's training and test splits (cut to -train-n and -test-n) and
// loads the checkpoint's trainer on the training split; the caller closes the trainer.
func loadEval(f evalFlags) (trainer *mvmr.Trainer, train, test *datasets.Dataset, err error) {
	train, err = datasets.Open(f.dataName, f.dataDir, datasets.OpenOptions{Split: datasets.SplitTrain})
	if err != nil {
		return nil, nil, nil, usageError{err}
	}
	test, err = datasets.Open(f.dataName, f.dataDir, datasets.OpenOptions{Split: datasets.SplitTest})
	if err != nil {
		return nil, nil, nil, usageError{err}
	}
	train, test = train.Subset(f.trainN), test.Subset(f.testN)
	trainer, err = mvmr.LoadTrainer(f.checkpoint, train)
	if err != nil {
		return nil, nil, nil, usageError{err}
	}
	return trainer, train, test, nil
}

// evalOptions are the protocols' options the flags set.
func evalOptions(f evalFlags, progress io.Writer) mvmr.EvalOptions {
	opts := mvmr.DefaultEvalOptions()
	opts.Features, opts.Seed, opts.Checkpoint, opts.Progress = f.features, f.seed, f.checkpoint, progress
	opts.Semi.Steps = f.semiSteps
	opts.Probe.Epochs = f.probeEpochs
	if f.officialSampling {
		opts.Semi.Sampling = mvmr.SampleOfficial
	}
	opts.OfficialLinear.Epochs, opts.OfficialLinear.BatchSize = f.officialLinearEpochs, f.officialBatch
	if f.semiOfficialEpochs > 0 {
		opts.Semi = mvmr.OfficialSemiSupConfig(0, f.officialBatch, f.semiOfficialEpochs, mvmr.OfficialSemiLR, mvmr.OfficialSemiWD)
	}
	opts.TSNEPoints = f.tsnePoints
	if len(f.knnKs) > 0 {
		opts.KNN.Ks = f.knnKs
	}
	if len(f.knnTs) > 0 {
		opts.KNN.Temperature, opts.KNN.Temperatures = f.knnTs[0], f.knnTs
	}
	opts.KNN.Whiten = f.knnWhiten
	return opts
}

// runProtocols runs the protocols in order; each one's results are appended to
// OUT/results.{json,csv} as soon as it ends, and a t-SNE map is saved as figure and coordinates.
func runProtocols(trainer *mvmr.Trainer, test *datasets.Dataset, f evalFlags, stdout io.Writer) ([]mvmr.Result, error) {
	opts := evalOptions(f, stdout)
	var results []mvmr.Result
	for _, protocol := range f.protocols {
		rs, emb, err := trainer.Evaluate(protocol, test, opts)
		if err != nil {
			return nil, err
		}
		if err := mvmr.AppendResults(filepath.Join(f.out, "results.json"), rs...); err != nil {
			return nil, err
		}
		if err := mvmr.AppendResults(filepath.Join(f.out, "results.csv"), rs...); err != nil {
			return nil, err
		}
		results = append(results, rs...)
		if emb != nil {
			files, err := saveTSNE(f.out, f.features, emb, test)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(stdout, "t-SNE of %d test images: KL %.3f, trustworthiness (k = %d) %.4f; wrote %s\n",
				emb.N, emb.KL, mvmr.TrustworthinessK, emb.Trustworthiness, strings.Join(files, ", "))
		}
	}
	return results, nil
}

// writeEvalOutputs exports the test set's h and z if -export asks, and prints the results table.
func writeEvalOutputs(trainer *mvmr.Trainer, test *datasets.Dataset, f evalFlags, results []mvmr.Result, stdout io.Writer) error {
	if f.export {
		paths, err := trainer.ExportEmbeddings(test, filepath.Join(f.out, "export"))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "exported %s\n", strings.Join(paths, ", "))
	}
	fmt.Fprintln(stdout)
	printResults(stdout, results)
	fmt.Fprintf(stdout, "\nresults appended to %s/results.{json,csv}\n", f.out)
	return nil
}

// parseList parses a comma-separated flag value, each item checked by ok (expected describes the
// items for the error).
func parseList[T any](value, flagName string, parse func(string) (T, error), ok func(T) bool, expected string) ([]T, error) {
	var out []T
	for item := range strings.SplitSeq(value, ",") {
		v, err := parse(strings.TrimSpace(item))
		if err != nil || !ok(v) {
			return nil, badInput("%s %q: item %q; expected comma-separated %s", flagName, value, item, expected)
		}
		out = append(out, v)
	}
	return out, nil
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
		case mvmr.ProtocolLinearOfficial:
			other = fmt.Sprintf("best epoch %d of %d", int(r.Metrics["best_epoch"]), int(r.Metrics["epochs"]))
		case mvmr.ProtocolKNN:
			other = fmt.Sprintf("T %g", r.Metrics["temperature"])
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
