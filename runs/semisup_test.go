package runs

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/synthfolder"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// semiConfigYAML is the official imagenet_semi_supervised.yaml (HEAD 7136f70) with a folder data
// set of 16×16 images and 2 epochs of 8: the same keys, dataset.percentage 10.
const semiConfigYAML = `
batch_size: 8
epochs: 2
eval_every: 1
n_workers: 16
fp16: True
accumulate_grad_batches: 1
fine_tune_from:
wd: 1e-6
lr: 1e-4
num_features: 2048
dataset:
  name: folder
  n_classes: 4
  size: 16
  path: %s
  percentage: 10
encoder:
  out_dim: 8192-8192-8192
comment: imagenet_semi_supervised_0.10
`

// TestSemiSupervisedConfigRunsTheOfficialFineTune: a config with dataset.percentage fine-tunes the
// encoder of semi.checkpoint on int(10 % · 80) + 1 = 9 labels drawn with replacement, 2 epochs of
// floor(9/8) = 1 step, and records one semi10 row; without semi.checkpoint it stops in one line.
func TestSemiSupervisedConfigRunsTheOfficialFineTune(t *testing.T) {
	root := t.TempDir()
	// The folder data set's layout: root/train/<class>/ and root/val/<class>/.
	for _, split := range []string{"train", "val"} {
		if err := synthfolder.OneHot(filepath.Join(root, split), 4, 20, 16, 250, 5); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	ssl, err := Parse(nil, "dataset.name=folder", "dataset.path="+root, "dataset.size=16", "batch_size=16", "steps=2",
		"encoder.channels=[4, 8]", "encoder.strides=[2, 2]", "encoder.out_dim=16-16", "eval.protocols=[]", "monitors=[]")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), ssl.Config, filepath.Join(dir, "ssl"), Options{}); err != nil {
		t.Fatal(err)
	}
	raw := []byte(fmt.Sprintf(semiConfigYAML, root))
	l, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !hasNotice(l.Notices, "dataset.percentage") || !hasNotice(l.Notices, "num_features") {
		t.Errorf("notices %q: want dataset.percentage's and num_features'", l.Notices)
	}
	_, err = Run(context.Background(), l.Config, filepath.Join(dir, "semi-missing"), Options{})
	if !errors.Is(err, ErrSemiNeedsCheckpoint) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "semi.checkpoint") {
		t.Errorf("without semi.checkpoint: %v; want one line asking for it", err)
	}
	l, err = Parse(raw, "semi.checkpoint="+filepath.Join(dir, "ssl", FileCheckpoint))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), l.Config, filepath.Join(dir, "semi"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Rows) != 1 {
		t.Fatalf("%d rows; want 1", len(out.Rows))
	}
	r := out.Rows[0]
	if r.Protocol != mvmr.ProtocolSemi10 || r.Variant != string(mvmr.SampleOfficial) || r.Metrics["labelled"] != 9 ||
		r.Metrics["steps"] != 2 || r.Metrics["epochs"] != 2 || r.Metrics["label_fraction"] != 0.1 || r.Top1 < 0 || r.Top1 > 1 {
		t.Errorf("row %+v; want semi10, official sampling, 9 labelled, 2 epochs of 1 step", r)
	}
	again, err := Run(context.Background(), l.Config, filepath.Join(dir, "semi"), Options{})
	if err != nil || !again.Skipped || again.Rows[0].Top1 != r.Top1 {
		t.Errorf("running the finished semi folder again: %v, skipped %v; want its row back, skipped", err, again != nil && again.Skipped)
	}
	rows, err := ReadRows(filepath.Join(dir, "semi", FileResults))
	if err != nil || len(rows) != 1 || rows[0].Protocol != mvmr.ProtocolSemi10 {
		t.Errorf("results.jsonl: %v, %+v; want the semi10 row", err, rows)
	}
	if _, err := Parse(raw, "dataset.percentage=150"); err != nil {
		t.Fatal(err)
	} else if l, _ := Parse(raw, "dataset.percentage=150"); l.Config.Validate() == nil {
		t.Error("dataset.percentage = 150 accepted")
	}
}
