package runs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
)

func TestOfficialConfigsValidateWithTheOfficialEncoderAndSplit(t *testing.T) {
	files, err := filepath.Glob("testdata/official/*.yaml")
	if err != nil || len(files) < 5 {
		t.Fatalf("expected the official configs in testdata/official, found %v (%v)", files, err)
	}
	for _, f := range files {
		if filepath.Base(f) == "imagenet_voc.yaml" {
			continue // refused: TestOfficialConfigsLoad
		}
		l, err := Load(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if err := l.Config.Validate(); err != nil {
			t.Errorf("%s does not validate: %v", f, err)
		}
		selfSupervised := strings.Contains(f, "self_superv")
		if l.Config.Encoder.Type != nn.ArchResNet50 || (selfSupervised && l.Config.Encoder.OutDim != "8192-8192-8192") {
			t.Errorf("%s: encoder %+v; want the official ResnetMultiProj, resnet50 (projector 8192-8192-8192 when self-supervised)", f, l.Config.Encoder)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		noted := hasNotice(l.Notices, "encoder.type")
		if named := strings.Contains(string(raw), "encoder_type:"); noted == named {
			t.Errorf("%s: encoder_type in the file %v, notice of the implied resnet50 %v; want the notice exactly when the file names none", f, named, noted)
		}
	}
	l, err := Load("testdata/official/stl10_self_supervised.yaml")
	if err != nil || !l.Config.Encoder.SmallKernel || l.Config.Dataset.TrainSplit != "train+unlabeled" || !hasNotice(l.Notices, "dataset.train_split") {
		t.Errorf("stl10: %+v, %v, notices %q; want the small_kernel ResNet-50 trained on train+unlabeled, noted", l.Config, err, l.Notices)
	}
	// The semi-supervised config fine-tunes on labels: its split stays train.
	l, err = Load("testdata/official/stl10_self_supervised.yaml", "dataset.percentage=10")
	if err != nil || l.Config.Dataset.TrainSplit != "train" || hasNotice(l.Notices, "dataset.train_split") {
		t.Errorf("stl10 with dataset.percentage (semi-supervised): train_split %q, %v; want train", l.Config.Dataset.TrainSplit, err)
	}
	// A split given wins.
	l, err = Load("testdata/official/stl10_self_supervised.yaml", "dataset.train_split=train")
	if err != nil || l.Config.Dataset.TrainSplit != "train" || hasNotice(l.Notices, "dataset.train_split") {
		t.Errorf("stl10 with --set dataset.train_split=train: %q, %v; want train", l.Config.Dataset.TrainSplit, err)
	}
}

func TestOnlyOfficialConfigsImplyTheResNet(t *testing.T) {
	for _, tc := range []struct {
		yaml, want string
	}{
		{"batch_size: 32\nencoder: {out_dim: 64-32}\n", nn.ArchCNN},                          // this kit's config
		{"n_workers: 4\nencoder: {out_dim: 64-32}\n", nn.ArchResNet50},                       // official
		{"fp16: true\n", nn.ArchResNet50},                                                    // official, no encoder section
		{"n_workers: 4\nencoder: {type: resnet18, out_dim: 64-32}\n", nn.ArchResNet18},       // a type given wins
		{"n_workers: 4\nencoder_type: resnet\nencoder: {out_dim: 64-32}\n", nn.ArchResNet50}, // encoder_type
	} {
		l, err := Parse([]byte(tc.yaml))
		if err != nil {
			t.Errorf("%q: %v", tc.yaml, err)
			continue
		}
		if l.Config.Encoder.Type != tc.want {
			t.Errorf("%q: encoder.type %s; want %s", tc.yaml, l.Config.Encoder.Type, tc.want)
		}
		if noted := hasNotice(l.Notices, "encoder.type"); noted != (tc.want == nn.ArchResNet50 && !strings.Contains(tc.yaml, "encoder_type")) {
			t.Errorf("%q: notices %q", tc.yaml, l.Notices)
		}
	}
}
