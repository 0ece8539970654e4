package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

var distillSeedsHeader = []string{"variant", "seed", "encoder", "teacher", "reps", "steps", "batch", "train_seconds", "linear_top1", "linear_top5", "knn20_top1"}

func runDistillSeeds(args []string, stdout, stderr io.Writer) error {
	d, err := parseDistillSeedsFlags(args, stderr)
	if err != nil {
		return err
	}
	d.variants = d.distillSeedVariants()
	for _, v := range d.variants {
		if err := v.config().Validate(); err != nil {
			return usageError{fmt.Errorf("%s: %w", v.name, err)}
		}
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		return err
	}
	d.repsOf = map[string]string{}
	for _, v := range d.variants {
		var names []string
		for _, r := range v.config().Loss.Representations {
			names = append(names, r.Name)
		}
		d.repsOf[v.name] = strings.Join(names, ",")
	}
	for _, seed := range d.seeds {
		for _, v := range d.variants {
			if err := d.run(seed, v, train, test, stdout); err != nil {
				return err
			}
		}
	}
	if err := d.write(true); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", d.results)
	return nil
}

// distillSeeds is one distill-seeds: its settings, its variants and the rows of the runs done.
type distillSeeds struct {
	shared   *distillFlags
	setup    distillSetup
	seeds    []int64
	knn      bool
	results  string
	variants []distillSeedVariant
	repsOf   map[string]string // variant → its representation terms, e.g. "teacher,image,std"
	rows     []runs.Row
}

// distillSeedVariant is one of the students distill-seeds trains for every seed.
type distillSeedVariant struct {
	name, teacher string
	config        func() mvmr.Config
}

// parseDistillSeedsFlags reads and checks distill-seeds' command line.
func parseDistillSeedsFlags(args []string, stderr io.Writer) (*distillSeeds, error) {
	fs := flag.NewFlagSet("distill-seeds", flag.ContinueOnError)
	shared := addDistillFlags(fs, distillFlagText{
		teacher:     "the teacher, KIND:PATH (as mvmr distill), e.g. checkpoint:mvmr-distill-demo/teacher.mvmr",
		student:     "student encoder CHANNELS/PROJECTOR",
		steps:       "training steps of every student",
		repsDefault: "image,std",
		reps:        "representations kept beside the teacher in the third variant",
	})
	seedList := fs.String("seeds", "1,2,3", "comma-separated seeds, run in this order (all variants of a seed before the next seed)")
	knn := fs.Bool("knn", true, "also compute the weighted kNN (k = 20) top-1 of each student")
	results := fs.String("results", filepath.Join("notebooks", "data", "distillation_seeds.csv"), "results CSV, rewritten after every run; mean and std rows are added at the end")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr distill-seeds -teacher KIND:PATH [flags]\n\nOn the embedded MNIST, for each seed trains the student with MV-MR alone, distilled from the teacher\n"+
			"(teacher term only) and distilled keeping -reps, and probes each (linear, optionally kNN k=20).\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 || *shared.steps < 1 || *shared.teacher == "" {
		return nil, badInput("expected no arguments, -teacher KIND:PATH and -steps >= 1")
	}
	setup, err := shared.setup()
	if err != nil {
		return nil, err
	}
	d := &distillSeeds{shared: shared, setup: setup, knn: *knn, results: *results}
	for _, s := range strings.Split(*seedList, ",") {
		v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, badInput("-seeds: %q is not an integer", s)
		}
		d.seeds = append(d.seeds, v)
	}
	return d, nil
}

// distillSeedVariants are the student trained with MV-MR alone, distilled from the teacher
// (teacher term only) and distilled keeping -reps.
func (d *distillSeeds) distillSeedVariants() []distillSeedVariant {
	steps, setup := d.setup.steps, d.setup
	keptName := "distilled + " + strings.ReplaceAll(*d.shared.reps, ",", "+")
	return []distillSeedVariant{
		{"MV-MR alone", "none (MV-MR)", func() mvmr.Config {
			c := mvmr.QuickstartConfig(int64(steps))
			c.Encoder = setup.encoder
			return c
		}},
		{"distilled", *d.shared.teacher, func() mvmr.Config { return setup.config(nil, nil) }},
		{keptName, *d.shared.teacher, func() mvmr.Config { return setup.config(nil, setup.reps) }},
	}
}

// run trains and probes variant v with seed, prints its accuracies and rewrites the results CSV.
func (d *distillSeeds) run(seed int64, v distillSeedVariant, train, test *datasets.Dataset, stdout io.Writer) error {
	config := v.config()
	config.Seed = seed
	fmt.Fprintf(stdout, "\n== seed %d: %s\n", seed, v.name)
	run, err := distillSeedRun(config, d.setup.steps, v.name, v.teacher, d.knn, train, test, stdout)
	if err != nil {
		return fmt.Errorf("seed %d, %s: %w", seed, v.name, err)
	}
	d.rows = append(d.rows, run...)
	knn20, ok := runs.RunRows(run).Top1(knn20Label)
	if !ok {
		knn20 = math.NaN()
	}
	fmt.Fprintf(stdout, "seed %d, %s: linear top-1 %.2f %%, kNN k=20 %.2f %% (%.0f s)\n", seed, v.name, 100*run[0].Top1, 100*knn20, run[0].TrainSeconds)
	return d.write(false)
}

// write rewrites the results CSV with the rows so far; final adds the mean and std lines.
func (d *distillSeeds) write(final bool) error {
	return atomicfile.Write(d.results, func(w io.Writer) error {
		return writeDistillSeedsCSV(w, d.rows, final, *d.shared.student, d.repsOf, d.setup.steps, mvmr.QuickstartConfig(1).BatchSize)
	})
}

// knn20Label is the protocol label of the kNN accuracy the table shows.
const knn20Label = mvmr.ProtocolKNN + " k=20"

// distillSeedRun trains one student and probes it: its linear row, then (with knn) its kNN rows.
func distillSeedRun(config mvmr.Config, steps int, name, teacher string, knn bool, train, test *datasets.Dataset, progress io.Writer) ([]runs.Row, error) {
	trainer, err := mvmr.NewTrainer(config, train)
	if err != nil {
		return nil, err
	}
	defer trainer.Close()
	trainer.Progress = progress
	probe := mvmr.DefaultProbeConfig()
	probe.Seed = config.Seed
	evals := []runs.Evaluation{runs.LinearProbe(name, train, test, probe)}
	if knn {
		evals = append(evals, runs.KNN(test))
	}
	done, err := runs.Execute(context.Background(), trainer, runs.Job{
		Label: runs.Row{Run: name, Teacher: teacher}, Steps: int64(steps), After: evals})
	if err != nil {
		return nil, err
	}
	return done.Rows, nil
}

// writeDistillSeedsCSV writes one line per run (variant and seed) and, when final, a "mean" and
// a "std" (sample standard deviation, n−1) line per variant.
func writeDistillSeedsCSV(w io.Writer, rows []runs.Row, final bool, student string, reps map[string]string, steps, batch int) error {
	cw := csv.NewWriter(w)
	cw.Write(distillSeedsHeader)
	f := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'f', 4, 64)
	}
	line := func(variant, seed, teacher string, v seedValues) {
		cw.Write([]string{variant, seed, student, teacher, reps[variant], strconv.Itoa(steps), strconv.Itoa(batch),
			strconv.FormatFloat(v.seconds, 'f', 1, 64), f(v.top1), f(v.top5), f(v.knn20)})
	}
	var order []string
	byVariant := map[string][]seedValues{}
	teacherOf := map[string]string{}
	for _, run := range runs.ByRun(rows) {
		r := run[0]
		v := valuesOf(run)
		if _, ok := byVariant[r.Run]; !ok {
			order = append(order, r.Run)
			teacherOf[r.Run] = r.Teacher
		}
		byVariant[r.Run] = append(byVariant[r.Run], v)
		line(r.Run, strconv.FormatInt(r.TrainSeed, 10), r.Teacher, v)
	}
	if final {
		for _, name := range order {
			vs := byVariant[name]
			stat := func(get func(seedValues) float64) (mean, std float64) {
				xs := make([]float64, len(vs))
				for i, v := range vs {
					xs[i] = get(v)
				}
				return meanStd(xs)
			}
			var mean, std seedValues
			mean.seconds, std.seconds = stat(func(v seedValues) float64 { return v.seconds })
			mean.top1, std.top1 = stat(func(v seedValues) float64 { return v.top1 })
			mean.top5, std.top5 = stat(func(v seedValues) float64 { return v.top5 })
			mean.knn20, std.knn20 = stat(func(v seedValues) float64 { return v.knn20 })
			line(name, "mean", teacherOf[name], mean)
			line(name, "std", teacherOf[name], std)
		}
	}
	cw.Flush()
	return cw.Error()
}

// seedValues are the numbers of one line of distill-seeds' table; knn20 is NaN when not computed.
type seedValues struct{ seconds, top1, top5, knn20 float64 }

// valuesOf returns a run's training time, linear-probe accuracies and kNN (k = 20) top-1.
func valuesOf(run runs.RunRows) seedValues {
	linear, _ := run.Find(mvmr.ProtocolLinear)
	v := seedValues{seconds: run[0].TrainSeconds, top1: linear.Top1, top5: linear.Top5, knn20: math.NaN()}
	if k, ok := run.Top1(knn20Label); ok {
		v.knn20 = k
	}
	return v
}

// meanStd returns the mean and the sample standard deviation (n − 1; 0 for one value; NaN
// for both when a value is NaN).
func meanStd(xs []float64) (mean, std float64) {
	mean = stat.Mean(xs, nil)
	if math.IsNaN(mean) {
		return mean, mean // a missing value (kNN off) stays missing
	}
	if len(xs) < 2 {
		return mean, 0
	}
	return stat.MeanStdDev(xs, nil)
}
