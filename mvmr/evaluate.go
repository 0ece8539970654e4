package mvmr

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr/tsne"
)

// Protocols lists the evaluation protocols Evaluate runs (each a line of protocolRunners), in the
// order `mvmr eval` documents them.
var Protocols = []string{ProtocolLinear, ProtocolLinearOfficial, ProtocolKNN, ProtocolSemi1, ProtocolSemi10, ProtocolTSNE}

// TrustworthinessK is the neighbourhood size of the t-SNE trustworthiness score.
const TrustworthinessK = 10

// EvalOptions configures Evaluate.
type EvalOptions struct {
	// Features is "h" (the representation, default) or "z" (the embedding) for linear, knn and tsne.
	Features string
	// Seed is the protocols' seed (probe, label sampling, fine-tuning order).
	Seed int64
	// Probe, KNN and Semi configure those protocols (Semi.Fraction is set by semi1/semi10).
	Probe ProbeConfig
	KNN   KNNConfig
	Semi  SemiSupConfig
	// KNNWhiten, when not empty, runs the kNN protocol once per entry with KNN.Whiten set to it
	// (0: raw features; N: PCA-whitened to N components), one set of result rows each, from one
	// extraction of the features. Empty: KNN.Whiten alone.
	KNNWhiten []int
	// OfficialLinear configures ProtocolLinearOfficial (its Seed and Progress are set by Evaluate).
	OfficialLinear OfficialLinearConfig
	// TSNE configures t-SNE, run on the first TSNEPoints test images (trustworthiness at k = 10).
	TSNE       tsne.Options
	TSNEPoints int
	// Checkpoint is recorded in the results.
	Checkpoint string
	// Progress receives progress lines (may be nil).
	Progress io.Writer
}

// DefaultEvalOptions returns h, seed 1, and each protocol's defaults; t-SNE on 2 000 test images.
func DefaultEvalOptions() EvalOptions {
	return EvalOptions{Features: "h", Seed: 1, Probe: DefaultProbeConfig(), KNN: DefaultKNNConfig(),
		Semi: DefaultSemiSupConfig(0.01), OfficialLinear: DefaultOfficialLinearConfig(), TSNE: tsne.DefaultOptions(), TSNEPoints: 2000}
}

// TSNEEmbedding is a 2-D t-SNE map of encoded images with its quality scores.
type TSNEEmbedding struct {
	// Y holds N points of Dims coordinates, row-major; Labels their classes.
	Y      []float64
	N      int
	Dims   int
	Labels []int32
	// KL is the final KL divergence, Trustworthiness the score at k = TrustworthinessK.
	KL, Trustworthiness float64
}

// protocolRunners is the table of the protocols Evaluate runs, one line each, as GoMLX's
// KnownOptimizers; Protocols lists the same names in the order `mvmr eval` documents them.
var protocolRunners = map[string]func(*evaluation) ([]Result, *TSNEEmbedding, error){
	ProtocolLinear:         (*evaluation).linear,
	ProtocolLinearOfficial: (*evaluation).linearOfficial,
	ProtocolKNN:            (*evaluation).knn,
	ProtocolSemi1:          (*evaluation).semi,
	ProtocolSemi10:         (*evaluation).semi,
	ProtocolTSNE:           (*evaluation).tsne,
}

// semiFractions are the labelled fractions of the semi-supervised protocols.
var semiFractions = map[string]float64{ProtocolSemi1: 0.01, ProtocolSemi10: 0.1}

// Evaluate runs one protocol on the trainer's encoder, with the trainer's training set as the
// labelled training data and test as the test data, and returns its results (kNN gives one per k).
// The t-SNE map is returned too for ProtocolTSNE (nil otherwise).
func (t *Trainer) Evaluate(protocol string, test *datasets.Dataset, opts EvalOptions) ([]Result, *TSNEEmbedding, error) {
	start := time.Now()
	train := t.data
	if opts.Features == "" {
		opts.Features = "h"
	}
	if opts.Features != "h" && opts.Features != "z" {
		return nil, nil, fmt.Errorf("mvmr: features %q; expected \"h\" or \"z\"", opts.Features)
	}
	run, ok := protocolRunners[protocol]
	if !ok {
		return nil, nil, fmt.Errorf("mvmr: protocol %q; expected one of %s", protocol, strings.Join(Protocols, ", "))
	}
	if protocol != ProtocolTSNE { // t-SNE reads labels only to colour its map
		for _, d := range []*datasets.Dataset{train, test} {
			if err := d.CheckLabeled("mvmr: protocol " + protocol); err != nil {
				return nil, nil, err
			}
		}
	}
	e := &evaluation{t: t, protocol: protocol, train: train, test: test, opts: opts, start: start,
		base: Result{Protocol: protocol, Features: opts.Features, Dataset: datasetFamily(train.Name), TrainSplit: train.Name,
			TestSplit: test.Name, Checkpoint: opts.Checkpoint, Step: t.Step(), TrainSeed: t.config.Seed, EvalSeed: opts.Seed}}
	return run(e)
}

// evaluation is one call of Evaluate: the protocol, its data and options, and the result
// fields every protocol shares.
type evaluation struct {
	t           *Trainer
	protocol    string
	train, test *datasets.Dataset
	opts        EvalOptions
	base        Result
	start       time.Time
}

// features encodes data into the features opts.Features names (h or z).
func (e *evaluation) features(data *datasets.Dataset) (Features, error) {
	f, dim, err := e.t.Features(data)
	if e.opts.Features == "z" {
		f, dim, err = e.t.Embeddings(data)
	}
	if err != nil {
		return Features{}, err
	}
	return Features{Data: f, N: data.Len(), Dim: dim, Labels: data.Labels, NumClasses: data.NumClasses}, nil
}

// progress writes one progress line to opts.Progress, if any.
func (e *evaluation) progress(format string, args ...any) {
	if e.opts.Progress != nil {
		fmt.Fprintf(e.opts.Progress, format+"\n", args...)
	}
}

// encodeTrainTest encodes the training and the test set, for the linear probe and the kNN.
func (e *evaluation) encodeTrainTest() (trainF, testF Features, err error) {
	e.progress("%s: encoding %s (%d) and %s (%d) images", e.protocol, e.train.Name, e.train.Len(), e.test.Name, e.test.Len())
	if trainF, err = e.features(e.train); err != nil {
		return Features{}, Features{}, err
	}
	if testF, err = e.features(e.test); err != nil {
		return Features{}, Features{}, err
	}
	return trainF, testF, nil
}

// linear fits a logistic-regression probe on the training features (ProtocolLinear).
func (e *evaluation) linear() ([]Result, *TSNEEmbedding, error) {
	trainF, testF, err := e.encodeTrainTest()
	if err != nil {
		return nil, nil, err
	}
	probe := e.opts.Probe
	probe.Seed = e.opts.Seed
	probe.Progress = e.opts.Progress
	e.progress("linear: fitting logistic regression on %d × %d features (%d epochs)", trainF.N, trainF.Dim, probe.Epochs)
	r, err := LinearProbe(e.t.backend, trainF, testF, probe)
	if err != nil {
		return nil, nil, err
	}
	res := e.base
	res.Top1, res.Top5 = r.Top1, r.Top5
	res.Metrics = map[string]float64{"train_top1": r.TrainTop1, "dim": float64(trainF.Dim)}
	res.Stamp(e.start)
	return []Result{res}, nil, nil
}

// linearOfficial is the official linear evaluation (ProtocolLinearOfficial, OfficialLinear): its
// best epoch's accuracy, with that epoch and the ten-crop score of the online head it started
// from (when it did) as metrics; it always reads h.
func (e *evaluation) linearOfficial() ([]Result, *TSNEEmbedding, error) {
	config := e.opts.OfficialLinear
	config.Seed, config.Progress = e.opts.Seed, e.opts.Progress
	r, err := e.t.OfficialLinear(e.train, e.test, config)
	if err != nil {
		return nil, nil, err
	}
	res := e.base
	res.Features = "h"
	res.Top1, res.Top5 = r.Top1, r.Top5
	res.Metrics = map[string]float64{"best_epoch": float64(r.BestEpoch), "epochs": float64(config.Epochs),
		"last_top1": r.EpochTop1[len(r.EpochTop1)-1]}
	if config.StartHead != nil {
		res.Variant = "from_online_head"
		res.Metrics["tencrop_top1"], res.Metrics["tencrop_top5"] = r.TenCropTop1, r.TenCropTop5
	}
	res.Stamp(e.start)
	return []Result{res}, nil, nil
}

// knn classifies the test features by their weighted nearest training features, one result per k
// and temperature (ProtocolKNN), for each whitening of KNNWhiten; the variant names T too when
// several temperatures are evaluated, and the whitening's components when there is one.
func (e *evaluation) knn() ([]Result, *TSNEEmbedding, error) {
	trainF, testF, err := e.encodeTrainTest()
	if err != nil {
		return nil, nil, err
	}
	whitens := e.opts.KNNWhiten
	if len(whitens) == 0 {
		whitens = []int{e.opts.KNN.Whiten}
	}
	var out []Result
	for _, whiten := range whitens {
		config := e.opts.KNN
		config.Whiten = whiten
		rs, err := KNN(e.t.backend, trainF, testF, config, e.opts.Progress)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rs {
			res := e.base
			res.Variant = r.Variant(len(config.Temperatures) > 1)
			res.Top1, res.Top5 = r.Top1, r.Top5
			res.Metrics = map[string]float64{"temperature": r.Temperature, "dim": float64(r.Dim)}
			res.Stamp(e.start)
			out = append(out, res)
		}
	}
	return out, nil, nil
}

// semi fine-tunes the encoder with a classifier on the protocol's fraction of labelled training
// images (ProtocolSemi1, ProtocolSemi10); it always reports h.
func (e *evaluation) semi() ([]Result, *TSNEEmbedding, error) {
	semi := e.opts.Semi
	semi.Fraction = semiFractions[e.protocol]
	semi.Seed = e.opts.Seed
	r, err := e.t.FineTune(e.test, semi, e.opts.Progress)
	if err != nil {
		return nil, nil, err
	}
	res := e.base
	res.Features = "h"
	res.Variant = string(semi.Sampling)
	res.Top1, res.Top5 = r.Top1, r.Top5
	res.Metrics = map[string]float64{"label_fraction": semi.Fraction, "labelled": float64(r.Labelled),
		"steps": float64(r.Steps), "final_loss": r.FinalLoss}
	if semi.Epochs > 0 {
		res.Metrics["epochs"] = float64(semi.Epochs)
	}
	res.Stamp(e.start)
	return []Result{res}, nil, nil
}

// tsne maps the first TSNEPoints test images to 2-D and scores the map's trustworthiness
// (ProtocolTSNE).
func (e *evaluation) tsne() ([]Result, *TSNEEmbedding, error) {
	n := min(e.opts.TSNEPoints, e.test.Len())
	if n < 3*TrustworthinessK {
		return nil, nil, fmt.Errorf("mvmr: t-SNE of %d points; expected at least %d", n, 3*TrustworthinessK)
	}
	subset := e.test.Subset(n)
	e.progress("tsne: encoding %d %s images", n, e.test.Name)
	f, err := e.features(subset)
	if err != nil {
		return nil, nil, err
	}
	x := make([]float64, len(f.Data))
	for i, v := range f.Data {
		x[i] = float64(v)
	}
	topt := e.opts.TSNE
	topt.Seed = e.opts.Seed
	if topt.Progress == nil {
		topt.Progress = e.opts.Progress
	}
	r, err := tsne.Embed(x, n, f.Dim, topt)
	if err != nil {
		return nil, nil, fmt.Errorf("mvmr: t-SNE: %w", err)
	}
	e.progress("tsne: trustworthiness (k = %d) of %d points", TrustworthinessK, n)
	trust, err := tsne.Trustworthiness(x, f.Dim, r.Y, r.Dims, n, TrustworthinessK)
	if err != nil {
		return nil, nil, fmt.Errorf("mvmr: t-SNE: %w", err)
	}
	emb := &TSNEEmbedding{Y: r.Y, N: n, Dims: r.Dims, Labels: subset.Labels, KL: r.KL, Trustworthiness: trust}
	res := e.base
	res.Metrics = map[string]float64{"kl": r.KL, "trustworthiness": trust, "points": float64(n),
		"perplexity": topt.Perplexity, "theta": topt.Theta}
	res.Stamp(e.start)
	return []Result{res}, emb, nil
}

// datasetFamily is the data set's name without its split ("mnist/train" → "mnist").
func datasetFamily(name string) string {
	family, _, _ := strings.Cut(name, "/")
	return family
}
