package runs

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// fakeDigits is a data set of n blank 28×28 grey images in 10 classes: enough to resolve a
// config (sizes, steps per epoch) without loading MNIST.
func fakeDigits(n int) *datasets.Dataset {
	d := &datasets.Dataset{Name: "fake", Height: 28, Width: 28, Channels: 1, NumClasses: 10,
		Images: make([]uint8, n*28*28), Labels: make([]int32, n), Mean: []float32{0.1}, Std: []float32{0.3}}
	for i := range d.Labels {
		d.Labels[i] = int32(i % 10)
	}
	return d
}

// fakeSTL10ish is 128 blank 96×96 colour images of 10 classes: what Resolve checks of STL-10.
func fakeSTL10ish(t *testing.T) *datasets.Dataset {
	t.Helper()
	const n, side = 128, 96
	d := &datasets.Dataset{Name: "fake-stl10", Height: side, Width: side, Channels: 3, NumClasses: 10,
		Images: make([]uint8, n*side*side*3), Labels: make([]int32, n), Mean: []float32{0.4, 0.4, 0.4}, Std: []float32{0.25, 0.25, 0.25}}
	for i := range d.Labels {
		d.Labels[i] = int32(i % 10)
	}
	return d
}

func hasNotice(notices []string, key string) bool {
	return slices.ContainsFunc(notices, func(n string) bool { return strings.HasPrefix(n, key+" = ") })
}

// officialConfigs are the eight configs of the official repository at HEAD (7136f70), names as
// they are there.
var officialConfigs = []string{
	"cifar100_clip_self_supervised.yaml", "cifar20_self_supervsised.yaml", "imagenet_clip_self_supervised.yaml",
	"imagenet_self_supervised.yaml", "imagenet_semi_supervised.yaml", "imagenet_voc.yaml",
	"stl10_clip_self_supervised.yaml", "stl10_self_supervised.yaml",
}

func TestOfficialConfigsLoad(t *testing.T) {
	files, err := filepath.Glob("testdata/official/*.yaml")
	if err != nil || len(files) != len(officialConfigs) {
		t.Fatalf("expected the %d official configs in testdata/official, found %v (%v)", len(officialConfigs), files, err)
	}
	for _, name := range officialConfigs {
		f := filepath.Join("testdata/official", name)
		l, err := Load(f)
		if name == "imagenet_voc.yaml" {
			if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "not supported") {
				t.Errorf("%s: %v; want one line saying VOC linear evaluation is not supported", f, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		c := l.Config
		if c.WD != 1e-6 || !(c.LR == 1e-4 || c.LR == 2e-4) || c.Epochs <= 0 || c.Steps != 0 {
			t.Errorf("%s: wd %g lr %g epochs %g steps %d; expected the file's wd 1e-6, lr 1e-4 or 2e-4, its epochs and steps 0", f, c.WD, c.LR, c.Epochs, c.Steps)
		}
		for _, key := range []string{"fp16", "n_workers", "eval_every"} {
			if !hasNotice(l.Notices, key) {
				t.Errorf("%s: no notice for the unused official key %s; notices %q", f, key, l.Notices)
			}
		}
	}

	l, err := Load("testdata/official/stl10_self_supervised.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := l.Config
	if c.BatchSize != 256 || c.Epochs != 1000 || c.WarmupEpochs != 10 || c.WarmupSteps != -1 || c.Scheduler != mvmr.ScheduleWarmupCosine ||
		c.MinLR != 1e-6 || c.StdMargin != 1 || c.NormalizeZ || c.Comment != "stl10_self_supervised_scale_z" {
		t.Errorf("stl10: got batch %d epochs %g warmup_epochs %g warmup_steps %d scheduler %q min_lr %g std_margin %g normalize_z %v comment %q",
			c.BatchSize, c.Epochs, c.WarmupEpochs, c.WarmupSteps, c.Scheduler, c.MinLR, c.StdMargin, c.NormalizeZ, c.Comment)
	}
	if c.Dataset.Name != "stl10" || c.Dataset.Size != 96 || c.Dataset.NClasses != 10 || c.Dataset.Path != "" || c.Dataset.AugPolicy != "custom" {
		t.Errorf("stl10 dataset: %+v", c.Dataset)
	}
	if c.Scatnet.J != 2 || c.Scatnet.L != 8 || !slices.Equal(c.Scatnet.Shape, []int{96, 96}) || c.HOG != (HOGConfig{24, 8}) {
		t.Errorf("stl10 scatnet %+v hog %+v", c.Scatnet, c.HOG)
	}
	if c.Encoder.OutDim != "8192-8192-8192" || !c.Encoder.SmallKernel || c.Encoder.Type != nn.ArchResNet50 {
		t.Errorf("stl10 encoder: %+v", c.Encoder)
	}
	if !hasNotice(l.Notices, "log_every") || hasNotice(l.Notices, "fine_tune_from") {
		t.Errorf("stl10 notices %q: expected log_every, and nothing for the empty fine_tune_from", l.Notices)
	}

	l, err = Load("testdata/official/cifar20_self_supervsised.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c = l.Config
	if c.Encoder.Type != nn.ArchResNet50 || c.Encoder.Head != string(nn.HeadAvgPool) || !c.Encoder.SmallKernel || c.Optimizer != "adam" ||
		c.Scheduler != mvmr.ScheduleWarmupCosine || c.Dataset.AugPolicy != "cifar20" || c.BatchSize != 512 || c.Epochs != 1000 || c.LR != 2e-4 {
		t.Errorf("cifar20: encoder %+v optimizer %q scheduler %q aug_policy %q batch %d epochs %g lr %g", c.Encoder, c.Optimizer,
			c.Scheduler, c.Dataset.AugPolicy, c.BatchSize, c.Epochs, c.LR)
	}
	if l, err := Load("testdata/official/cifar100_clip_self_supervised.yaml"); err != nil || !hasNotice(l.Notices, "clip.model_name") ||
		l.Config.Representations.Label() != mvmr.TeacherName {
		t.Errorf("cifar100 clip: %v, notices %q, representations %s: expected the CLIP distillation (teacher term alone) and its notice",
			err, l.Notices, l.Config.Representations.Label())
	}
	if l, err := Load("testdata/official/imagenet_semi_supervised.yaml"); err != nil || !hasNotice(l.Notices, "num_features") {
		t.Errorf("imagenet semi: %v, notices %q: expected a notice for num_features", err, l.Notices)
	}
	if l, err := Load("testdata/official/imagenet_self_supervised.yaml"); err != nil || l.Config.Dataset.Path != "<>" ||
		l.Config.AccumulateGradBatches != 8 || l.Config.Dataset.Name != "imagenet" || l.Config.Scheduler != mvmr.ScheduleWarmupCosine {
		t.Errorf("imagenet: %v, %+v, accumulate_grad_batches %d; want imagenet at <>, 8, warmup_cosine", err, l.Config.Dataset, l.Config.AccumulateGradBatches)
	}
	// A config without encoder_type (the official configs before it existed) gets the official
	// code's encoder, with a notice.
	l, err = Parse([]byte("n_workers: 16\nfp16: True\nlr: 1e-4\ndataset: {name: cifar10}\n"))
	if err != nil || l.Config.Encoder.Type != nn.ArchResNet50 || !hasNotice(l.Notices, "encoder.type") {
		t.Errorf("an official config without encoder_type: %v, encoder %q, notices %q; want resnet50 with a notice", err, l.Config.Encoder.Type, l.Notices)
	}
}

// TestOfficialConfigResolves maps the STL-10 config, moved onto 28×28 digits, to the mvmr.Config
// it trains with: the official values reach the optimizer, the loss and the representations.
func TestOfficialConfigResolves(t *testing.T) {
	l, err := Load("testdata/official/stl10_self_supervised.yaml",
		"dataset.name=mnist", "dataset.size=28", "scatnet.shape=[28, 28]", "encoder.type=resnet18",
		"representations=image,hog,scatnet", "l3_mode=official", "warmup_epochs=2", "batch_size=64", "epochs=10")
	if err != nil {
		t.Fatal(err)
	}
	train := fakeDigits(640) // 10 steps per epoch of 64
	mc, err := l.Config.Resolve(train)
	if err != nil {
		t.Fatal(err)
	}
	o := mc.Optimizer
	if o.Name != "adam" || o.LR != 1e-4 || o.WeightDecay != 1e-6 || o.TotalSteps != 100 || o.WarmupSteps != 20 || o.MinLR != 1e-6 ||
		o.Schedule != mvmr.ScheduleWarmupCosine {
		t.Errorf("optimizer %+v; expected adam, lr 1e-4, wd 1e-6, warmup_cosine over 100 steps (10 epochs of 10), warmup 20, min_lr 1e-6", o)
	}
	if mc.BatchSize != 64 || mc.Loss.StdMargin != 1 || mc.Loss.DCorScale != 32 {
		t.Errorf("batch %d std_margin %g dcor_scale %g", mc.BatchSize, mc.Loss.StdMargin, mc.Loss.DCorScale)
	}
	wantTerms := []mvmr.RepresentationTerm{
		{Name: "image", Weight: 1, Mode: mvmr.ModeOfficial},
		{Name: "hog", Params: reps.Params{"nbins": 24, "pool": 8}, Weight: 1, Mode: mvmr.ModeOfficial},
		{Name: "scatnet", Params: reps.Params{"J": 2, "L": 8}, Weight: 1, Mode: mvmr.ModeOfficial},
	}
	if !reflect.DeepEqual(mc.Loss.Representations, wantTerms) {
		t.Errorf("representations %+v; want %+v", mc.Loss.Representations, wantTerms)
	}
	e := mc.Encoder
	if e.Arch != nn.ArchResNet18 || !e.SmallKernel || e.Projector != "8192-8192-8192" || e.Head != nn.HeadAvgPool || !e.ZeroInitResidual {
		t.Errorf("encoder %+v", e)
	}
	// Gradient accumulation: steps and epochs count batches, the schedule updates.
	l, err = Load("testdata/official/imagenet_self_supervised.yaml", "dataset.name=mnist", "dataset.size=28",
		"dataset.n_classes=10", "scatnet.shape=[28, 28]", "dataset.path=", "warmup_epochs=1", "optimizer=lars", "momentum=0.8",
		"batch_size=32", "epochs=10")
	if err != nil {
		t.Fatal(err)
	}
	mc, err = l.Config.Resolve(fakeDigits(640)) // 20 batches of 32 per epoch, 10 epochs
	if err != nil {
		t.Fatal(err)
	}
	// The official schedule's lengths are in batches (epochs · len(train_dataloader)) and it
	// steps once per update: the run's 25 updates cover the first eighth of it.
	if o := mc.Optimizer; o.AccumulateSteps != 8 || o.TotalSteps != 200 || o.WarmupSteps != 20 || o.Name != "lars" || o.Momentum != 0.8 {
		t.Errorf("imagenet on digits: optimizer %+v; want 8 batches per update, warmup_cosine over 200 with warmup 20 (batches, stepped per update), lars, momentum 0.8", o)
	}
	// The kit's schedule counts updates.
	l, err = Load("testdata/official/imagenet_self_supervised.yaml", "dataset.name=mnist", "dataset.size=28",
		"dataset.n_classes=10", "scatnet.shape=[28, 28]", "dataset.path=", "warmup_epochs=1", "batch_size=32", "epochs=10",
		"scheduler=warmup_cosine_kit", "min_lr=0")
	if err != nil {
		t.Fatal(err)
	}
	if mc, err = l.Config.Resolve(fakeDigits(640)); err != nil {
		t.Fatal(err)
	}
	if o := mc.Optimizer; o.TotalSteps != 25 || o.WarmupSteps != 2 || o.Schedule != "" {
		t.Errorf("warmup_cosine_kit with accumulation: optimizer %+v; want 200/8 = 25 updates, warmup 20/8 = 2", o)
	}
	// The original sizes do not fit 28×28 digits: each mismatch is named.
	l, err = Load("testdata/official/stl10_self_supervised.yaml", "dataset.name=mnist", "encoder.type=resnet18", "batch_size=64")
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Config.Resolve(train)
	for _, want := range []string{"dataset.size = 96", "scatnet.shape = [96 96]: expected [28, 28]"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("resolve error %v; expected it to contain %q", err, want)
		}
	}
}

// TestDefaultResolvesToQuickstart checks that the default run is exactly the quickstart's
// mvmr.Config.
func TestDefaultResolvesToQuickstart(t *testing.T) {
	mc, err := Default().Resolve(fakeDigits(60000))
	if err != nil {
		t.Fatal(err)
	}
	if want := mvmr.QuickstartConfig(mvmr.QuickstartSteps); !reflect.DeepEqual(mc, want) {
		t.Errorf("Default().Resolve =\n%+v\nwant mvmr.QuickstartConfig =\n%+v", mc, want)
	}
}

func TestUnknownKeysAreReported(t *testing.T) {
	_, err := Parse([]byte("batch_sise: 64\nlr: 1e-3\ndataset:\n  nme: mnist\nrepresentations:\n  - {name: hog, wieght: 2}\n"))
	if err == nil {
		t.Fatal("unknown keys were accepted")
	}
	for _, want := range []string{"batch_sise (allowed: comment, seed, batch_size", "dataset.nme (allowed: name, size", "representations[0].wieght"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q; expected it to name %q", err, want)
		}
	}
	if _, err := Parse(nil, "encoder.depth=3"); err == nil || !strings.Contains(err.Error(), "encoder.depth") {
		t.Errorf("--set of an unknown key: %v", err)
	}
}

func TestBadValuesAreNamed(t *testing.T) {
	cases := []struct{ set, want string }{
		{"lr=-1", `lr = -1: expected a positive finite number`},
		{"std_margin=.nan", `std_margin = .nan: expected a finite number`},
		{"dcor_scale=NaN", `dcor_scale = .nan: expected a finite number`},
		{"std_epsilon=-Inf", `std_epsilon = -.inf: expected a finite number`},
		{"batch_size=abc", `batch_size = "abc": expected an integer`},
		{"batch_size=1", `batch_size = 1: expected an integer >= 2`},
		{"optimizer=rmsprop", `optimizer = "rmsprop": expected one of adam, adamw, `},
		{"momentum=1", `momentum = 1: expected a number in [0, 1)`},
		{"accumulate_grad_batches=0", `accumulate_grad_batches = 0: expected an integer >= 1`},
		{"scheduler=step", `scheduler = "step": expected one of warmup_cosine, cosine, multistep, warmup_cosine_kit, constant`},
		{"l3_mode=minimize", `l3_mode = "minimize": expected one of maximize, official`},
		{"representations=image,foo", `representations[1].name = "foo": expected one of `},
		{"representations=image,image", `representations[1].name = "image": expected each representation once`},
		{"hog.nbins=0", `hog.nbins = 0: expected an integer >= 1`},
		{"encoder.type=vgg", `encoder.type = "vgg": expected one of cnn, `},
		{"encoder.out_dim=abc", `encoder.out_dim`},
		{"encoder.small_kernel=true", `encoder.small_kernel = true: expected false for encoder.type cnn`},
		{"eval.protocols=linear,svm", `eval.protocols[1] = "svm": expected one of linear, linear_official, knn, semi1, semi10, tsne`},
		{"dataset.name=cifar99", `dataset.name = "cifar99": expected one of mnist, cifar10`},
		{"dataset.aug_policy=wild", `dataset.aug_policy = "wild": expected one of default, custom, cifar20`},
		{"min_lr=1", `min_lr = 1: expected a number in [0, lr = 0.006]`},
		{"normalize_z=maybe", `normalize_z = "maybe": expected true or false`},
		{"checkpoint_every=0", `checkpoint_every = 0: expected an integer >= 1`},
		{"eval.features=x", `eval.features = "x": expected one of h, z`},
		{"parallel.devices=3", `parallel.devices = 3: batch_size = 256 must be a multiple`},
		{"parallel.loss_groups=-1", `parallel.loss_groups = -1: expected an integer >= 0`},
		{"graph_representations=yes", `graph_representations = "yes": expected one of auto, on, off`},
		{"encoder.precision=fp8", `encoder.precision = "fp8"; expected "float32" (default) or "bfloat16"`},
	}
	for _, tc := range cases {
		l, err := Parse(nil, strings.Split(tc.set, "\n")...)
		if err == nil {
			err = l.Config.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--set %s: error %v; expected it to contain %q", tc.set, err, tc.want)
		}
	}
	// Several bad values: one error each.
	l, err := Parse(nil, "lr=-1", "hog.pool=0", "optimizer=rmsprop")
	if err != nil {
		t.Fatal(err)
	}
	err = l.Config.Validate()
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 3 {
		t.Errorf("three bad values gave %v; expected three errors", err)
	}
	if _, _, err := ParseOverride("lr"); err == nil || !strings.Contains(err.Error(), "expected key=value") {
		t.Errorf("--set lr: %v", err)
	}
	if _, err := Parse([]byte("- a\n- b\n")); err == nil || !strings.Contains(err.Error(), "expected a mapping") {
		t.Errorf("a YAML list as config: %v", err)
	}
}

// TestConfigPrintsBackInFull writes a config as YAML and loads it back unchanged.
func TestConfigPrintsBackInFull(t *testing.T) {
	l, err := Parse([]byte(`
seed: 7
epochs: 3
representations:
  - image
  - {name: hog, params: {nbins: 12, mode: interpolated}, weight: 0.5, mode: official}
encoder: {type: resnet8x4, out_dim: 64-64, small_kernel: true}
eval: {protocols: [linear, knn], knn: {ks: [5, 10]}}
`), "lr=3e-3", "dataset.limit=1000")
	if err != nil {
		t.Fatal(err)
	}
	c := l.Config
	if c.Steps != 0 || c.Epochs != 3 || c.LR != 3e-3 || c.Seed != 7 || c.Dataset.Limit != 1000 || c.Representations.Label() != "image+hog" {
		t.Errorf("parsed %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	y, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"batch_size: 256", "warmup_steps: -1", "std_margin: 1", "nbins: 12", "out_dim: 64-64", "aug_policy: default", "ks: [5, 10]"} {
		if !strings.Contains(string(y), key) {
			t.Errorf("printed config lacks %q:\n%s", key, y)
		}
	}
	back, err := Parse(y)
	if err != nil {
		t.Fatalf("reloading the printed config: %v\n%s", err, y)
	}
	if !reflect.DeepEqual(back.Config, c) {
		t.Errorf("reloaded config differs:\n%+v\nwant\n%+v", back.Config, c)
	}
}

func TestFromArgsAndEpochs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.yaml")
	if err := os.WriteFile(path, []byte("batch_size: 100\nrepresentations: [image, std]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := FromArgs([]string{"--config", path, "--set", "epochs=2", "--set", "representations=none", "--set=lr=1e-3"})
	if err != nil {
		t.Fatal(err)
	}
	c := l.Config
	if len(c.Representations) != 0 || c.LR != 1e-3 || c.BatchSize != 100 || c.Steps != 0 || c.TotalSteps(1050) != 20 {
		t.Errorf("got representations %v lr %g batch %d steps %d total %d; want none, 1e-3, 100, 0, 20",
			c.Representations, c.LR, c.BatchSize, c.Steps, c.TotalSteps(1050))
	}
	if _, err := FromArgs([]string{"--set", "nokey"}); err == nil {
		t.Error("--set nokey was accepted")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

// The parallel.* and encoder.precision keys reach the mvmr config the trainer gets.
func TestParallelAndPrecisionResolve(t *testing.T) {
	l, err := Parse(nil, "parallel.devices=2", "parallel.loss_groups=4", "encoder.precision=bfloat16")
	if err != nil {
		t.Fatal(err)
	}
	mc, err := l.Config.Resolve(fakeDigits(2048))
	if err != nil {
		t.Fatal(err)
	}
	if want := (mvmr.ParallelConfig{Devices: 2, LossGroups: 4}); mc.Parallel != want {
		t.Errorf("Resolve: parallel = %+v, want %+v", mc.Parallel, want)
	}
	if mc.Encoder.Precision != nn.PrecisionBFloat16 {
		t.Errorf("Resolve: encoder.precision = %q, want %q", mc.Encoder.Precision, nn.PrecisionBFloat16)
	}
}

// An official self-supervised config trains the official step's L3 terms (+dCor) unless the file
// or a --set names representations or l3_mode; this kit's configs keep theirs.
func TestOfficialConfigsTrainTheOfficialRepresentations(t *testing.T) {
	l, err := Load("testdata/official/stl10_self_supervised.yaml", "batch_size=64")
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Config.Representations.Names(); !slices.Equal(got, OfficialRepresentations) || l.Config.L3Mode != string(mvmr.ModeOfficial) {
		t.Errorf("stl10: representations %v, l3_mode %q; want %v, official", got, l.Config.L3Mode, OfficialRepresentations)
	}
	if !hasNotice(l.Notices, "representations") {
		t.Errorf("stl10: no notice for the official representations; notices %q", l.Notices)
	}
	mc, err := l.Config.Resolve(fakeSTL10ish(t))
	if err != nil {
		t.Fatal(err)
	}
	if !mc.FreshPerBatch {
		t.Error("stl10: the official augmented view is drawn once per batch; resolved fresh_per_batch false")
	}
	if !mc.FreshOfficial || Default().FreshOfficial {
		t.Errorf("fresh_official: stl10 %v, the kit's default %v; want the official view for the official config only", mc.FreshOfficial, Default().FreshOfficial)
	}
	for i, term := range mc.Loss.Representations {
		if term.Name != OfficialRepresentations[i] || term.Mode != mvmr.ModeOfficial || term.Weight != 1 {
			t.Errorf("resolved term %d: %+v; want %s, official, weight 1", i, term, OfficialRepresentations[i])
		}
	}
	for set, want := range map[string][]string{"representations=image": {"image"}, "l3_mode=maximize": {"image", "std"}} {
		l, err := Load("testdata/official/stl10_self_supervised.yaml", set)
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Config.Representations.Names(); !slices.Equal(got, want) || hasNotice(l.Notices, "representations") {
			t.Errorf("--set %s: representations %v, notices %q; want %v and no notice", set, got, l.Notices, want)
		}
	}
	if l, err := Load("testdata/official/imagenet_semi_supervised.yaml"); err != nil || hasNotice(l.Notices, "representations") {
		t.Errorf("imagenet semi-supervised: %v, notices %q; the official representations are for self-supervised configs", err, l.Notices)
	}
	if got := Default().Representations.Names(); !slices.Equal(got, []string{"image", "std"}) || Default().L3Mode != string(mvmr.ModeMaximize) {
		t.Errorf("the kit's default: representations %v, l3_mode %q; want image,std maximize", got, Default().L3Mode)
	}
}

// TestEvalProtocolsIsACopy checks that EvalProtocols lists mvmr.Protocols and that changing what
// it returns changes neither mvmr.Protocols nor the protocols a config is validated against.
func TestEvalProtocolsIsACopy(t *testing.T) {
	got := EvalProtocols()
	if !slices.Equal(got, mvmr.Protocols) {
		t.Fatalf("EvalProtocols() = %v; want mvmr.Protocols %v", got, mvmr.Protocols)
	}
	got[0] = "svm"
	if mvmr.Protocols[0] == "svm" || EvalProtocols()[0] == "svm" {
		t.Errorf("changing EvalProtocols()'s result changed the protocols: %v, %v", mvmr.Protocols, EvalProtocols())
	}
	l, err := Parse(nil, "eval.protocols=svm")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Config.Validate(); err == nil || !strings.Contains(err.Error(), `eval.protocols[0] = "svm": expected one of linear`) {
		t.Errorf("eval.protocols=svm after changing a copy: %v", err)
	}
}

// TestDatasetNamesIsACopy checks that DatasetNames lists datasets.Names and that changing what it
// returns changes neither datasets.Names nor the data sets a config is validated against.
func TestDatasetNamesIsACopy(t *testing.T) {
	got := DatasetNames()
	if !slices.Equal(got, datasets.Names) || !slices.Contains(got, "mnist") {
		t.Fatalf("DatasetNames() = %v; want datasets.Names %v, with mnist", got, datasets.Names)
	}
	got[0] = "tinyimagenet"
	if datasets.Names[0] == "tinyimagenet" || DatasetNames()[0] == "tinyimagenet" {
		t.Errorf("changing DatasetNames()'s result changed the data sets: %v, %v", datasets.Names, DatasetNames())
	}
	l, err := Parse(nil, "dataset.name=tinyimagenet")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Config.Validate(); err == nil || !strings.Contains(err.Error(), `dataset.name = "tinyimagenet": expected one of`) {
		t.Errorf("dataset.name=tinyimagenet after changing a copy: %v", err)
	}
}

// TestRepresentationListSyntax checks the one parser of a representation list: the syntaxes the
// config's representations key, the notebooks' --reps and the distill commands' -reps each took
// before they shared it parse as they did (spaces trimmed, empty items skipped, "none" for no
// representation), and a bad name is named with its index.
func TestRepresentationListSyntax(t *testing.T) {
	for list, want := range map[string][]string{
		"image,hog,scatnet": {"image", "hog", "scatnet"}, " image, ,std ,": {"image", "std"}, "std": {"std"},
		"none": {}, " none ": {}, "": {}, " image, none,hog,": {"image", "hog"},
	} {
		got, err := ParseRepresentationNames("-reps", list)
		if err != nil || !slices.Equal(got, want) || got == nil {
			t.Errorf("ParseRepresentationNames(%q) = %q, %v; want %q", list, got, err, want)
		}
		if list == "" {
			continue // --set representations= is YAML null: the default, not a list
		}
		l, err := Parse(nil, "representations="+list)
		if err == nil {
			err = l.Config.Validate()
		}
		if err != nil || !slices.Equal(l.Config.Representations.Names(), want) {
			t.Errorf("--set representations=%s: %q, %v; want %q", list, l.Config.Representations.Names(), err, want)
		}
	}
	for list, want := range map[string]string{
		"image,nope":     `-reps[1] = "nope": expected one of aug_hog, `,
		"image, ,image":  `-reps[1] = "image": expected each representation once`,
		"hogg,std,dctt":  `-reps[0] = "hogg": expected one of`,
		"std,none,image": "",
	} {
		_, err := ParseRepresentationNames("-reps", list)
		if want == "" {
			if err != nil {
				t.Errorf("ParseRepresentationNames(%q): %v", list, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseRepresentationNames(%q): %v; want an error containing %q", list, err, want)
		}
	}
	if err := CheckRepresentationNames("r", []string{"hogg", "std", "dctt"}); err == nil ||
		!strings.Contains(err.Error(), `r[2] = "dctt"`) || !strings.Contains(err.Error(), `r[0] = "hogg"`) {
		t.Errorf("two bad names: %v; want one error each", err)
	}
}

// A cnn config naming encoder.channels but no strides keeps the default stride (2) for every
// block; both named are taken as given, and a length mismatch is still an error.
func TestEncoderChannelsKeepDefaultStrides(t *testing.T) {
	l, err := Parse([]byte("encoder: {type: cnn, channels: [8, 16, 32, 64]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Config.Validate(); err != nil {
		t.Fatalf("channels without strides: %v", err)
	}
	if got := l.Config.Encoder.Strides; !reflect.DeepEqual(got, []int{2, 2, 2, 2}) {
		t.Errorf("strides %v; want [2 2 2 2]", got)
	}
	y, err := l.Config.YAML()
	if err != nil || !strings.Contains(string(y), "strides: [2, 2, 2, 2]") {
		t.Errorf("printed config lacks the strides used (%v):\n%s", err, y)
	}
	l, err = Parse([]byte("encoder: {type: cnn, channels: [8, 16], strides: [1, 2]}\n"))
	if err != nil || !reflect.DeepEqual(l.Config.Encoder.Strides, []int{1, 2}) {
		t.Errorf("named strides: %v, %v; want [1 2]", l.Config.Encoder.Strides, err)
	}
	l, err = Parse([]byte("encoder: {type: cnn, channels: [8, 16], strides: [2]}\n"))
	if err == nil {
		err = l.Config.Validate()
	}
	if err == nil || !strings.Contains(err.Error(), "strides") {
		t.Errorf("one stride for two blocks: %v; want an error naming strides", err)
	}
}

// eval.knn.whiten lists the kNN's whitenings, each checked, printed back and passed to
// mvmr.EvalOptions by the run.
func TestKNNWhitenList(t *testing.T) {
	l, err := Parse([]byte("eval: {knn: {whiten: [0, 256]}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Config.Validate(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l.Config.Eval.KNN.Whiten, []int{0, 256}) {
		t.Errorf("whiten %v; want [0 256]", l.Config.Eval.KNN.Whiten)
	}
	y, err := l.Config.YAML()
	if err != nil || !strings.Contains(string(y), "whiten: [0, 256]") {
		t.Errorf("printed config lacks the whitenings (%v):\n%s", err, y)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"eval: {knn: {whiten: [256, -1]}}\n", "eval.knn.whiten[1]"},
		{"eval: {knn: {whiten: [0, 256, 0]}}\n", "eval.knn.whiten[2]"},
	} {
		l, err = Parse([]byte(tc.yaml))
		if err == nil {
			err = l.Config.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want an error naming %s", strings.TrimSpace(tc.yaml), err, tc.want)
		}
	}
}

// eval.knn.temperatures is a grid of T for the kNN protocol, each checked, printed back and
// passed to mvmr.KNNConfig.
func TestKNNTemperatureGrid(t *testing.T) {
	l, err := Parse([]byte("eval: {knn: {ks: [10, 20, 200], temperatures: [0.07, 0.1]}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Config.Validate(); err != nil {
		t.Fatal(err)
	}
	k := l.Config.KNNConfig()
	if !reflect.DeepEqual(k.Ks, []int{10, 20, 200}) || !reflect.DeepEqual(k.Temperatures, []float64{0.07, 0.1}) {
		t.Errorf("KNNConfig ks %v temperatures %v", k.Ks, k.Temperatures)
	}
	y, err := l.Config.YAML()
	if err != nil || !strings.Contains(string(y), "temperatures: [0.07, 0.1]") {
		t.Errorf("printed config lacks the temperatures (%v):\n%s", err, y)
	}
	l, err = Parse([]byte("eval: {knn: {temperatures: [0.1, 0]}}\n"))
	if err == nil {
		err = l.Config.Validate()
	}
	if err == nil || !strings.Contains(err.Error(), "eval.knn.temperatures[1]") {
		t.Errorf("temperature 0 in the grid: %v; want an error naming eval.knn.temperatures[1]", err)
	}
}

// TestAugmentKeys: augment.* sets the digit policy's strengths (mvmr.Config.Augment), defaults
// to datasets.DefaultDigitAugment, prints back, and is refused when it is not a range, out of
// range, or set while another policy augments.
func TestAugmentKeys(t *testing.T) {
	def, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := def.Config.Resolve(fakeDigits(640))
	if err != nil || mc.Augment != datasets.DefaultDigitAugment() {
		t.Fatalf("default augment %+v (%v); want datasets.DefaultDigitAugment()", mc.Augment, err)
	}
	l, err := Parse(nil, "augment.crop_scale=0.3,1", "augment.max_rotation=25", "augment.blur_kernel=0")
	if err != nil {
		t.Fatal(err)
	}
	if mc, err = l.Config.Resolve(fakeDigits(640)); err != nil {
		t.Fatal(err)
	}
	want := datasets.DefaultDigitAugment()
	want.CropScale, want.MaxRotation, want.BlurKernel = [2]float64{0.3, 1}, 25, 0
	if mc.Augment != want {
		t.Errorf("augment %+v; want %+v", mc.Augment, want)
	}
	y, err := l.Config.YAML()
	if err != nil || !strings.Contains(string(y), "crop_scale: [0.3, 1]") || !strings.Contains(string(y), "max_rotation: 25") {
		t.Errorf("printed config lacks the augment keys (%v):\n%s", err, y)
	}
	for _, c := range [][]string{
		{"augment.crop_scale=0.5", "augment.crop_scale"},
		{"augment.blur_sigma=0.1,2,3", "augment.blur_sigma"},
		{"augment.max_rotation=200", "augment.max_rotation"},
		{"augment.crop_scale=0.9,0.5", "augment.crop_scale"},
	} {
		l, err := Parse(nil, c[0])
		if err == nil {
			err = l.Config.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), c[1]) {
			t.Errorf("%s: %v; want an error naming %s", c[0], err, c[1])
		}
	}
	l, err = Parse(nil, "dataset.aug_policy=mnist", "augment.max_rotation=30")
	if err == nil {
		err = l.Config.Validate()
	}
	if err == nil || !strings.Contains(err.Error(), `augment.*: the digit policy's strengths`) || !strings.Contains(err.Error(), `"mnist" policy`) {
		t.Errorf("augment.* with aug_policy mnist: %v; want an error saying the mnist policy does not use them", err)
	}
	if l, err = Parse(nil, "dataset.aug_policy=mnist"); err == nil {
		err = l.Config.Validate()
	}
	if err != nil {
		t.Errorf("aug_policy mnist with augment.* at its defaults: %v", err)
	}
}
