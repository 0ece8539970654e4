package runs

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// clipConfigYAML is an official CLIP config (configs/stl10_clip_self_supervised.yaml's keys) cut to
// a few steps of a small cnn on 64 MNIST digits.
const clipConfigYAML = `
batch_size: 16
epochs: 1
warmup_epochs: 0
log_every: 100
eval_every: 1
n_workers: 16
fp16: True
accumulate_grad_batches: 1
normalize_z: False
fine_tune_from:
std_margin: 1
optimizer: adam
wd: 1e-6
lr: 1e-4
dataset:
  name: mnist
  n_classes: 10
  path:
  aug_policy: default
  limit: 64
  test_limit: 32
encoder_type: resnet
encoder:
  type: cnn
  channels: [4, 8]
  strides: [2, 2]
  out_dim: 16-16
clip:
  model_name: ViT-B-16
  pretrained: laion400m_e32
eval:
  protocols: []
monitors: []
`

// TestCLIPConfigTrainsTheOfficialCLIPLoss: a CLIP config trains mse, std, dcor_zz and the teacher
// term (an .npy table of 64 embeddings) and nothing else: the terms History logs are exactly
// those of the official CLIPSelfSupervisedModule.
func TestCLIPConfigTrainsTheOfficialCLIPLoss(t *testing.T) {
	dir := t.TempDir()
	table := filepath.Join(dir, "clip.npy")
	rng := rand.New(rand.NewPCG(1, 2))
	emb := make([]float32, 64*8)
	for i := range emb {
		emb[i] = float32(rng.NormFloat64())
	}
	f, err := os.Create(table)
	if err != nil {
		t.Fatal(err)
	}
	if err := npy.WriteFloat32Array(f, emb, []int{64, 8}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	l, err := Parse([]byte(clipConfigYAML), "clip.teacher="+table)
	if err != nil {
		t.Fatal(err)
	}
	c := l.Config
	if len(c.Representations) != 1 || c.Representations[0].Name != mvmr.TeacherName || c.Representations[0].Mode != string(mvmr.ModeMaximize) {
		t.Fatalf("representations %+v; want the teacher term alone, maximize", c.Representations)
	}
	if !slices.ContainsFunc(l.Notices, func(n string) bool { return strings.Contains(n, "official CLIP distillation") }) {
		t.Errorf("notices %q: want the one saying the CLIP distillation trains", l.Notices)
	}
	out, err := Run(context.Background(), c, filepath.Join(dir, "run"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = out
	header := strings.SplitN(readFile(t, filepath.Join(dir, "run", FileHistory)), "\n", 2)[0]
	var terms []string
	for _, col := range strings.Split(header, ",") {
		if col == mvmr.TermMSE || col == mvmr.TermStd || col == mvmr.TermDCorZZ || col == mvmr.TermTotal || strings.HasPrefix(col, "dcor/") {
			terms = append(terms, col)
		}
	}
	slices.Sort(terms)
	want := []string{mvmr.TermTeacher, mvmr.TermDCorZZ, mvmr.TermMSE, mvmr.TermStd, mvmr.TermTotal}
	slices.Sort(want)
	if !slices.Equal(terms, want) {
		t.Errorf("history.csv loss terms %v (header %s); want exactly %v", terms, header, want)
	}
	// The printed config loads back as the same config.
	y, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(y)
	if err != nil || !slices.Equal(back.Config.Representations.Names(), c.Representations.Names()) || back.Config.CLIP != c.CLIP {
		t.Errorf("config.yaml read back: %v, representations %v, clip %+v", err, back.Config.Representations.Names(), back.Config.CLIP)
	}
}

// TestCLIPConfigWithoutTeacherFileFailsInOneLine: without its teacher file, a CLIP config stops
// before training with one line naming the file and the command that makes it.
func TestCLIPConfigWithoutTeacherFileFailsInOneLine(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "clip-missing.npy")
	l, err := Parse([]byte(clipConfigYAML), "clip.teacher="+missing)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), l.Config, filepath.Join(dir, "run"), Options{})
	if !errors.Is(err, ErrCLIPTeacherMissing) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), missing) ||
		!strings.Contains(err.Error(), CLIPTeacherScript+" --model ViT-B-16 --pretrained laion400m_e32 --dataset mnist") {
		t.Errorf("error %q; want one line naming %s and the %s command", err, missing, CLIPTeacherScript)
	}
	// The default file name says which model, weights, data set and split it holds.
	l, err = Parse([]byte(clipConfigYAML))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Config.DefaultCLIPTeacher(), "clip-ViT-B-16-laion400m_e32-mnist-train-limit64.npy"; got != want {
		t.Errorf("DefaultCLIPTeacher = %q; want %q", got, want)
	}
	// Other representations beside clip would train a loss the official module does not have.
	if _, err := Parse([]byte(clipConfigYAML), "representations=image,std"); err == nil || !strings.Contains(err.Error(), "CLIP teacher term only") {
		t.Errorf("clip with representations image,std: %v; want a refusal", err)
	}
}
