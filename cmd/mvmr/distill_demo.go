package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// distillDemoResult is what distill-demo writes as JSON.
type distillDemoResult struct {
	Backend string `json:"backend"`
	Seed    int64  `json:"seed"`
	Steps   int    `json:"steps"`
	// Rows are the models' result rows: per model its linear probe and its kNN accuracies (k = 20
	// and 200). A file written before holds one row per model (runs.DecodeRows reads both).
	Rows []runs.Row `json:"rows"`
	// TeacherFeatureMaxDiff is max |checkpoint teacher − npy teacher| over the training set's
	// teacher features (after the 1/32 scale): 0 when the npy table is the teacher's own output.
	TeacherFeatureMaxDiff float64 `json:"teacher_feature_max_abs_diff"`
	TotalSeconds          float64 `json:"total_seconds"`
}

func runDistillDemo(args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	fs := flag.NewFlagSet("distill-demo", flag.ContinueOnError)
	steps := fs.Int("steps", mvmr.QuickstartSteps, "training steps of each model (teacher, distilled students, scratch student)")
	seed := fs.Int64("seed", 1, "seed of every run and probe")
	student := fs.String("student", mvmr.DistillStudentSpec, "student encoder CHANNELS/PROJECTOR")
	out := fs.String("out", "mvmr-distill-demo", "folder for the teacher checkpoint, its embeddings (.npy) and the students' checkpoints")
	results := fs.String("results", filepath.Join("notebooks", "data", "distillation"), "results table path without extension (.csv and .json are written)")
	knnOnly := fs.Bool("knn-only", false, "only (re)compute the kNN accuracies of the models a finished run saved in -out, updating -results")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr distill-demo [flags]\n\nOn the embedded MNIST: trains a teacher (the quickstart encoder), saves it and its h embeddings, distils it\n"+
			"into a small student from the checkpoint and from the .npy table, trains the same student with MV-MR alone,\n"+
			"and compares linear probes.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 || *steps < 1 {
		return badInput("expected no arguments and -steps >= 1")
	}
	studentEncoder, err := mvmr.ParseStudentSpec(*student)
	if err != nil {
		return usageError{fmt.Errorf("-student: %w", err)}
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		return err
	}
	if *knnOnly {
		return distillKNNOnly(*out, *results, train, test, stdout)
	}
	probe := mvmr.DefaultProbeConfig()
	probe.Seed = *seed
	result := distillDemoResult{Backend: mvmr.BackendConfig(), Seed: *seed, Steps: *steps}

	// run trains one model, saves it, probes it (linear, kNN) and adds its rows.
	run := func(name, encoderSpec, teacher string, config mvmr.Config) (*mvmr.Trainer, error) {
		config.Seed = *seed
		fmt.Fprintf(stdout, "\n== %s (%s, teacher %s)\n", name, encoderSpec, teacher)
		trainer, err := mvmr.NewTrainer(config, train)
		if err != nil {
			return nil, err
		}
		trainer.Progress = stdout
		done, err := runs.Execute(context.Background(), trainer, runs.Job{
			Label: runs.Row{Run: name, Encoder: encoderSpec, Teacher: teacher}, Steps: int64(*steps), CountParams: true,
			Checkpoint: filepath.Join(*out, name+".mvmr"),
			After:      []runs.Evaluation{runs.LinearProbe(name, train, test, probe), runs.KNN(test)},
		})
		if err != nil {
			trainer.Close()
			return nil, err
		}
		result.Rows = append(result.Rows, done.Rows...)
		r := done.Rows[0]
		knn20, _ := runs.RunRows(done.Rows).Top1(mvmr.ProtocolKNN + " k=20")
		fmt.Fprintf(stdout, "%s: %d parameters (%d backbone), linear probe top-1 %.2f %%, kNN k=20 %.2f %% (%.0f s training)\n",
			name, r.TotalParams, r.BackboneParams, 100*r.Top1, 100*knn20, r.TrainSeconds)
		return trainer, nil
	}

	teacherConfig := mvmr.QuickstartConfig(int64(*steps))
	teacherSpec := fmt.Sprintf("%s/%s", joinInts(teacherConfig.Encoder.Channels), teacherConfig.Encoder.Projector)
	teacher, err := run("teacher", teacherSpec, "none (MV-MR)", teacherConfig)
	if err != nil {
		return err
	}
	teacherPath := filepath.Join(*out, "teacher.mvmr")
	h, dim, err := teacher.Features(train)
	teacher.Close()
	if err != nil {
		return err
	}
	npyPath := filepath.Join(*out, "teacher_h.npy")
	err = atomicfile.Write(npyPath, func(w io.Writer) error {
		data := make([]float64, len(h))
		for i, v := range h {
			data[i] = float64(v)
		}
		return npy.Write(w, data, train.Len(), dim, false)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote the teacher's h of %d training images (%d-d) to %s\n", train.Len(), dim, npyPath)

	fromCheckpoint, err := run("student distilled (checkpoint teacher)", *student, "checkpoint:"+teacherPath,
		mvmr.DistillConfig(studentEncoder, mvmr.TeacherTerm(mvmr.TeacherCheckpoint, teacherPath, nil), int64(*steps)))
	if err != nil {
		return err
	}
	fromCheckpoint.Close()
	fromNPY, err := run("student distilled (npy teacher)", *student, "npy:"+npyPath,
		mvmr.DistillConfig(studentEncoder, mvmr.TeacherTerm(mvmr.TeacherNPY, npyPath, nil), int64(*steps)))
	if err != nil {
		return err
	}
	fromNPY.Close()
	if result.TeacherFeatureMaxDiff, err = teacherFeatureDiff(fromCheckpoint, fromNPY, train); err != nil {
		return err
	}
	scratchConfig := mvmr.QuickstartConfig(int64(*steps))
	scratchConfig.Encoder = studentEncoder
	scratch, err := run("student alone (MV-MR)", *student, "none (MV-MR)", scratchConfig)
	if err != nil {
		return err
	}
	scratch.Close()
	result.TotalSeconds = time.Since(start).Seconds()

	if err := writeDistillResults(*results, result); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	writeDistillTable(stdout, result.Rows)
	fmt.Fprintf(stdout, "checkpoint vs npy teacher features: max |difference| %.3g; total %s; wrote %s.{csv,json}\n",
		result.TeacherFeatureMaxDiff, time.Since(start).Round(time.Second), *results)
	return nil
}

// teacherFeatureDiff compares the teacher features two distillation runs trained on.
func teacherFeatureDiff(a, b *mvmr.Trainer, data *datasets.Dataset) (float64, error) {
	var feats [2][]float32
	for i, t := range []*mvmr.Trainer{a, b} {
		terms := t.Config().Loss.Representations
		rep, err := mvmr.Representations().New(terms[0].Name, terms[0].Params)
		if err != nil {
			return 0, err
		}
		if feats[i], err = t.Cache.RepresentationFeatures(t.Backend(), rep, data); err != nil {
			return 0, err
		}
	}
	if len(feats[0]) != len(feats[1]) {
		return 0, fmt.Errorf("teacher features have %d and %d values", len(feats[0]), len(feats[1]))
	}
	worst := 0.0
	for i := range feats[0] {
		worst = max(worst, float64(abs32(feats[0][i]-feats[1][i])))
	}
	return worst, nil
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

func joinInts(xs []int) string {
	var b bytes.Buffer
	for i, x := range xs {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.Itoa(x))
	}
	return b.String()
}

// writeDistillResults writes path.csv and path.json atomically.
func writeDistillResults(path string, result distillDemoResult) error {
	err := atomicfile.Write(path+".csv", func(w io.Writer) error { return runs.WriteDistillCSV(w, result.Rows) })
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(result, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(path+".json", append(js, '\n'))
}

// writeDistillTable prints the results as an aligned table, one line per model.
func writeDistillTable(w io.Writer, rows []runs.Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\tparameters\tbackbone\th dim\tlinear top-1 %\tkNN k=20 %\tkNN k=200 %\t")
	for _, model := range runs.ByRun(rows) {
		linear, _ := model.Find(mvmr.ProtocolLinear)
		knn20, _ := model.Top1(mvmr.ProtocolKNN + " k=20")
		knn200, _ := model.Top1(mvmr.ProtocolKNN + " k=200")
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t\n", linear.Run, linear.TotalParams, linear.BackboneParams, linear.Dim(),
			100*linear.Top1, 100*knn20, 100*knn200)
	}
	tw.Flush()
}

// distillKNNOnly recomputes the kNN accuracies of the results of a finished run, from the
// checkpoints it saved in out.
func distillKNNOnly(out, results string, train, test *datasets.Dataset, stdout io.Writer) error {
	raw, err := os.ReadFile(results + ".json")
	if err != nil {
		return usageError{err}
	}
	var file struct {
		distillDemoResult
		Rows json.RawMessage `json:"rows"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		return usageError{fmt.Errorf("%s.json: %w", results, err)}
	}
	result := file.distillDemoResult
	previous, err := runs.DecodeRows(file.Rows)
	if err != nil {
		return usageError{fmt.Errorf("%s.json: %w", results, err)}
	}
	for i := range previous {
		if previous[i].TrainSeed == 0 { // a file written before rows were recorded: the seed is the file's
			previous[i].TrainSeed = result.Seed
		}
	}
	result.Rows = nil
	for _, model := range runs.ByRun(previous) {
		linear, ok := model.Find(mvmr.ProtocolLinear)
		if !ok {
			return usageError{fmt.Errorf("%s.json: model %q has no linear row", results, model[0].Run)}
		}
		trainer, err := mvmr.LoadTrainer(filepath.Join(out, linear.Run+".mvmr"), train)
		if err != nil {
			return err
		}
		knn, err := runs.KNN(test)(trainer)
		trainer.Close()
		if err != nil {
			return err
		}
		result.Rows = append(result.Rows, linear)
		for _, r := range knn {
			row := linear
			row.Result = r.Result
			row.TrainSeed = linear.TrainSeed
			result.Rows = append(result.Rows, row)
		}
		knn20, _ := runs.RunRows(knn).Top1(mvmr.ProtocolKNN + " k=20")
		knn200, _ := runs.RunRows(knn).Top1(mvmr.ProtocolKNN + " k=200")
		fmt.Fprintf(stdout, "%s: kNN top-1 k=20 %.2f %%, k=200 %.2f %%\n", linear.Run, 100*knn20, 100*knn200)
	}
	if err := writeDistillResults(results, result); err != nil {
		return err
	}
	writeDistillTable(stdout, result.Rows)
	return nil
}
