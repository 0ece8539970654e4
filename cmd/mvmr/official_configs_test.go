package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/synthfolder"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// officialDir holds the eight configs of the official repository at HEAD (7136f70).
const officialDir = "../../runs/testdata/official"

// TestOfficialConfigsPrint runs `mvmr train --print` on every official config: each loads through
// the real decoding and validation and prints the config it will run, which loads back; the VOC
// linear evaluation is refused in one line.
func TestOfficialConfigsPrint(t *testing.T) {
	want := map[string][]string{
		"cifar100_clip_self_supervised.yaml": {"name: cifar100", "lr: 0.0001"},
		"cifar20_self_supervsised.yaml":      {"name: cifar20", "scheduler: warmup_cosine", "aug_policy: cifar20", "min_lr: 1e-06"},
		"imagenet_clip_self_supervised.yaml": {"name: imagenet", "size: 224"},
		"imagenet_self_supervised.yaml":      {"name: imagenet", "scheduler: warmup_cosine", "accumulate_grad_batches: 8"},
		"imagenet_semi_supervised.yaml":      {"name: imagenet", "epochs: 100"},
		"stl10_clip_self_supervised.yaml":    {"name: stl10", "train_split: train+unlabeled"},
		"stl10_self_supervised.yaml":         {"name: stl10", "scheduler: warmup_cosine", "small_kernel: true", "warmup_epochs: 10"},
	}
	files, err := filepath.Glob(filepath.Join(officialDir, "*.yaml"))
	if err != nil || len(files) != 8 {
		t.Fatalf("the official configs: %v (%v); want 8", files, err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		code, out, errOut := runCLI("train", "--print", f)
		if name == "imagenet_voc.yaml" {
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if code != 2 || len(lines) != 1 || !strings.Contains(errOut, `dataset.name = "voc": not supported`) {
				t.Errorf("%s: exit %d, stderr %q; want 2 and one line saying VOC is not supported", name, code, errOut)
			}
			continue
		}
		if code != 0 {
			t.Errorf("%s: exit %d\n%s", name, code, errOut)
			continue
		}
		for _, w := range want[name] {
			if !strings.Contains(out, w) {
				t.Errorf("%s: the printed config lacks %q", name, w)
			}
		}
		if _, err := runs.Parse([]byte(out)); err != nil {
			t.Errorf("%s: the printed config does not load back: %v", name, err)
		}
	}
}

// writeSTL10 writes STL-10's binary files (stl10_binary/*.bin, column-major 96×96 planes, labels
// 1..10) with n images in each of train, test and unlabeled.
func writeSTL10(t *testing.T, root string, n int) {
	dir := filepath.Join(root, datasets.STL10Folder)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	images := func(seed int) []byte {
		out := make([]byte, n*datasets.STL10RecordSize)
		for i := range out {
			out[i] = byte((i*7 + seed*13 + i/97*31) % 251)
		}
		return out
	}
	labels := make([]byte, n)
	for i := range labels {
		labels[i] = byte(1 + i%10)
	}
	for name, data := range map[string][]byte{"train_X.bin": images(1), "train_y.bin": labels, "test_X.bin": images(2),
		"test_y.bin": labels, "unlabeled_X.bin": images(3)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writeCIFAR100 writes CIFAR-100's binary files (cifar-100-binary/{train,test}.bin: coarse and
// fine label bytes, then the row-major red, green and blue planes).
func writeCIFAR100(t *testing.T, root string, n int) {
	dir := filepath.Join(root, datasets.CIFAR100Folder)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for s, name := range []string{datasets.CIFAR100TrainFile, "test.bin"} {
		var out []byte
		for i := range n {
			out = append(out, byte(i%20), byte(i%100))
			for p := range 3 * datasets.CIFARSide * datasets.CIFARSide {
				out = append(out, byte((p*5+i*17+s*29+p/61*11)%253))
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOfficialSelfSupervisedConfigsTrain trains the three official self-supervised configs a few
// steps on synthetic data in the official formats (STL-10's and CIFAR-100's binaries, the
// ImageNet train/ and val/ folders), made small by overrides of sizes only (a small ResNet and
// projector, 8 images, batch 4, 2 epochs with 1 of warmup), and checks that the learning rate of
// every step is the official CosineAnnealingWarmupRestarts': min_lr, then the peak at step
// warmup+1, with lengths in batches and one scheduler step per update.
func TestOfficialSelfSupervisedConfigsTrain(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three small ResNets")
	}
	data := t.TempDir()
	writeSTL10(t, filepath.Join(data, "stl10"), 8)
	writeCIFAR100(t, filepath.Join(data, "cifar"), 8)
	if err := synthfolder.ImageNet(filepath.Join(data, "imagenet"), []string{"n01440764", "n01443537"}, 4, 40, 30, 1); err != nil {
		t.Fatal(err)
	}
	small := []string{"encoder.type=resnet8x4", "encoder.out_dim=32-32", "batch_size=4", "epochs=2", "warmup_epochs=1",
		"dataset.limit=8", "dataset.test_limit=8", "monitor_every=0", "eval.probe.epochs=1", "checkpoint_every=100"}
	for _, tc := range []struct {
		config string
		sets   []string
		accum  int
	}{
		{"stl10_self_supervised.yaml", []string{"dataset.path=" + filepath.Join(data, "stl10")}, 1},
		{"cifar20_self_supervsised.yaml", []string{"dataset.path=" + filepath.Join(data, "cifar")}, 1},
		{"imagenet_self_supervised.yaml", []string{"dataset.path=" + filepath.Join(data, "imagenet"), "dataset.size=32",
			"scatnet.shape=[32, 32]", "dataset.n_classes=2", "accumulate_grad_batches=2"}, 2},
	} {
		out := filepath.Join(t.TempDir(), "run")
		args := []string{"train", "--out", out, filepath.Join(officialDir, tc.config)}
		for _, s := range append(small, tc.sets...) {
			args = append(args, "--set", s)
		}
		code, stdout, errOut := runCLI(args...)
		if code != 0 {
			t.Errorf("%s: exit %d\n%s\n%s", tc.config, code, stdout, errOut)
			continue
		}
		h, err := runs.ReadHistoryCSV(filepath.Join(out, runs.FileHistory))
		if err != nil {
			t.Fatal(err)
		}
		// 8 images in batches of 4: 2 batches per epoch, T = 4 and W = 2 batches; the
		// schedule steps once per update (every tc.accum batches). history.csv has a row per
		// batch, with the learning rate of the update it belongs to.
		lrs := h.Series(history.LR)
		if len(lrs) != 4 {
			t.Errorf("%s: %d learning rates in history.csv; want one per batch, 4", tc.config, len(lrs))
			continue
		}
		lr := map[string]float64{"cifar20_self_supervsised.yaml": 2e-4}[tc.config]
		if lr == 0 {
			lr = 1e-4
		}
		const minLR, total, warmup = 1e-6, 4, 2
		for u := range 4 / tc.accum {
			want := minLR + (lr-minLR)*float64(u)/warmup
			if u >= warmup {
				want = minLR + (lr-minLR)*(1+math.Cos(math.Pi*float64(u-warmup)/float64(total-warmup)))/2
			}
			if got := lrs[(u+1)*tc.accum-1]; math.Abs(got-want) > 1e-6*lr {
				t.Errorf("%s: update %d lr %g; want the official %g", tc.config, u+1, got, want)
			}
		}
		if !strings.Contains(stdout, "linear") {
			t.Errorf("%s: no linear probe result in the output:\n%s", tc.config, stdout)
		}
	}
}
