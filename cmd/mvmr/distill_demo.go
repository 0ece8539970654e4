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
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
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
	f, err := parseDistillDemoFlags(args, stderr)
	if err != nil {
		return err
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		return err
	}
	if f.knnOnly {
		return distillKNNOnly(f.out, f.results, train, test, stdout)
	}
	d := &distillDemo{distillDemoFlags: f, train: train, test: test, probe: mvmr.DefaultProbeConfig(), stdout: stdout,
		result: distillDemoResult{Backend: mvmr.BackendConfig(), Seed: f.seed, Steps: f.steps}}
	d.probe.Seed = f.seed

	teacherPath, npyPath, err := d.teacher()
	if err != nil {
		return err
	}
	if err := d.distilledStudents(teacherPath, npyPath); err != nil {
		return err
	}
	if err := d.scratchStudent(); err != nil {
		return err
	}
	d.result.TotalSeconds = time.Since(start).Seconds()

	if err := writeDistillResults(f.results, d.result); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	writeDistillTable(stdout, d.result.Rows)
	fmt.Fprintf(stdout, "checkpoint vs npy teacher features: max |difference| %.3g; total %s; wrote %s.{csv,json}\n",
		d.result.TeacherFeatureMaxDiff, time.Since(start).Round(time.Second), f.results)
	return nil
}

// distillDemoFlags are distill-demo's settings, from its command line.
type distillDemoFlags struct {
	steps          int
	seed           int64
	student        string // the -student spec, as given
	studentEncoder nn.EncoderConfig
	out, results   string
	knnOnly        bool
}

// parseDistillDemoFlags reads and checks distill-demo's command line.
func parseDistillDemoFlags(args []string, stderr io.Writer) (distillDemoFlags, error) {
	var f distillDemoFlags
	fs := flag.NewFlagSet("distill-demo", flag.ContinueOnError)
	fs.IntVar(&f.steps, "steps", distillDefaultSteps, "training steps of each model (teacher, distilled students, scratch student)")
	fs.Int64Var(&f.seed, "seed", 1, "seed of every run and probe")
	fs.StringVar(&f.student, "student", mvmr.DistillStudentSpec, "student encoder CHANNELS/PROJECTOR")
	fs.StringVar(&f.out, "out", "mvmr-distill-demo", "folder for the teacher checkpoint, its embeddings (.npy) and the students' checkpoints")
	fs.StringVar(&f.results, "results", filepath.Join("notebooks", "data", "distillation"), "results table path without extension (.csv and .json are written)")
	fs.BoolVar(&f.knnOnly, "knn-only", false, "only (re)compute the kNN accuracies of the models a finished run saved in -out, updating -results")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr distill-demo [flags]\n\nOn the embedded MNIST: trains a teacher (the quickstart encoder), saves it and its h embeddings, distils it\n"+
			"into a small student from the checkpoint and from the .npy table, trains the same student with MV-MR alone,\n"+
			"and compares linear probes.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return f, err
	}
	if fs.NArg() > 0 || f.steps < 1 {
		return f, badInput("expected no arguments and -steps >= 1")
	}
	var err error
	if f.studentEncoder, err = mvmr.ParseStudentSpec(f.student); err != nil {
		return f, usageError{fmt.Errorf("-student: %w", err)}
	}
	return f, nil
}

// distillDemo is one distill-demo: its settings, data and probe, and the result its models add to.
type distillDemo struct {
	distillDemoFlags
	train, test *datasets.Dataset
	probe       mvmr.ProbeConfig
	result      distillDemoResult
	stdout      io.Writer
}

// run trains one model, saves it, probes it (linear, kNN) and adds its rows; the caller closes
// the trainer it returns.
func (d *distillDemo) run(name, encoderSpec, teacher string, config mvmr.Config) (*mvmr.Trainer, error) {
	config.Seed = d.seed
	fmt.Fprintf(d.stdout, "\n== %s (%s, teacher %s)\n", name, encoderSpec, teacher)
	trainer, err := mvmr.NewTrainer(config, d.train)
	if err != nil {
		return nil, err
	}
	trainer.Progress = d.stdout
	done, err := runs.Execute(context.Background(), trainer, runs.Job{
		Label: runs.Row{Run: name, Encoder: encoderSpec, Teacher: teacher}, Steps: int64(d.steps), CountParams: true,
		Checkpoint: filepath.Join(d.out, name+".mvmr"),
		After:      []runs.Evaluation{runs.LinearProbe(name, d.train, d.test, d.probe), runs.KNN(d.test)},
	})
	if err != nil {
		trainer.Close()
		return nil, err
	}
	d.result.Rows = append(d.result.Rows, done.Rows...)
	r := done.Rows[0]
	knn20, _ := runs.RunRows(done.Rows).Top1(mvmr.ProtocolKNN + " k=20")
	fmt.Fprintf(d.stdout, "%s: %d parameters (%d backbone), linear probe top-1 %.2f %%, kNN k=20 %.2f %% (%.0f s training)\n",
		name, r.TotalParams, r.BackboneParams, 100*r.Top1, 100*knn20, r.TrainSeconds)
	return trainer, nil
}

// teacher trains the teacher (the quickstart model) and writes its h of the training images as
// a .npy table; it returns the teacher's checkpoint and that table.
func (d *distillDemo) teacher() (teacherPath, npyPath string, err error) {
	teacherConfig := mvmr.QuickstartConfig(int64(d.steps))
	teacherSpec := fmt.Sprintf("%s/%s", joinInts(teacherConfig.Encoder.Channels), teacherConfig.Encoder.Projector)
	teacher, err := d.run("teacher", teacherSpec, "none (MV-MR)", teacherConfig)
	if err != nil {
		return "", "", err
	}
	teacherPath = filepath.Join(d.out, "teacher.mvmr")
	h, dim, err := teacher.Features(d.train)
	teacher.Close()
	if err != nil {
		return "", "", err
	}
	npyPath = filepath.Join(d.out, "teacher_h.npy")
	err = atomicfile.Write(npyPath, func(w io.Writer) error {
		data := make([]float64, len(h))
		for i, v := range h {
			data[i] = float64(v)
		}
		return npy.Write(w, data, d.train.Len(), dim, false)
	})
	if err != nil {
		return "", "", err
	}
	fmt.Fprintf(d.stdout, "wrote the teacher's h of %d training images (%d-d) to %s\n", d.train.Len(), dim, npyPath)
	return teacherPath, npyPath, nil
}

// distilledStudents distils the teacher into the student from its checkpoint and from its .npy
// table, and compares the teacher features the two trained on.
func (d *distillDemo) distilledStudents(teacherPath, npyPath string) error {
	fromCheckpoint, err := d.run("student distilled (checkpoint teacher)", d.student, "checkpoint:"+teacherPath,
		mvmr.DistillConfig(d.studentEncoder, mvmr.TeacherTerm(mvmr.TeacherCheckpoint, teacherPath, nil), int64(d.steps)))
	if err != nil {
		return err
	}
	fromCheckpoint.Close()
	fromNPY, err := d.run("student distilled (npy teacher)", d.student, "npy:"+npyPath,
		mvmr.DistillConfig(d.studentEncoder, mvmr.TeacherTerm(mvmr.TeacherNPY, npyPath, nil), int64(d.steps)))
	if err != nil {
		return err
	}
	fromNPY.Close()
	d.result.TeacherFeatureMaxDiff, err = teacherFeatureDiff(fromCheckpoint, fromNPY, d.train)
	return err
}

// scratchStudent trains the student with MV-MR alone (the quickstart config with its encoder).
func (d *distillDemo) scratchStudent() error {
	scratchConfig := mvmr.QuickstartConfig(int64(d.steps))
	scratchConfig.Encoder = d.studentEncoder
	scratch, err := d.run("student alone (MV-MR)", d.student, "none (MV-MR)", scratchConfig)
	if err != nil {
		return err
	}
	scratch.Close()
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
