// Package runs turns a run description (a YAML file, flags, a sweep) into training runs of
// package mvmr that are reproducible, resumable and shardable, and collects their results in
// one table.
//
// A Config reads the official MV-MR YAML configs (github.com/vkinakh/mv-mr/configs: batch_size,
// epochs, warmup_epochs, std_margin, optimizer, wd, lr, scheduler, dataset.*, scatnet.*,
// encoder.*, hog.*) as well as this kit's own keys; keys it does not know are errors, and
// official keys it reads but does not use (fp16, n_workers, ...) are reported as notices.
//
// Execute (job.go) is the kit's one train → evaluate → record loop: Run executes a config in a
// run folder with it, and the quickstart, distill-demo, distill-seeds and the notebooks' term
// variants execute their trainers with it. Row (results.go) is the one result type: every
// table, CSV, JSON file and figure of results is made of rows (tables.go holds the column
// layouts of the commands' files and the readers of the files older versions wrote).
package runs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"

	"go.yaml.in/yaml/v3"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// Config describes one training run. Its YAML keys follow the official configs where they have
// one (batch_size, lr, wd, std_margin, dataset.size, encoder.out_dim, hog.nbins, ...).
type Config struct {
	// Comment is a free description (the official configs' run name).
	Comment string `yaml:"comment,omitempty"`
	// Seed fixes the weights, the data order, the augmentations and the probes.
	Seed int64 `yaml:"seed"`
	// BatchSize is the number of images per step, each seen as two views.
	BatchSize int `yaml:"batch_size"`
	// Steps is the number of training steps; 0 takes Epochs.
	Steps int64 `yaml:"steps"`
	// Epochs is the training length in passes over the training set (official key), used when
	// Steps is 0: steps = round(epochs · floor(images / batch_size)).
	Epochs float64 `yaml:"epochs"`
	// WarmupSteps is the length of the linear learning-rate warmup; -1 takes WarmupEpochs, or
	// min(50, steps/10) when that is 0 too.
	WarmupSteps int64 `yaml:"warmup_steps"`
	// WarmupEpochs is the warmup in epochs (official key), used when WarmupSteps is -1.
	WarmupEpochs float64 `yaml:"warmup_epochs"`
	// Optimizer is adam (official: L2 weight decay in the gradient), adamw, sgd or lars
	// (mvmr.OptimizerNames).
	Optimizer string `yaml:"optimizer"`
	// Momentum is the sgd and lars momentum.
	Momentum float64 `yaml:"momentum"`
	// LARSEta is the lars trust coefficient (0: mvmr.DefaultLARSEta).
	LARSEta float64 `yaml:"lars_eta"`
	// AccumulateGradBatches sums the gradients of that many batches per optimizer update
	// (official key); steps, epochs and warmup still count batches.
	AccumulateGradBatches int `yaml:"accumulate_grad_batches"`
	// LR is the peak learning rate.
	LR float64 `yaml:"lr"`
	// WD is the weight decay.
	WD float64 `yaml:"wd"`
	// MinLR is the learning rate at the end of the cosine (not an official key: the official
	// code hard-codes 1e-6 for warmup_cosine and cosine, the default of those two here; the
	// kit's warmup_cosine_kit defaults to 0).
	MinLR float64 `yaml:"min_lr"`
	// Scheduler is the learning-rate schedule (Schedulers, mvmr/schedule.go): the official
	// warmup_cosine (CosineAnnealingWarmupRestarts), cosine (CosineAnnealingLR, no warmup) and
	// multistep (MultiStepLR per epoch), or this kit's warmup_cosine_kit (linear warmup from
	// lr/warmup then half cosine; the default, named "cosine" before the official names came)
	// and constant (the kit's warmup then lr).
	Scheduler string `yaml:"scheduler"`
	// Milestones are the epochs at which multistep multiplies the learning rate by Gamma
	// (official keys milestones and gamma, gamma 0.1 when absent).
	Milestones []int64 `yaml:"milestones,flow"`
	Gamma      float64 `yaml:"gamma"`
	// StdMargin is the margin of the variance hinge (official std_margin).
	StdMargin float64 `yaml:"std_margin"`
	// StdEpsilon is added to the variance in the hinge (0 as torch.std).
	StdEpsilon float64 `yaml:"std_epsilon"`
	// NormalizeZ L2-normalises z before the loss (official normalize_z).
	NormalizeZ bool `yaml:"normalize_z"`
	// DCorScale divides z before every distance correlation (official 32).
	DCorScale float64 `yaml:"dcor_scale"`
	// Weights are the L1 and L2 term weights.
	Weights Weights `yaml:"weights"`
	// L3Mode is the mode of every representation term that does not set its own: maximize
	// (1 − dCor, the paper) or official (+dCor, the official code).
	L3Mode string `yaml:"l3_mode"`
	// Representations are the L3 terms; empty trains without any.
	Representations Representations `yaml:"representations"`
	// FreshPerBatch draws the fresh view of the augmented, aug_std, aug_hog and aug_scatnet
	// representations once per batch, as the official code transforms its whole batch tensor;
	// false: each image draws its own (mvmr.Config.FreshPerBatch).
	FreshPerBatch bool `yaml:"fresh_per_batch"`
	// FreshOfficial makes that fresh view the official one: the custom policy applied to the
	// normalised image (its colour jitter clamping to [0, 1]) whatever aug_policy is; false: a
	// second draw of aug_policy on the image (mvmr.Config.FreshOfficial).
	FreshOfficial bool `yaml:"fresh_official"`
	// GraphRepresentations says where host representations with an exact graph form (hog,
	// aug_hog) are computed: auto (the default): in the training step's graph on XLA, on the
	// host otherwise; on: in the graph (an error for one without a graph form); off: on the
	// host (mvmr.Config.GraphRepresentations).
	GraphRepresentations string `yaml:"graph_representations,omitempty"`
	// Dataset selects the data.
	Dataset DatasetConfig `yaml:"dataset"`
	// Augment holds the strengths of the digit policy, the second view's augmentation of MNIST
	// when dataset.aug_policy is default (mvmr.Config.Augment, datasets.DigitAugment); changing
	// them with another policy is an error.
	Augment AugmentConfig `yaml:"augment"`
	// Encoder is the backbone and projector.
	Encoder EncoderConfig `yaml:"encoder"`
	// Scatnet holds the official scattering parameters, the defaults of the scatnet
	// representations.
	Scatnet ScatnetConfig `yaml:"scatnet"`
	// HOG holds the official HOG parameters, the defaults of the hog representations.
	HOG HOGConfig `yaml:"hog"`
	// Semi holds the encoder a semi-supervised config (dataset.percentage) fine-tunes.
	Semi SemiConfig `yaml:"semi,omitempty"`
	// CLIP distils from CLIP's image encoder instead of the self-supervised L3 terms (official
	// clip.* keys; see CLIPConfig).
	CLIP CLIPConfig `yaml:"clip,omitempty"`
	// Eval lists the evaluation protocols run after training.
	Eval EvalConfig `yaml:"eval"`
	// CheckpointEvery is the number of steps between checkpoints (and after the last step).
	CheckpointEvery int64 `yaml:"checkpoint_every"`
	// MonitorEvery is the interval in steps at which the Monitors record on the first images of
	// the test split, their series in history.csv (DefaultMonitorEvery); 0 turns them off.
	MonitorEvery int `yaml:"monitor_every"`
	// Monitors are the monitors (MonitorNames; DefaultMonitors): collapse statistics with the
	// rank-collapse warning, dCor(z, representation) diagnostics "dcor_diag/<rep>"
	// (MonitoredRepresentations and the run's own) and the online probe (opt-in: it trains every
	// step; its head, Adam state and counts are checkpointed, so a resumed run continues its
	// series exactly).
	Monitors []string `yaml:"monitors,flow"`
	// Parallel spreads each step over several devices and sets the official multi-GPU loss
	// grouping (see mvmr.ParallelConfig).
	Parallel ParallelConfig `yaml:"parallel"`
}

// ParallelConfig holds the parallel.* keys (mvmr.ParallelConfig).
type ParallelConfig struct {
	// Devices is the number of devices each batch is split over, with the loss and BatchNorm of
	// the whole batch (0 or 1: one device; more needs XLA with that many accelerators).
	Devices int `yaml:"devices"`
	// LossGroups cuts the batch into that many groups with their own loss and BatchNorm
	// statistics, averaged: the official DDP training on LossGroups GPUs, whose batch_size is
	// per GPU (0 or 1: one loss on the whole batch).
	LossGroups int `yaml:"loss_groups"`
}

// Weights are the weights of the L1 and L2 terms in the total loss. A weight of 0 logs the term
// only: it is out of the total and its gradient, and a NaN or Inf in it does not stop the run.
type Weights struct {
	MSE    float64 `yaml:"mse"`
	Std    float64 `yaml:"std"`
	DCorZZ float64 `yaml:"dcor_zz"`
}

// AugmentConfig holds the augment.* keys, datasets.DigitAugment's fields (ranges as [min, max]).
type AugmentConfig struct {
	CropScale    []float64 `yaml:"crop_scale,flow"`
	CropRatio    []float64 `yaml:"crop_ratio,flow"`
	MaxRotation  float64   `yaml:"max_rotation"`
	MaxTranslate float64   `yaml:"max_translate"`
	JitterProb   float64   `yaml:"jitter_prob"`
	Brightness   float64   `yaml:"brightness"`
	Contrast     float64   `yaml:"contrast"`
	BlurKernel   int       `yaml:"blur_kernel"`
	BlurSigma    []float64 `yaml:"blur_sigma,flow"`
}

// augmentConfig returns the augment.* keys of a.
func augmentConfig(a datasets.DigitAugment) AugmentConfig {
	return AugmentConfig{CropScale: a.CropScale[:], CropRatio: a.CropRatio[:], MaxRotation: a.MaxRotation,
		MaxTranslate: a.MaxTranslate, JitterProb: a.JitterProb, Brightness: a.Brightness, Contrast: a.Contrast,
		BlurKernel: a.BlurKernel, BlurSigma: a.BlurSigma[:]}
}

// digit returns the datasets.DigitAugment the keys describe, or an error naming the first range
// that is not [min, max].
func (a AugmentConfig) digit() (datasets.DigitAugment, error) {
	d := datasets.DigitAugment{MaxRotation: a.MaxRotation, MaxTranslate: a.MaxTranslate, JitterProb: a.JitterProb,
		Brightness: a.Brightness, Contrast: a.Contrast, BlurKernel: a.BlurKernel}
	for _, r := range []struct {
		key  string
		from []float64
		to   *[2]float64
	}{{"augment.crop_scale", a.CropScale, &d.CropScale}, {"augment.crop_ratio", a.CropRatio, &d.CropRatio},
		{"augment.blur_sigma", a.BlurSigma, &d.BlurSigma}} {
		if len(r.from) != 2 {
			return d, fmt.Errorf("%s = %v: expected a range [min, max]", r.key, r.from)
		}
		*r.to = [2]float64{r.from[0], r.from[1]}
	}
	return d, d.Validate()
}

// DatasetConfig selects the data set (official dataset.* keys).
type DatasetConfig struct {
	// Name is the data set; see DatasetNames() (datasets.Open).
	Name string `yaml:"name"`
	// Size is the image side the config expects; 0 takes the data set's own. Only the folder
	// and ImageNet data sets are resampled to it; for the others a size that differs is an error.
	Size int `yaml:"size"`
	// NClasses is the number of classes the config expects; 0 takes the data set's own.
	NClasses int `yaml:"n_classes"`
	// Path is where the data set's files are; empty uses the built-in location.
	Path string `yaml:"path"`
	// AugPolicy is the augmentation policy of the second view; see AugPolicyNames.
	AugPolicy string `yaml:"aug_policy"`
	// TrainSplit is the split the encoder trains on (default train; STL-10's official SSL
	// training set is train+unlabeled). The evaluation protocols fit on train and score on test.
	TrainSplit string `yaml:"train_split"`
	// Limit keeps the first Limit training images (0: all), for quick runs and tests.
	Limit int `yaml:"limit"`
	// TestLimit keeps the first TestLimit test images (0: all).
	TestLimit int `yaml:"test_limit"`
	// Percentage (official key of the semi-supervised configs), when set, makes the config a
	// semi-supervised fine-tune of semi.checkpoint on that percentage of the training labels
	// (SemiConfig) instead of a self-supervised run.
	Percentage float64 `yaml:"percentage,omitempty"`
}

// EncoderConfig is the backbone and projector (official encoder.* keys).
type EncoderConfig struct {
	// Type is the backbone family; see EncoderTypes.
	Type string `yaml:"type"`
	// Channels and Strides are the convolution blocks of the "cnn" backbone (both empty: the
	// quickstart's 32-64-128; Strides empty: 2 for every block, the quickstart's); ResNets take none.
	Channels []int `yaml:"channels,flow"`
	Strides  []int `yaml:"strides,flow"`
	// Head is how the last feature map becomes h: flatten or avgpool (empty: flatten for cnn,
	// avgpool for ResNets, which allow nothing else).
	Head string `yaml:"head"`
	// OutDim is the projector spec (official out_dim), such as "512-512" or "8192-8192-8192".
	OutDim string `yaml:"out_dim"`
	// SmallKernel is the official ResNet stem for small images (3×3 stride-1 conv1); ResNets only.
	SmallKernel bool `yaml:"small_kernel"`
	// NoMaxPool removes the ResNet stem's max pool (a deviation from the official code); ResNets only.
	NoMaxPool bool `yaml:"no_maxpool"`
	// Precision is float32 (empty: the default) or bfloat16, mixed precision with float32
	// master weights, BatchNorm and loss: this kit's alternative to the official fp16.
	Precision string `yaml:"precision"`
}

// ScatnetConfig holds the official scatnet.* keys.
type ScatnetConfig struct {
	J     int   `yaml:"J"`
	L     int   `yaml:"L"`
	Shape []int `yaml:"shape,flow"`
}

// HOGConfig holds the official hog.* keys.
type HOGConfig struct {
	NBins int `yaml:"nbins"`
	Pool  int `yaml:"pool"`
}

// EvalConfig lists the evaluation protocols run after training, each giving one result row.
type EvalConfig struct {
	// Protocols are run in order; see EvalProtocols().
	Protocols []string `yaml:"protocols,flow"`
	// Features are what linear, knn and tsne read: h (the representation) or z (the embedding).
	Features string `yaml:"features"`
	// Probe configures the linear probe.
	Probe ProbeSettings `yaml:"probe"`
	// KNN configures the kNN classifier.
	KNN KNNSettings `yaml:"knn"`
	// SemiSteps is the number of fine-tuning steps of the semi1 and semi10 protocols (the
	// other settings are mvmr.DefaultSemiSupConfig's).
	SemiSteps int `yaml:"semi_steps"`
	// SemiOfficialEpochs > 0 runs semi1 and semi10 as the official semi-supervised module for
	// that many epochs (mvmr.OfficialSemiSupConfig: with-replacement sampling, Adam lr 1e-4 and
	// weight decay 1e-6 on backbone and head, batch_size images, the per-epoch cosine, the custom
	// policy) instead of SemiSteps of the kit's fast fine-tune; 0: the fast one.
	SemiOfficialEpochs int `yaml:"semi_official_epochs"`
	// OfficialLinear configures the linear_official protocol (mvmr.OfficialLinearConfig; the
	// batch size is the run's batch_size, as the official script reads the config's).
	OfficialLinear OfficialLinearSettings `yaml:"official_linear"`
}

// OfficialLinearSettings are the linear_official protocol's settings.
type OfficialLinearSettings struct {
	// Epochs is the official script's --epochs (100).
	Epochs int `yaml:"epochs"`
	// FromOnlineHead starts the head from the online probe's when the run trained one, as the
	// official script starts from the checkpoint's online_finetuner (default true).
	FromOnlineHead bool `yaml:"from_online_head"`
}

// KNNSettings are the kNN protocol's settings (mvmr.KNNConfig).
type KNNSettings struct {
	// Ks are the neighbourhood sizes, one result row each.
	Ks []int `yaml:"ks,flow"`
	// Temperature is T in the vote weight exp(cos/T).
	Temperature float64 `yaml:"temperature"`
	// Temperatures, when set, replace Temperature by a grid: one result row per (k, T), as
	// solo-learn's offline kNN.
	Temperatures []float64 `yaml:"temperatures,flow,omitempty"`
	// Whiten lists the feature whitenings to evaluate, one set of rows each: 0 the raw features
	// (the InstDisc protocol, the default), N the features PCA-whitened to their N leading
	// principal components, fitted on the training features without labels
	// (mvmr.KNNConfig.Whiten; the quickstart reads mvmr.KNNWhitenDims = 256). [0, 256]: both.
	Whiten []int `yaml:"whiten,flow,omitempty"`
}

// ProbeSettings are the linear-probe settings (mvmr.ProbeConfig; the seed is the run's).
type ProbeSettings struct {
	Epochs      int     `yaml:"epochs"`
	BatchSize   int     `yaml:"batch_size"`
	LR          float64 `yaml:"lr"`
	WeightDecay float64 `yaml:"weight_decay"`
}

// Allowed values. Other packages add data sets, encoders and protocols: these lists are what
// this build offers, and every error lists them.
var (
	// AugPolicyNames are the augmentation policies: "default" (the data set's usual one) and
	// those of datasets.NewPolicy.
	AugPolicyNames = append([]string{AugPolicyDefault}, datasets.PolicyNames...)
	// Schedulers are the learning-rate schedules: the official ones (mvmr.ScheduleWarmupCosine,
	// mvmr.ScheduleCosine, mvmr.ScheduleMultiStep) and this kit's.
	Schedulers = []string{mvmr.ScheduleWarmupCosine, mvmr.ScheduleCosine, mvmr.ScheduleMultiStep, mvmr.ScheduleWarmupCosineKit, SchedulerConstant}
)

// DatasetNames returns the data sets OpenData can load: datasets.Names, those datasets.Open knows.
// It is a copy: changing it changes neither datasets.Names nor what the next call returns.
func DatasetNames() []string { return slices.Clone(datasets.Names) }

// EvalProtocols returns the evaluation protocols: the linear probe, the weighted kNN classifier
// (one row per k), fine-tuning on 1 % and 10 % of the labels, and t-SNE (its KL and
// trustworthiness as metrics): mvmr.Protocols, run by Trainer.Evaluate. It is a copy: changing
// it changes neither mvmr.Protocols nor what the next call returns.
func EvalProtocols() []string { return slices.Clone(mvmr.Protocols) }

// Default returns the quickstart run: MNIST, batch 256, 300 steps at lr 6e-3 with a cosine
// schedule, the 32-64-128 CNN with a 512-512 projector, representations image and std in
// maximize mode, a linear probe.
func Default() Config { return defaults().complete() }

// defaults is Default before the settings that depend on the encoder type are filled in.
func defaults() Config {
	loss := mvmr.DefaultLossConfig()
	opt := mvmr.DefaultOptimizerConfig(mvmr.QuickstartSteps)
	enc := nn.DefaultEncoderConfig()
	probe := mvmr.DefaultProbeConfig()
	knn := mvmr.DefaultKNNConfig()
	c := Config{
		Seed: 1, BatchSize: 256, Steps: mvmr.QuickstartSteps, WarmupSteps: -1,
		Optimizer: opt.Name, Momentum: 0.9, AccumulateGradBatches: 1, LR: mvmr.QuickstartLR, WD: opt.WeightDecay, MinLR: opt.MinLR, Scheduler: mvmr.ScheduleWarmupCosineKit, Gamma: 0.1,
		StdMargin: loss.StdMargin, StdEpsilon: loss.StdEpsilon, NormalizeZ: loss.NormalizeZ, DCorScale: loss.DCorScale,
		Weights: Weights{MSE: loss.MSEWeight, Std: loss.StdWeight, DCorZZ: loss.DCorZZWeight},
		L3Mode:  string(mvmr.ModeMaximize),
		Dataset: DatasetConfig{Name: "mnist", AugPolicy: AugPolicyDefault, TrainSplit: datasets.SplitTrain},
		Augment: augmentConfig(datasets.DefaultDigitAugment()),
		Encoder: EncoderConfig{Type: nn.ArchCNN, OutDim: enc.Projector},
		Scatnet: ScatnetConfig{J: 2, L: 8},
		HOG:     HOGConfig{NBins: 24, Pool: 8},
		Eval: EvalConfig{Protocols: []string{"linear"}, Features: "h", Probe: ProbeSettings{
			Epochs: probe.Epochs, BatchSize: probe.BatchSize, LR: probe.LR, WeightDecay: probe.WeightDecay},
			KNN: KNNSettings{Ks: knn.Ks, Temperature: knn.Temperature}, SemiSteps: mvmr.DefaultSemiSupConfig(0.01).Steps,
			OfficialLinear: OfficialLinearSettings{Epochs: mvmr.DefaultOfficialLinearConfig().Epochs, FromOnlineHead: true}},
		CheckpointEvery: 100, MonitorEvery: DefaultMonitorEvery, Monitors: slices.Clone(DefaultMonitors),
	}
	for _, t := range loss.Representations {
		c.Representations = append(c.Representations, Representation{Name: t.Name, Weight: t.Weight})
	}
	return c
}

// complete fills the settings that default by encoder type (the cnn's blocks and head, the
// ResNets' pooled head), so that the config printed back shows every value used.
func (c Config) complete() Config {
	if c.Encoder.Type == nn.ArchCNN {
		def := nn.DefaultEncoderConfig()
		switch {
		case len(c.Encoder.Channels) == 0 && len(c.Encoder.Strides) == 0:
			c.Encoder.Channels, c.Encoder.Strides = slices.Clone(def.Channels), slices.Clone(def.Strides)
		case len(c.Encoder.Strides) == 0:
			// Channels without strides: the quickstart's stride (2) for every block.
			for range c.Encoder.Channels {
				c.Encoder.Strides = append(c.Encoder.Strides, def.Strides[0])
			}
		}
		if c.Encoder.Head == "" {
			c.Encoder.Head = string(def.Head)
		}
	} else if c.Encoder.Head == "" {
		c.Encoder.Head = string(nn.HeadAvgPool)
	}
	return c
}

// officialUnused are keys of the official configs that this kit reads and does not use, with
// why; Load reports each one present as a notice.
var officialUnused = map[string]string{
	"log_every":      "progress is printed every 10 s",
	"eval_every":     "the evaluation protocols run after training",
	"n_workers":      "data loading uses every core",
	"fp16":           "set encoder.precision: bfloat16 for mixed precision (fast with XLA on a GPU)",
	"fine_tune_from": "use mvmr train --resume to continue a run",
	"num_features":   "the head reads h of the checkpoint's encoder, whatever its size",
}

// Loaded is a Config with what loading it noticed.
type Loaded struct {
	Config Config
	// Notices are official keys read and not used, one line each.
	Notices []string
}

// Load reads a YAML config file and applies overrides ("key=value", dotted keys as
// dataset.name=mnist) on top of it, over Default. An empty path loads Default with the
// overrides only.
func Load(path string, overrides ...string) (Loaded, error) {
	var raw []byte
	if path != "" {
		var err error
		if raw, err = os.ReadFile(path); err != nil {
			return Loaded{}, fmt.Errorf("runs: reading config: %w", err)
		}
	}
	l, err := Parse(raw, overrides...)
	if err != nil && path != "" {
		return l, fmt.Errorf("%s: %w", path, err)
	}
	return l, err
}

// LoadRunConfig reads the config.yaml of a run folder. A file written before the official
// schedules existed (every key written, but no gamma) names the kit's schedule "cosine": it is
// read as warmup_cosine_kit, what that run trained with.
func LoadRunConfig(path string) (Loaded, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Loaded{}, fmt.Errorf("runs: reading config: %w", err)
	}
	m, err := parseYAMLMap(raw)
	if err != nil {
		return Loaded{}, fmt.Errorf("%s: %w", path, err)
	}
	_, hasGamma := m["gamma"]
	if _, kitWritten := m["checkpoint_every"]; kitWritten && !hasGamma && m["scheduler"] == mvmr.ScheduleCosine {
		m["scheduler"] = mvmr.ScheduleWarmupCosineKit
	}
	l, err := FromMap(m)
	if err != nil {
		return l, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// Parse reads a YAML config from bytes, as Load does.
func Parse(raw []byte, overrides ...string) (Loaded, error) {
	m, err := parseYAMLMap(raw)
	if err != nil {
		return Loaded{}, err
	}
	for _, kv := range overrides {
		key, value, err := ParseOverride(kv)
		if err != nil {
			return Loaded{}, err
		}
		if err := setPath(m, key, value); err != nil {
			return Loaded{}, err
		}
	}
	return FromMap(m)
}

// parseYAMLMap reads a YAML mapping into generic values.
func parseYAMLMap(raw []byte) (map[string]any, error) {
	m := map[string]any{}
	if len(bytes.TrimSpace(raw)) == 0 {
		return m, nil
	}
	var v any
	if err := yaml.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	if v == nil {
		return m, nil
	}
	got, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the top level is %s; expected a mapping of keys such as batch_size: 256", show(v))
	}
	return got, nil
}

// ParseOverride splits a "key=value" override (the --set flag) and reads the value as YAML.
func ParseOverride(kv string) (string, any, error) {
	key, raw, ok := strings.Cut(kv, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return "", nil, fmt.Errorf("--set %q: expected key=value, as lr=1e-3 or dataset.name=mnist", kv)
	}
	return key, parseScalar(strings.TrimSpace(raw)), nil
}

// FromMap decodes a generic mapping (the parsed YAML with overrides) over Default.
func FromMap(m map[string]any) (Loaded, error) {
	m = deepCopy(m).(map[string]any)
	var l Loaded
	if data, ok := m["dataset"].(map[string]any); ok && data["name"] == "voc" {
		return l, errors.New(`dataset.name = "voc": not supported: the official VOC07 linear evaluation (imagenet_voc.yaml, voc_linear_eval_module.py) needs a PASCAL VOC loader and a multi-label linear probe, which this kit does not have`)
	}
	official, semi := false, false
	for _, k := range officialRunKeys {
		_, has := m[k]
		official = official || has
	}
	if data, ok := m["dataset"].(map[string]any); ok {
		_, semi = data["percentage"]
	}
	for _, key := range sortedOfficial() {
		parent, leaf := m, key
		if p, k, nested := strings.Cut(key, "."); nested {
			sub, ok := m[p].(map[string]any)
			if !ok {
				continue
			}
			parent, leaf = sub, k
		}
		if v, ok := parent[leaf]; ok {
			delete(parent, leaf)
			if v != nil {
				l.Notices = append(l.Notices, fmt.Sprintf("%s = %s: read, not used (%s)", key, show(v), officialUnused[key]))
			}
		}
	}
	// The official encoder_type (resnet, deit) is this kit's encoder.type; the official
	// "resnet" is ResNet-50 (ResnetMultiProj's default).
	if v, ok := m["encoder_type"]; ok {
		if v == "resnet" {
			v = nn.ArchResNet50
		}
		delete(m, "encoder_type")
		enc, isMap := m["encoder"].(map[string]any)
		if !isMap {
			enc = map[string]any{}
			m["encoder"] = enc
		}
		if _, set := enc["type"]; !set {
			enc["type"] = v
		}
	}
	clipBeforeDecode(m)
	semiBeforeDecode(m, &l)
	if official {
		officialDefaults(m, &l, semi)
	}
	c := defaults()
	d := decoder{present: map[string]bool{}}
	d.decodeValue("", m, reflect.ValueOf(&c).Elem())
	problems := d.problems()
	if len(problems) > 0 {
		return l, errors.New(strings.Join(problems, "\n"))
	}
	// A config that gives the length in epochs (the official ones) overrides the default steps.
	if d.present["epochs"] && !d.present["steps"] {
		c.Steps = 0
	}
	if d.present["warmup_epochs"] && !d.present["warmup_steps"] {
		c.WarmupSteps = -1
	}
	// The official code's eta_min and min_lr for cosine and warmup_cosine.
	if !d.present["min_lr"] && (c.Scheduler == mvmr.ScheduleWarmupCosine || c.Scheduler == mvmr.ScheduleCosine) {
		c.MinLR = OfficialMinLR
	}
	c, err := c.withCLIP(&l)
	if err != nil {
		return l, err
	}
	l.Config = c.complete()
	return l, nil
}

// SchedulerConstant is the kit's warmup to lr, then lr.
const SchedulerConstant = "constant"

// OfficialMinLR is the final learning rate the official configure_optimizers hard-codes for
// warmup_cosine (min_lr) and cosine (eta_min): min_lr's default for those schedules.
const OfficialMinLR = 1e-6

// officialRunKeys are keys every official config sets and this kit's own configs do not: a
// config holding one of them is an official config.
var officialRunKeys = []string{"n_workers", "fp16"}

// officialSTL10Split is the split the official code trains STL-10 on (datasets.Open's name).
const officialSTL10Split = "train+unlabeled"

// officialDefaults gives an official config (one holding an officialRunKeys key) what the
// official code does where the file is silent, each with a notice in l.Notices:
//   - no encoder type (the STL-10 and ImageNet configs, older than the official encoder_type
//     key): the encoder the official code builds for every config, ResnetMultiProj, ResNet-50;
//   - a self-supervised STL-10 config (no dataset.percentage, the semi-supervised configs' key)
//     without dataset.train_split: train+unlabeled, the official DatasetSSL(train=True,
//     unlabeled=True);
//   - a self-supervised config without representations nor l3_mode: the L3 terms the official
//     step adds for every config (self_supervised_module.py, hard-coded): full_img,
//     full_img_scatnet, full_img_augment, full_img_hog and full_img_std, each as +dCor, that is
//     image, scatnet, augmented, hog and std with l3_mode official (scatnet and hog read the
//     config's scatnet and hog sections), fresh_per_batch (its transform of the whole batch
//     tensor draws one set of parameters) and fresh_official (that transform is the custom
//     policy on the normalised tensor).
//
// This kit's configs keep the cnn, the train split and the image and std terms in maximize mode.
func officialDefaults(m map[string]any, l *Loaded, semi bool) {
	section := func(name string) map[string]any {
		sub, isMap := m[name].(map[string]any)
		if !isMap {
			sub = map[string]any{}
			m[name] = sub
		}
		return sub
	}
	if enc := section("encoder"); enc["type"] == nil {
		enc["type"] = nn.ArchResNet50
		l.Notices = append(l.Notices, fmt.Sprintf("encoder.type = %s: the official code's encoder (ResnetMultiProj) for a config without encoder_type", nn.ArchResNet50))
	}
	if data := section("dataset"); !semi && data["name"] == "stl10" && data["train_split"] == nil {
		data["train_split"] = officialSTL10Split
		l.Notices = append(l.Notices, "dataset.train_split = "+officialSTL10Split+": the official STL-10 training set (labelled and unlabelled images)")
	}
	if _, set := m["representations"]; !semi && !set && m["l3_mode"] == nil {
		reps := make([]any, len(OfficialRepresentations))
		for i, name := range OfficialRepresentations {
			reps[i] = name
		}
		m["representations"], m["l3_mode"] = reps, string(mvmr.ModeOfficial)
		extra := ""
		if _, set := m["fresh_per_batch"]; !set {
			m["fresh_per_batch"] = true
			extra = ", fresh_per_batch = true"
		}
		if _, set := m["fresh_official"]; !set {
			m["fresh_official"] = true
			extra += ", fresh_official = true"
		}
		l.Notices = append(l.Notices, fmt.Sprintf("representations = %s, l3_mode = %s%s: the official step's L3 terms "+
			"(full_img, full_img_scatnet, full_img_augment, full_img_hog, full_img_std, each +dCor; the augmented view "+
			"drawn once per batch with the official transform of the normalised image)", strings.Join(OfficialRepresentations, ","), mvmr.ModeOfficial, extra))
	}
}

// OfficialRepresentations are this kit's names of the L3 terms the official self-supervised
// step uses for every config, in its order: full_img, full_img_scatnet, full_img_augment,
// full_img_hog, full_img_std.
var OfficialRepresentations = []string{"image", "scatnet", "augmented", "hog", "std"}

func sortedOfficial() []string {
	keys := make([]string, 0, len(officialUnused))
	for k := range officialUnused {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// YAML returns the config in full as YAML, every key written: what each run folder holds as
// config.yaml. Loading it gives the same Config.
func (c Config) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("runs: writing the config as YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
