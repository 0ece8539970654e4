package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
)

// tinyEvalTrainer is an untrained 4-8 channel CNN on the first n MNIST training digits, closed
// when the test ends.
func tinyEvalTrainer(t *testing.T, n int) *mvmr.Trainer {
	return tinyTrainer(t, n, 32)
}

// tinyTrainer is the tiny cnn encoder (4-8 channels, projector 32-16) on the first n MNIST
// training images, batch batch, closed when the test ends.
func tinyTrainer(t *testing.T, n, batch int) *mvmr.Trainer {
	t.Helper()
	train, err := datasets.LoadMNIST(datasets.SplitTrain)
	if err != nil {
		t.Fatal(err)
	}
	config := mvmr.DefaultConfig(4)
	config.BatchSize = batch
	config.Encoder = nn.EncoderConfig{Channels: []int{4, 8}, Strides: []int{2, 2}, Head: nn.HeadFlatten, Projector: "32-16"}
	config.Optimizer.WarmupSteps = 1
	trainer, err := mvmr.NewTrainer(config, train.Subset(n))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(trainer.Close)
	return trainer
}

// tinyCheckpoint trains the tiny cnn encoder (4-8 channels, projector 32-16) for steps steps
// on the first n MNIST training images, batch batch, and saves it as dir/checkpoint.mvmr.
func tinyCheckpoint(t *testing.T, dir string, n, batch, steps int) string {
	t.Helper()
	trainer := tinyTrainer(t, n, batch)
	if err := trainer.Train(steps); err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(dir, checkpointFile)
	if err := trainer.Save(ckpt); err != nil {
		t.Fatal(err)
	}
	return ckpt
}

func TestEvalCommand(t *testing.T) {
	dir := t.TempDir()
	ckpt := tinyCheckpoint(t, dir, 512, 32, 2)
	out := filepath.Join(dir, "eval")
	code, stdout, stderr := runCLI("eval", "-checkpoint", dir, "-protocol", "linear,knn,semi1,tsne", "-train-n", "1000",
		"-test-n", "300", "-tsne-n", "100", "-semi-steps", "5", "-probe-epochs", "2", "-export", "-out", out)
	if code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	for _, want := range []string{"linear", "k=20", "k=200", "semi1", "per_class", "tsne", "trust", "kNN: 300/300 test rows"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	results, err := mvmr.LoadResults(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 5 {
		t.Fatalf("%d results; want linear, knn k=20 and k=200, semi1, tsne", len(results))
	}
	for _, r := range results {
		if r.Step != 2 || r.TrainSplit != "mnist/train[:1000]" || r.Dataset != "mnist" || r.Checkpoint != ckpt {
			t.Errorf("result %+v: wrong step, split or checkpoint", r)
		}
		if r.Protocol != mvmr.ProtocolTSNE && !(r.Top1 > 0.3 && r.Top1 <= r.Top5) && r.Protocol != mvmr.ProtocolSemi1 {
			t.Errorf("%s %s: top-1 %.3f top-5 %.3f; expected well above chance (0.1) on MNIST", r.Protocol, r.Variant, r.Top1, r.Top5)
		}
	}
	if tr := results[4].Metrics["trustworthiness"]; !(tr > 0.5 && tr <= 1) {
		t.Errorf("t-SNE trustworthiness %g", tr)
	}
	for _, name := range []string{"results.csv", "tsne_h.png", "tsne_h.svg", "tsne_h.npy", "tsne_h_labels.npy", "export/h.npy", "export/z.npy", "export/labels.npy", "export/indices.npy"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	// A kNN grid (solo-learn's offline kNN): one row per (k, T), flags after the others.
	code, stdout, stderr = runCLI("eval", "-checkpoint", dir, "-protocol", "knn", "-train-n", "1000", "-test-n", "300",
		"-out", filepath.Join(dir, "grid"), "-knn-k", "10,20,200", "-knn-t", "0.07,0.1")
	if code != 0 {
		t.Fatalf("kNN grid: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	rows := 0
	for _, line := range strings.Split(stdout, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == mvmr.ProtocolKNN {
			rows++
		}
	}
	for _, want := range []string{"k=10 T=0.07", "k=10 T=0.1", "k=20 T=0.07", "k=200 T=0.1", "T 0.1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("kNN grid output lacks %q:\n%s", want, stdout)
		}
	}
	if rows != 6 {
		t.Errorf("kNN grid: %d knn rows; want 6 (3 k × 2 T):\n%s", rows, stdout)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"eval", "-checkpoint", ckpt, "-knn-k", "10,0"}, `-knn-k "10,0": item "0"`},
		{[]string{"eval", "-checkpoint", ckpt, "-knn-t", "0.1,x"}, `-knn-t "0.1,x": item "x"`},
		{[]string{"eval"}, "-checkpoint is required"},
		{[]string{"eval", "-checkpoint", filepath.Join(dir, "missing.mvmr")}, "missing.mvmr"},
		{[]string{"eval", "-checkpoint", out}, "holds no checkpoint.mvmr"},
		{[]string{"eval", "-checkpoint", ckpt, "-protocol", "cluster"}, `-protocol "cluster"`},
		{[]string{"eval", "-checkpoint", ckpt, "-features", "y"}, "-features"},
		{[]string{"eval", "-checkpoint", filepath.Join(out, "results.csv")}, "not an mvmr checkpoint"},
	} {
		code, _, errOut := runCLI(tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("mvmr %v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestEvalOfficialProtocols: -protocol linear_official and -semi-official-epochs run the official
// protocols; the table names the best epoch and the official sampling.
func TestEvalOfficialProtocols(t *testing.T) {
	dir := t.TempDir()
	trainer := tinyEvalTrainer(t, 300)
	if err := trainer.Save(filepath.Join(dir, "checkpoint.mvmr")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI("eval", "-checkpoint", dir, "-protocol", "linear_official,semi10", "-train-n", "300", "-test-n", "100",
		"-official-linear-epochs", "2", "-semi-official-epochs", "1", "-official-batch", "16", "-out", filepath.Join(dir, "eval"))
	if code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	for _, want := range []string{"linear_official", "best epoch", "of 2", "semi10", "official", "31 labelled"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, stderr := runCLI("eval", "-checkpoint", dir, "-official-linear-epochs", "0"); code == 0 || !strings.Contains(stderr, "-official-linear-epochs = 0") {
		t.Errorf("-official-linear-epochs 0: exit %d, %s", code, stderr)
	}
}
