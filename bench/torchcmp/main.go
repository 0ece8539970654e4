// Command torchcmp is the kit's side of bench/quickstart_vs_torch.sh, the quickstart recipe
// beside the same recipe in PyTorch (bench/torch_quickstart.py) on the same CPU:
//
//	torchcmp step  -out DIR [-batch 64] [-seed 1]   # one quickstart step's weights, batch, loss terms and gradient, for torch_quickstart.py --check
//	torchcmp curve -out kit.csv -budget 4m -every 30s [-steps 300] [-seed 1] [-probe-train N] [-probe-test N] [-probe-epochs 20]
//	torchcmp plot  -png curve.png -md curve.md kit.csv torch.csv ...
//
// curve trains the quickstart (mvmr.QuickstartConfig) and, every -every of training wall clock,
// stops the clock, probes h with the kit's linear probe and weighted kNN (k = 20, 200), and
// writes a row. plot draws every CSV's linear and kNN k=20 accuracy against minutes
// (plotting.AccuracyCurves) and writes the rows as a markdown table.
package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "torchcmp:", err)
		}
		os.Exit(2)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("expected a subcommand: step, curve or plot")
	}
	switch args[0] {
	case "step":
		return runStep(args[1:], stdout)
	case "curve":
		return runCurve(args[1:], stdout)
	case "plot":
		return runPlot(args[1:], stdout)
	}
	return fmt.Errorf("unknown subcommand %q; expected step, curve or plot", args[0])
}

// quickstartConfig is the quickstart's recipe for steps steps of batch images with seed.
func quickstartConfig(steps, batch int, seed int64) (mvmr.Config, error) {
	c := mvmr.QuickstartConfig(int64(steps))
	c.BatchSize = batch
	c.Seed = seed
	return c, c.Validate()
}

// exportedVariable is one entry of weights.json: a variable's path, file and shape.
type exportedVariable struct {
	Path  string `json:"path"`
	File  string `json:"file"`
	Shape []int  `json:"shape"`
}

// runStep writes what torch_quickstart.py --check needs to recompute one training step's loss
// in PyTorch: the encoder's weights before the step (before/), the batch's original and
// augmented views, the kit's loss terms of that step and its learning rate (loss.json) and the
// weights after one plain SGD update (after/), from which the kit's gradient reads exactly.
func runStep(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("step", flag.ContinueOnError)
	out := fs.String("out", "", "output folder")
	batch := fs.Int("batch", 64, "batch size")
	seed := fs.Int64("seed", 1, "seed")
	steps := fs.Int("steps", mvmr.QuickstartSteps, "the schedule's length (sets the learning rate of step 1)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("step: -out is empty; expected the folder to write to")
	}
	config, err := quickstartConfig(*steps, *batch, *seed)
	if err != nil {
		return err
	}
	// The loss of step 1 does not depend on the optimizer; plain SGD (no momentum, no weight
	// decay, no warmup) makes the update the gradient itself: grad = (before − after) / lr.
	config.Optimizer.Name, config.Optimizer.LR, config.Optimizer.WeightDecay = mvmr.OptimizerSGD, 1, 0
	config.Optimizer.Momentum, config.Optimizer.WarmupSteps = 0, 0
	train, err := datasets.LoadMNIST(datasets.SplitTrain)
	if err != nil {
		return err
	}
	trainer, err := mvmr.NewTrainer(config, train)
	if err != nil {
		return err
	}
	defer trainer.Close()
	if _, _, err := trainer.Embeddings(train.Subset(2)); err != nil { // creates every encoder variable
		return err
	}
	if err := exportVariables(trainer.Store(), filepath.Join(*out, "before")); err != nil {
		return err
	}
	augment, err := config.Augmenter(train)
	if err != nil {
		return err
	}
	source, err := datasets.NewTwoViewSource(train, *batch, *seed, augment)
	if err != nil {
		return err
	}
	b := source.Batch(0) // the batch of the trainer's first step: Batch is a pure function of its step
	shape := []int{b.Size, b.Height, b.Width, b.Channels}
	for name, images := range map[string][]float32{"original.npy": b.Original, "augmented.npy": b.Augmented} {
		if err := writeFloat32(filepath.Join(*out, name), images, shape); err != nil {
			return err
		}
	}
	if err := trainer.Train(1); err != nil {
		return err
	}
	terms := map[string]float64{}
	for _, name := range trainer.ComponentNames() {
		terms[name] = trainer.History().Series(name)[0]
	}
	terms["lr"] = config.Optimizer.LearningRate(1)
	raw, err := json.MarshalIndent(terms, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(filepath.Join(*out, "loss.json"), append(raw, '\n')); err != nil {
		return err
	}
	if err := exportVariables(trainer.Store(), filepath.Join(*out, "after")); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "step 1 of the quickstart (batch %d, seed %d): %v → %s\n", *batch, *seed, terms, *out)
	return nil
}

// exportVariables writes every float32 variable of store with a value as dir/NNN.npy and the
// list dir/weights.json.
func exportVariables(store *model.Store, dir string) error {
	var list []exportedVariable
	for v := range store.IterVariables() {
		if !v.HasValue() {
			continue
		}
		value := v.MustValue()
		if value.DType().String() != "Float32" {
			continue // the optimizer's step counter
		}
		file := fmt.Sprintf("%03d.npy", len(list))
		dims := value.Shape().Dimensions
		if err := writeFloat32(filepath.Join(dir, file), tensors.MustCopyFlatData[float32](value), dims); err != nil {
			return err
		}
		list = append(list, exportedVariable{Path: v.Path(), File: file, Shape: dims})
	}
	raw, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, "weights.json"), append(raw, '\n'))
}

func writeFloat32(path string, data []float32, shape []int) error {
	return atomicfile.Write(path, func(w io.Writer) error { return npy.WriteFloat32Array(w, data, shape) })
}

// curveColumns are the columns of a curve CSV, the same in torch_quickstart.py: knn20w_top1 is
// the kNN k=20 on h PCA-whitened to mvmr.KNNWhitenDims components (the quickstart's kNN since
// issue 18); CSVs written before it (without the column) are still read.
var curveColumns = []string{"framework", "seed", "step", "train_seconds", "linear_top1", "knn20_top1", "knn200_top1", "eval_seconds", "knn20w_top1"}

// runCurve trains the quickstart for at most -steps steps or -budget of training wall clock and
// evaluates at 0 and every -every of it, and at the end.
func runCurve(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("curve", flag.ContinueOnError)
	out := fs.String("out", "", "CSV file to write")
	steps := fs.Int("steps", mvmr.QuickstartSteps, "steps of the schedule (training stops there or at -budget)")
	batch := fs.Int("batch", 256, "batch size")
	seed := fs.Int64("seed", 1, "seed of the weights, data order, augmentations and probe")
	budget := fs.Duration("budget", 4*time.Minute, "training wall clock budget (evaluations not counted)")
	every := fs.Duration("every", 30*time.Second, "evaluate every this much training wall clock")
	probeTrain := fs.Int("probe-train", 60000, "training images the probes fit on (the first N)")
	probeTest := fs.Int("probe-test", 10000, "test images the probes score (the first N)")
	probeEpochs := fs.Int("probe-epochs", mvmr.DefaultProbeConfig().Epochs, "linear probe epochs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *every <= 0 || *budget <= 0 {
		return fmt.Errorf("curve: -out %q, -every %s, -budget %s; expected a file and positive durations", *out, *every, *budget)
	}
	config, err := quickstartConfig(*steps, *batch, *seed)
	if err != nil {
		return err
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		return err
	}
	if *probeTrain < 1000 || *probeTrain > train.Len() || *probeTest < 1 || *probeTest > test.Len() {
		return fmt.Errorf("curve: -probe-train %d, -probe-test %d; expected 1000..%d and 1..%d", *probeTrain, *probeTest, train.Len(), test.Len())
	}
	trainer, err := mvmr.NewTrainer(config, train)
	if err != nil {
		return err
	}
	defer trainer.Close()
	probe := mvmr.DefaultProbeConfig()
	probe.Seed, probe.Epochs = *seed, *probeEpochs
	e := evaluator{trainer: trainer, train: train.Subset(*probeTrain), test: test.Subset(*probeTest), probe: probe, seed: *seed}
	if err := trainer.CalibrateBatchNorm(mvmr.CalibrationBatches); err != nil { // the quickstart's random-encoder probe
		return err
	}
	var rows [][]string
	row, err := e.evaluate(0)
	if err != nil {
		return err
	}
	rows = append(rows, row)
	fmt.Fprintln(stdout, strings.Join(row, ","))
	var trained time.Duration
	next := *every
	for trainer.Step() < int64(*steps) && trained < *budget {
		start := time.Now()
		if err := trainer.Train(1); err != nil {
			return err
		}
		trained += time.Since(start)
		last := trainer.Step() == int64(*steps) || trained >= *budget
		if trained >= next || last {
			row, err := e.evaluate(trained)
			if err != nil {
				return err
			}
			rows = append(rows, row)
			fmt.Fprintln(stdout, strings.Join(row, ","))
			for next <= trained {
				next += *every
			}
		}
	}
	return atomicfile.Write(*out, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(curveColumns)
		cw.WriteAll(rows)
		return cw.Error()
	})
}

// evaluator probes the trainer's h on the probe subsets.
type evaluator struct {
	trainer     *mvmr.Trainer
	train, test *datasets.Dataset
	probe       mvmr.ProbeConfig
	seed        int64
}

// evaluate returns the CSV row after trained of training: the linear probe and kNN on h.
func (e evaluator) evaluate(trained time.Duration) ([]string, error) {
	start := time.Now()
	trainF, err := e.trainer.EncoderFeatures(e.train)
	if err != nil {
		return nil, err
	}
	testF, err := e.trainer.EncoderFeatures(e.test)
	if err != nil {
		return nil, err
	}
	lin, err := mvmr.LinearProbe(e.trainer.Backend(), trainF, testF, e.probe)
	if err != nil {
		return nil, err
	}
	knn, err := mvmr.KNN(e.trainer.Backend(), trainF, testF, mvmr.DefaultKNNConfig(), nil)
	if err != nil {
		return nil, err
	}
	whitened := mvmr.DefaultKNNConfig()
	whitened.Ks, whitened.Whiten = []int{20}, mvmr.KNNWhitenDims
	knnW, err := mvmr.KNN(e.trainer.Backend(), trainF, testF, whitened, nil)
	if err != nil {
		return nil, err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	return []string{"kit", strconv.FormatInt(e.seed, 10), strconv.FormatInt(e.trainer.Step(), 10), f(trained.Seconds()),
		f(lin.Top1), f(knn[0].Top1), f(knn[1].Top1), f(time.Since(start).Seconds()), f(knnW[0].Top1)}, nil
}

// frameworkNames are the legend names of the CSVs' framework column.
var frameworkNames = map[string]string{"kit": "kit (Go)", "pytorch": "PyTorch"}

// curveRow is one parsed CSV row.
type curveRow struct {
	framework, seed, step        string
	seconds, linear, knn20, k200 float64
	knn20w                       float64 // NaN in a CSV without the column
}

// runPlot reads curve CSVs and writes the PNG (linear and kNN k=20 against minutes, one colour
// per framework and seed) and the markdown table of every row.
func runPlot(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("plot", flag.ContinueOnError)
	pngPath := fs.String("png", "", "PNG file to write")
	mdPath := fs.String("md", "", "markdown table to write")
	title := fs.String("title", "MV-MR quickstart on MNIST: the kit and PyTorch, 2 CPU threads", "figure title")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *pngPath == "" || *mdPath == "" || fs.NArg() == 0 {
		return fmt.Errorf("plot: expected -png FILE -md FILE and at least one curve CSV")
	}
	var rows []curveRow
	for _, path := range fs.Args() {
		r, err := readCurve(path)
		if err != nil {
			return err
		}
		rows = append(rows, r...)
	}
	var curves []plotting.AccuracyCurve
	index := map[string]int{}
	groups := 0
	for _, r := range rows {
		key := r.framework + "\x00" + r.seed
		i, ok := index[key]
		if !ok {
			name := frameworkNames[r.framework]
			if name == "" {
				name = r.framework
			}
			name += " seed " + r.seed
			i = len(curves)
			index[key] = i
			curves = append(curves,
				plotting.AccuracyCurve{Name: name + ", linear probe", Group: groups, Probe: 0},
				plotting.AccuracyCurve{Name: name + ", kNN k=20 on h", Group: groups, Probe: 1},
				plotting.AccuracyCurve{Name: name + ", kNN k=20 on whitened h", Group: groups, Probe: 2})
			groups++
		}
		for j, acc := range []float64{r.linear, r.knn20, r.knn20w} {
			if math.IsNaN(acc) { // an older CSV: no whitened kNN
				continue
			}
			curves[i+j].Seconds = append(curves[i+j].Seconds, r.seconds)
			curves[i+j].Accuracy = append(curves[i+j].Accuracy, acc)
		}
	}
	curves = slices.DeleteFunc(curves, func(c plotting.AccuracyCurve) bool { return len(c.Seconds) == 0 })
	p, err := plotting.AccuracyCurves(curves, plotting.AccuracyCurvesOptions{Title: *title})
	if err != nil {
		return err
	}
	if err := plotting.Save(p, *pngPath); err != nil {
		return err
	}
	err = atomicfile.Write(*mdPath, func(w io.Writer) error {
		fmt.Fprintf(w, "| framework | seed | training wall clock (min) | step | linear top-1 %% | kNN k=20 top-1 %% | kNN k=200 top-1 %% | kNN k=20 on h whitened to %d top-1 %% |\n", mvmr.KNNWhitenDims)
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
		for _, r := range rows {
			whitened := "–"
			if !math.IsNaN(r.knn20w) {
				whitened = fmt.Sprintf("%.2f", 100*r.knn20w)
			}
			fmt.Fprintf(w, "| %s | %s | %.2f | %s | %.2f | %.2f | %.2f | %s |\n", frameworkNames[r.framework], r.seed, r.seconds/60, r.step,
				100*r.linear, 100*r.knn20, 100*r.k200, whitened)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s (%d rows)\n", *pngPath, *mdPath, len(rows))
	return nil
}

// readCurve reads a curve CSV written by curve or torch_quickstart.py.
func readCurve(path string) ([]curveRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	header := strings.Join(curveColumns, ",")
	older := strings.Join(curveColumns[:len(curveColumns)-1], ",") // before the whitened kNN column
	if len(records) < 2 || (strings.Join(records[0], ",") != header && strings.Join(records[0], ",") != older) {
		return nil, fmt.Errorf("%s: expected the header %s (or without its last column) and at least one row", path, header)
	}
	columns := []int{3, 4, 5, 6}
	if len(records[0]) == len(curveColumns) {
		columns = append(columns, 8)
	}
	var rows []curveRow
	for i, rec := range records[1:] {
		v := [5]float64{4: math.NaN()}
		for j, col := range columns {
			if v[j], err = strconv.ParseFloat(rec[col], 64); err != nil {
				return nil, fmt.Errorf("%s line %d, %s = %q: expected a number", path, i+2, curveColumns[col], rec[col])
			}
		}
		rows = append(rows, curveRow{framework: rec[0], seed: rec[1], step: rec[2], seconds: v[0], linear: v[1], knn20: v[2], k200: v[3], knn20w: v[4]})
	}
	return rows, nil
}
