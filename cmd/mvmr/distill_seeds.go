package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// seedRow is one run of distill-seeds: a student variant at one seed.
type seedRow struct {
	Variant string
	Seed    int64
	Seconds float64
	Top1    float64
	Top5    float64
	KNN20   float64 // NaN when -knn=false
}

var distillSeedsHeader = []string{"variant", "seed", "encoder", "teacher", "reps", "steps", "batch", "train_seconds", "linear_top1", "linear_top5", "knn20_top1"}

func runDistillSeeds(args []string, stdout, stderr io.Writer) error {
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
		return err
	}
	if fs.NArg() > 0 || *shared.steps < 1 || *shared.teacher == "" {
		return badInput("expected no arguments, -teacher KIND:PATH and -steps >= 1")
	}
	setup, err := shared.setup()
	if err != nil {
		return err
	}
	steps := setup.steps
	var seeds []int64
	for _, s := range strings.Split(*seedList, ",") {
		v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return badInput("-seeds: %q is not an integer", s)
		}
		seeds = append(seeds, v)
	}
	keptName := "distilled + " + strings.ReplaceAll(*shared.reps, ",", "+")
	variants := []struct {
		name   string
		config func() mvmr.Config
	}{
		{"MV-MR alone", func() mvmr.Config {
			c := mvmr.QuickstartConfig(int64(steps))
			c.Encoder = setup.encoder
			return c
		}},
		{"distilled", func() mvmr.Config { return setup.config(nil, nil) }},
		{keptName, func() mvmr.Config { return setup.config(nil, setup.reps) }},
	}
	for _, v := range variants {
		if err := v.config().Validate(); err != nil {
			return usageError{fmt.Errorf("%s: %w", v.name, err)}
		}
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		return err
	}
	var rows []seedRow
	repsOf := map[string]string{} // variant → its representation terms, e.g. "teacher,image,std"
	for _, v := range variants {
		var names []string
		for _, r := range v.config().Loss.Representations {
			names = append(names, r.Name)
		}
		repsOf[v.name] = strings.Join(names, ",")
	}
	write := func(final bool) error {
		return atomicfile.Write(*results, func(w io.Writer) error {
			return writeDistillSeedsCSV(w, rows, final, *shared.student, *shared.teacher, repsOf, steps, mvmr.QuickstartConfig(1).BatchSize)
		})
	}
	for _, seed := range seeds {
		for _, v := range variants {
			config := v.config()
			config.Seed = seed
			fmt.Fprintf(stdout, "\n== seed %d: %s\n", seed, v.name)
			trainer, err := mvmr.NewTrainer(config, train)
			if err != nil {
				return err
			}
			trainer.Progress = stdout
			t0 := time.Now()
			row, err := distillSeedRun(trainer, v.name, seed, steps, *knn, train, test)
			trainer.Close()
			if err != nil {
				return fmt.Errorf("seed %d, %s: %w", seed, v.name, err)
			}
			row.Seconds = time.Since(t0).Seconds()
			rows = append(rows, row)
			fmt.Fprintf(stdout, "seed %d, %s: linear top-1 %.2f %%, kNN k=20 %.2f %% (%.0f s)\n", seed, v.name, 100*row.Top1, 100*row.KNN20, row.Seconds)
			if err := write(false); err != nil {
				return err
			}
		}
	}
	if err := write(true); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", *results)
	return nil
}

// distillSeedRun trains one student and probes it.
func distillSeedRun(trainer *mvmr.Trainer, name string, seed int64, steps int, knn bool, train, test *datasets.Dataset) (seedRow, error) {
	row := seedRow{Variant: name, Seed: seed, KNN20: math.NaN()}
	if err := trainer.Train(steps); err != nil {
		return row, err
	}
	probe := mvmr.DefaultProbeConfig()
	probe.Seed = seed
	e, err := trainer.ProbeEncoder(name, train, test, probe)
	if err != nil {
		return row, err
	}
	row.Top1, row.Top5 = e.Top1, e.Top5
	if knn {
		if row.KNN20, _, err = distillKNN(trainer, test); err != nil {
			return row, err
		}
	}
	return row, nil
}

// writeDistillSeedsCSV writes one line per run and, when final, a "mean" and a "std"
// (sample standard deviation, n−1) line per variant.
func writeDistillSeedsCSV(w io.Writer, rows []seedRow, final bool, student, teacher string, reps map[string]string, steps, batch int) error {
	cw := csv.NewWriter(w)
	cw.Write(distillSeedsHeader)
	f := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'f', 4, 64)
	}
	line := func(variant, seed string, seconds, top1, top5, knn float64) {
		teach := teacher
		if variant == "MV-MR alone" {
			teach = "none (MV-MR)"
		}
		cw.Write([]string{variant, seed, student, teach, reps[variant], strconv.Itoa(steps), strconv.Itoa(batch),
			strconv.FormatFloat(seconds, 'f', 1, 64), f(top1), f(top5), f(knn)})
	}
	var order []string
	byVariant := map[string][]seedRow{}
	for _, r := range rows {
		if _, ok := byVariant[r.Variant]; !ok {
			order = append(order, r.Variant)
		}
		byVariant[r.Variant] = append(byVariant[r.Variant], r)
		line(r.Variant, strconv.FormatInt(r.Seed, 10), r.Seconds, r.Top1, r.Top5, r.KNN20)
	}
	if final {
		for _, v := range order {
			rs := byVariant[v]
			stat := func(get func(seedRow) float64) (mean, std float64) {
				xs := make([]float64, len(rs))
				for i, r := range rs {
					xs[i] = get(r)
				}
				return meanStd(xs)
			}
			ms, ss := stat(func(r seedRow) float64 { return r.Seconds })
			m1, s1 := stat(func(r seedRow) float64 { return r.Top1 })
			m5, s5 := stat(func(r seedRow) float64 { return r.Top5 })
			mk, sk := stat(func(r seedRow) float64 { return r.KNN20 })
			line(v, "mean", ms, m1, m5, mk)
			line(v, "std", ss, s1, s5, sk)
		}
	}
	cw.Flush()
	return cw.Error()
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
