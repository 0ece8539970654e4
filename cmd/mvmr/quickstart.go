package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// Names of the quickstart's three feature sets, as its rows and table name them.
const (
	featuresPixels  = "raw pixels"
	featuresRandom  = "random encoder"
	featuresTrained = "MV-MR encoder"
)

// quickstartKNNConfigs are the quickstart's two kNN protocols: on the raw features (InstDisc's,
// mvmr.DefaultKNNConfig) and on the features PCA-whitened to mvmr.KNNWhitenDims components
// fitted on the training features without labels (what the kit recommends for kNN: issue 18).
func quickstartKNNConfigs() []mvmr.KNNConfig {
	raw, whitened := mvmr.DefaultKNNConfig(), mvmr.DefaultKNNConfig()
	whitened.Whiten = mvmr.KNNWhitenDims
	return []mvmr.KNNConfig{raw, whitened}
}

// knnVariant is the results row variant of the quickstart's kNN at k, on features whitened to
// mvmr.KNNWhitenDims components or raw: the name mvmr.KNNResult.Variant gives the row.
func knnVariant(k int, whitened bool) string {
	r := mvmr.KNNResult{K: k, Whitened: whitened}
	if whitened {
		r.Dim = mvmr.KNNWhitenDims
	}
	return r.Variant(false)
}

// quickstartKNN and quickstartRawKNN are the kNN rows the quickstart's reading compares: k=20
// (the first of mvmr.KNNDefaultKs) on whitened and on raw features.
var (
	quickstartKNN    = knnVariant(20, true)
	quickstartRawKNN = knnVariant(20, false)
)

// quickstartResult is what quickstart writes to results.json: the run's settings and timings,
// its three linear probes (raw pixels, random encoder, trained encoder) and their kNN rows.
type quickstartResult struct {
	Config          mvmr.Config            `json:"config"`
	Backend         string                 `json:"backend"`
	Steps           int                    `json:"steps"`
	TrainSeconds    float64                `json:"train_seconds"`
	StepsPerSecond  float64                `json:"steps_per_second"`
	DataWaitSecs    float64                `json:"data_wait_seconds"`
	TotalSeconds    float64                `json:"total_seconds"`
	Probes          []mvmr.ProbeEvaluation `json:"probes"`
	KNN             []quickstartKNNResult  `json:"knn"`
	Probe           mvmr.ProbeConfig       `json:"probe"`
	KNNConfigs      []mvmr.KNNConfig       `json:"knn_configs"`
	BaselinesCached bool                   `json:"baselines_cached"`
}

// quickstartKNNResult is one kNN row of results.json.
type quickstartKNNResult struct {
	Name string  `json:"name"`
	K    string  `json:"k"`
	Dim  int     `json:"dim"`
	Top1 float64 `json:"top1"`
	Top5 float64 `json:"top5"`
}

func runQuickstart(args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	q, err := parseQuickstartFlags(args, stderr)
	if err != nil {
		return err
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		return err
	}
	if q.batch > train.Len() { // config.Validate checked the least batch
		return badInput("-batch = %d; expected %d..%d", q.batch, mvmr.MinBatchSize, train.Len())
	}
	if q.budget > 0 {
		if err := q.stepsForBudget(train, stdout); err != nil {
			return err
		}
	}
	var all []quickstartSeed
	for _, seed := range q.seeds {
		s, err := q.runSeed(seed, train, test, stdout, stderr)
		if err != nil {
			return err
		}
		all = append(all, s)
	}
	q.printSummary(stdout, all, start)
	return nil
}

// quickstart is one quickstart: its settings, from the command line.
type quickstart struct {
	steps, batch int
	// budget, when positive, replaces steps by as many as this much training wall clock allows
	// (stepsForBudget).
	budget time.Duration
	seeds  []int64
	out    string
	cache  baselineCache
}

// quickstartSeed is what one seed's run left: its rows in job order (the baselines, then the
// trained encoder; each a linear row and one kNN row per k), timings and output folder.
type quickstartSeed struct {
	seed            int64
	rows            []runs.Row
	result          quickstartResult
	figures         []string
	out             string
	dataWait        time.Duration
	baselinesCached bool
}

// parseQuickstartFlags reads and checks quickstart's command line.
func parseQuickstartFlags(args []string, stderr io.Writer) (*quickstart, error) {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	steps := fs.Int("steps", mvmr.QuickstartSteps, "training steps")
	batch := fs.Int("batch", mvmr.DefaultConfig(0).BatchSize, "batch size (images per step, each seen in two views)")
	seed := fs.Int64("seed", 1, "seed of the weights, the data order, the augmentations and the probe")
	seedList := fs.String("seeds", "", "comma-separated seeds, one run each (e.g. 1,2,3): the reading then says whether the gains are above the seed-to-seed spread; replaces -seed")
	out := fs.String("out", "mvmr-quickstart", "output folder for the figures, history, results and checkpoint (one sub-folder seed-N per seed with -seeds)")
	budget := fs.Duration("budget", 0, "train as many steps as this much training wall clock allows on this machine, timed before training (the probes, about a minute, come after); replaces -steps; -budget 20m is the long preset")
	noCache := fs.Bool("no-baseline-cache", false, "recompute the raw-pixel and random-encoder baselines even when cached")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr quickstart [flags]\n\nTrains an MV-MR encoder on the embedded MNIST on this machine, then compares linear probes and\n"+
			"weighted kNN on raw pixels, on a randomly initialised encoder and on the trained encoder. The two\n"+
			"baselines are deterministic: they are cached (in the feature cache folder, "+reps.FeatureCacheEnvVar+")\n"+
			"under a key of everything that determines them.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, badInput("unexpected arguments %q", fs.Args())
	}
	if *steps < 1 {
		return nil, badInput("-steps = %d; expected at least 1", *steps)
	}
	if *budget < 0 || (*budget > 0 && *budget < time.Minute) {
		return nil, badInput("-budget = %s; expected at least 1m (or 0: train -steps steps)", *budget)
	}
	if *budget > 0 && flagSet(fs, "steps") {
		return nil, badInput("-budget = %s and -steps = %d; expected one of them (-budget sets the steps)", *budget, *steps)
	}
	seeds := []int64{*seed}
	if *seedList != "" {
		var err error
		if seeds, err = parseSeeds(*seedList); err != nil {
			return nil, err
		}
	}
	q := &quickstart{steps: *steps, batch: *batch, seeds: seeds, out: *out, budget: *budget}
	if _, err := q.config(seeds[0]); err != nil {
		return nil, usageError{err}
	}
	if !*noCache {
		q.cache = baselineCache{Dir: reps.DefaultFeatureCacheDir()}
	}
	return q, nil
}

// flagSet reports whether the command line set the flag name.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// Budget sizing: the training step is timed on fixed inputs (mvmr.TimeTrainingSteps, after
// budgetWarmup untimed steps), and the steps are set to budgetLoopShare of what the median step
// time allows, in whole hundreds: the training loop (data loading, augmentation, progress) ran at
// 0.93-0.95 of the timed step's rate on 2 idle cores (2026-12-03: 8.2-8.6 steps/s in
// `mvmr quickstart` against 8.8-9.0 from `mvmr bench`).
const (
	budgetWarmup    = 3
	budgetTimed     = 12
	budgetLoopShare = 0.92
)

// stepsForBudget sets q.steps to what q.budget of training allows on this machine and says so.
func (q *quickstart) stepsForBudget(train *datasets.Dataset, stdout io.Writer) error {
	config, err := q.config(q.seeds[0])
	if err != nil {
		return err
	}
	backend, err := mvmr.NewBackend()
	if err != nil {
		return err
	}
	timing, err := mvmr.TimeTrainingSteps(backend, config, train.Height, train.Width, train.Channels, budgetWarmup, budgetTimed)
	if err != nil {
		return fmt.Errorf("quickstart: timing the step for -budget %s: %w", q.budget, err)
	}
	steps := int(budgetLoopShare*q.budget.Seconds()/timing.Median) / 100 * 100
	if steps < 100 {
		return badInput("-budget = %s allows %d steps at %.3f s a step on this machine; expected a budget for at least 100", q.budget, steps, timing.Median)
	}
	q.steps = steps
	fmt.Fprintf(stdout, "budget %s of training: %d steps (the step timed at %.3f s, median of %d; the loop runs at about %.0f %% of that rate); the same run: -steps %d\n",
		q.budget, steps, timing.Median, budgetTimed, 100*budgetLoopShare, steps)
	return nil
}

// parseSeeds parses -seeds: distinct integers separated by commas.
func parseSeeds(list string) ([]int64, error) {
	var seeds []int64
	seen := map[int64]bool{}
	for _, s := range strings.Split(list, ",") {
		v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, badInput("-seeds = %q: %q is not an integer; expected seeds such as 1,2,3", list, s)
		}
		if seen[v] {
			return nil, badInput("-seeds = %q: seed %d appears twice", list, v)
		}
		seen[v] = true
		seeds = append(seeds, v)
	}
	return seeds, nil
}

// config is the quickstart's training configuration for seed.
func (q *quickstart) config(seed int64) (mvmr.Config, error) {
	config := mvmr.QuickstartConfig(int64(q.steps))
	config.BatchSize = q.batch
	config.Seed = seed
	return config, config.Validate()
}

// probe is the linear probe's configuration for seed.
func (q *quickstart) probe(seed int64) mvmr.ProbeConfig {
	probe := mvmr.DefaultProbeConfig()
	probe.Seed = seed
	return probe
}

// seedDir is seed's output folder: -out itself for a single seed, -out/seed-N for several.
func (q *quickstart) seedDir(seed int64) string {
	if len(q.seeds) == 1 {
		return q.out
	}
	return filepath.Join(q.out, fmt.Sprintf("seed-%d", seed))
}

// runSeed trains and probes one seed, with the baselines from the cache when it has them.
func (q *quickstart) runSeed(seed int64, train, test *datasets.Dataset, stdout, stderr io.Writer) (quickstartSeed, error) {
	start := time.Now()
	config, err := q.config(seed)
	if err != nil {
		return quickstartSeed{}, err
	}
	trainer, err := mvmr.NewTrainer(config, train)
	if err != nil {
		return quickstartSeed{}, err
	}
	defer trainer.Close()
	fmt.Fprintf(stdout, "MV-MR quickstart: MNIST %d train / %d test images, backend %s, encoder %v → h %d-d, projector %s, %d steps of %d, seed %d\n",
		train.Len(), test.Len(), mvmr.BackendConfig(), config.Encoder.Channels, config.Encoder.HDim(train.Height, train.Width),
		config.Encoder.Projector, q.steps, q.batch, seed)
	key := newBaselineKey(config, q.probe(seed), quickstartKNNConfigs(), train, test)
	cached, ok, notice := q.cache.Load(key)
	if notice != "" {
		fmt.Fprintln(stderr, "notice:", notice)
	}
	if ok {
		fmt.Fprintf(stdout, "baselines (raw pixels, random encoder) from the cache: %s\n", q.cache.path(key))
	}
	trainer.Progress = stdout
	out := q.seedDir(seed)
	job := q.job(config, train, test, out, cached, stdout)
	done, err := runs.Execute(context.Background(), trainer, job)
	if err != nil {
		return quickstartSeed{}, err
	}
	baselines := len(done.Rows) - q.trainedRows()
	if !ok {
		if err := q.cache.Save(key, done.Rows[:baselines]); err != nil {
			fmt.Fprintf(stderr, "notice: the baselines were not cached: %v\n", err)
		}
	}
	s := quickstartSeed{seed: seed, rows: done.Rows, figures: done.Figures, out: out, dataWait: trainer.DataWait(), baselinesCached: ok}
	s.result = q.result(config, s, start)
	if err := writeQuickstartResult(out, s.result); err != nil {
		return quickstartSeed{}, err
	}
	return s, nil
}

// trainedRows is the number of rows of the trained encoder: the linear probe and one per k and
// kNN protocol (raw, whitened).
func (q *quickstart) trainedRows() int { return 1 + len(quickstartKNNConfigs())*len(mvmr.KNNDefaultKs) }

// job probes raw pixels and the random encoder (or returns their cached rows after the random
// encoder's BatchNorm calibration, which training starts from either way), trains, saves the
// checkpoint, history and figure in out, and probes the trained encoder, printing each row as
// it ends.
func (q *quickstart) job(config mvmr.Config, train, test *datasets.Dataset, out string, cached []runs.Row, stdout io.Writer) runs.Job {
	probe := q.probe(config.Seed)
	before := []runs.Evaluation{
		featureProbes(featuresPixels, "pixels", pixelFeatures, train, test, probe),
		runs.Calibrated(featureProbes(featuresRandom, "h", encoderFeatures, train, test, probe)),
	}
	if cached != nil {
		before = []runs.Evaluation{runs.Calibrated(func(*mvmr.Trainer) ([]runs.Row, error) { return cached, nil })}
	}
	return runs.Job{
		Label:  runs.Row{Run: "quickstart"},
		Steps:  int64(q.steps),
		Before: before,
		After:  []runs.Evaluation{featureProbes(featuresTrained, "h", encoderFeatures, train, test, probe)},
		Report: func(r runs.Row) {
			took := fmt.Sprintf("%.0f s", r.Seconds)
			if cached != nil && r.Run != featuresTrained {
				took = "cached"
			}
			fmt.Fprintf(stdout, "%-25s on %-15s top-1 %.2f %%  (%s)\n", probeLabel(r), r.Run+":", 100*r.Top1, took)
		},
		Dir: out, FigureTitle: fmt.Sprintf("MV-MR on MNIST: loss components (%d steps, seed %d)", q.steps, config.Seed), Log: stdout,
		Checkpoint: filepath.Join(out, "checkpoint.mvmr"),
	}
}

// probeLabel is "linear", "kNN k=20" or "kNN k=20 whitened-256" for a row.
func probeLabel(r runs.Row) string {
	if r.Protocol == mvmr.ProtocolKNN {
		return "kNN " + r.Variant
	}
	return r.Protocol
}

// extractor returns the features of the training and the test set that the probes read.
type extractor func(t *mvmr.Trainer, train, test *datasets.Dataset) (trainF, testF mvmr.Features, err error)

// pixelFeatures are the normalised pixels (mvmr.PixelFeatures): the raw-pixel baseline.
func pixelFeatures(_ *mvmr.Trainer, train, test *datasets.Dataset) (mvmr.Features, mvmr.Features, error) {
	return mvmr.PixelFeatures(train), mvmr.PixelFeatures(test), nil
}

// encoderFeatures is h, the trainer's encoder's representation (mvmr.Trainer.EncoderFeatures).
func encoderFeatures(t *mvmr.Trainer, train, test *datasets.Dataset) (trainF, testF mvmr.Features, err error) {
	if trainF, err = t.EncoderFeatures(train); err != nil {
		return mvmr.Features{}, mvmr.Features{}, err
	}
	testF, err = t.EncoderFeatures(test)
	return trainF, testF, err
}

// featureProbes is the linear probe and the weighted kNN (quickstartKNNConfigs: raw, then
// whitened) on the features extract returns, extracted once for all (the encoder's pass over the
// 70 000 images is the probes' largest shared cost): a linear row, then one kNN row per protocol
// and k, all named name. The linear row's seconds hold the extraction and the fit, each kNN row's
// its kNN.
func featureProbes(name, features string, extract extractor, train, test *datasets.Dataset, probe mvmr.ProbeConfig) runs.Evaluation {
	return func(t *mvmr.Trainer) ([]runs.Row, error) {
		start := time.Now()
		for _, d := range []*datasets.Dataset{train, test} {
			if err := d.CheckLabeled("quickstart: " + name); err != nil {
				return nil, err
			}
		}
		trainF, testF, err := extract(t, train, test)
		if err != nil {
			return nil, err
		}
		lin, err := mvmr.LinearProbe(t.Backend(), trainF, testF, probe)
		if err != nil {
			return nil, fmt.Errorf("quickstart: probing %s: %w", name, err)
		}
		family, _, _ := strings.Cut(train.Name, "/")
		base := mvmr.Result{Features: features, Dataset: family, TrainSplit: train.Name, TestSplit: test.Name,
			Step: t.Step(), TrainSeed: t.Config().Seed}
		row := runs.Row{Run: name, Result: base}
		row.Protocol, row.EvalSeed, row.Top1, row.Top5 = mvmr.ProtocolLinear, probe.Seed, lin.Top1, lin.Top5
		row.Metrics = map[string]float64{"train_top1": lin.TrainTop1, "dim": float64(trainF.Dim)}
		row.Stamp(start)
		rows := []runs.Row{row}
		for _, config := range quickstartKNNConfigs() {
			start = time.Now()
			results, err := mvmr.KNN(t.Backend(), trainF, testF, config, nil)
			if err != nil {
				return nil, fmt.Errorf("quickstart: kNN on %s: %w", name, err)
			}
			for _, r := range results {
				row := runs.Row{Run: name, Result: base}
				row.Protocol, row.Variant, row.Top1, row.Top5 = mvmr.ProtocolKNN, r.Variant(false), r.Top1, r.Top5
				row.Metrics = map[string]float64{"temperature": r.Temperature, "dim": float64(r.Dim)}
				row.Stamp(start)
				rows = append(rows, row)
			}
		}
		return rows, nil
	}
}

// result is results.json of one seed: the settings, the timings and every row.
func (q *quickstart) result(config mvmr.Config, s quickstartSeed, start time.Time) quickstartResult {
	trained := s.rows[len(s.rows)-q.trainedRows()]
	result := quickstartResult{Config: config, Backend: mvmr.BackendConfig(), Steps: q.steps, Probe: q.probe(config.Seed),
		KNNConfigs: quickstartKNNConfigs(), TrainSeconds: trained.TrainSeconds, DataWaitSecs: s.dataWait.Seconds(),
		BaselinesCached: s.baselinesCached}
	result.StepsPerSecond = float64(q.steps) / result.TrainSeconds
	for _, r := range s.rows {
		if r.Protocol == mvmr.ProtocolKNN {
			result.KNN = append(result.KNN, quickstartKNNResult{Name: r.Run, K: r.Variant, Dim: r.Dim(), Top1: r.Top1, Top5: r.Top5})
		} else {
			result.Probes = append(result.Probes, probeEvaluation(r))
		}
	}
	result.TotalSeconds = time.Since(start).Seconds()
	return result
}

// writeQuickstartResult writes out/results.json.
func writeQuickstartResult(out string, result quickstartResult) error {
	resultJSON, err := json.MarshalIndent(result, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(out, "results.json"), append(resultJSON, '\n'))
}

// printSummary prints each seed's table, the reading (what training gained over the raw pixels
// and the random encoder, linear and kNN, against the seed-to-seed spread), the timings and the
// files written.
func (q *quickstart) printSummary(stdout io.Writer, all []quickstartSeed, start time.Time) {
	for _, s := range all {
		fmt.Fprintf(stdout, "\nseed %d\n", s.seed)
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "features\tdim\tlinear top-1 %%\ttop-5 %%\tkNN k=20 %%\tkNN k=200 %%\traw kNN k=20 %%\traw k=200 %%\t\n")
		for _, name := range []string{featuresPixels, featuresRandom, featuresTrained} {
			lin, _ := findRow(s.rows, name, mvmr.ProtocolLinear, "")
			values := []float64{100 * lin.Top1, 100 * lin.Top5}
			for _, variant := range []string{quickstartKNN, knnVariant(200, true), quickstartRawKNN, knnVariant(200, false)} {
				r, _ := findRow(s.rows, name, mvmr.ProtocolKNN, variant)
				values = append(values, 100*r.Top1)
			}
			fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", name, lin.Dim(), values[0], values[1], values[2], values[3], values[4], values[5])
		}
		tw.Flush()
		fmt.Fprintf(stdout, "kNN: weighted, cosine, T = %g, on features PCA-whitened to %d components (fitted on the training features, no labels); raw kNN: on the features as they are\n",
			mvmr.KNNTemperature, mvmr.KNNWhitenDims)
		r := s.result
		cached := ""
		if s.baselinesCached {
			cached = "; baselines from the cache"
		}
		fmt.Fprintf(stdout, "training: %d steps in %s (%.2f steps/s, %s waiting for data)%s\n", q.steps,
			time.Duration(r.TrainSeconds*float64(time.Second)).Round(time.Second), r.StepsPerSecond, s.dataWait.Round(time.Millisecond), cached)
		fmt.Fprintf(stdout, "wrote %s, %s/{history.csv,results.json,checkpoint.mvmr}\n", strings.Join(s.figures, ", "), s.out)
	}
	fmt.Fprintln(stdout)
	perSeed := make([][]runs.Row, len(all))
	for i, s := range all {
		perSeed[i] = s.rows
	}
	for _, line := range quickstartReading(perSeed) {
		fmt.Fprintln(stdout, line)
	}
	fmt.Fprintf(stdout, "total %s\n", time.Since(start).Round(time.Second))
}

// findRow returns the row of features name, protocol and variant.
func findRow(rows []runs.Row, name, protocol, variant string) (runs.Row, bool) {
	for _, r := range rows {
		if r.Run == name && r.Protocol == protocol && r.Variant == variant {
			return r, true
		}
	}
	return runs.Row{}, false
}

// probeEvaluation is a linear-probe row as results.json lists it (mvmr.ProbeEvaluation's keys).
func probeEvaluation(r runs.Row) mvmr.ProbeEvaluation {
	return mvmr.ProbeEvaluation{Name: r.Run, Dim: r.Dim(), Top1: r.Top1, Top5: r.Top5, TrainTop1: r.Metrics["train_top1"], Seconds: r.Seconds}
}
