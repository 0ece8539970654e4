package mvmr

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr/tsne"
)

// Protocols lists the evaluation protocols Evaluate runs, in the order `mvmr eval` documents them.
var Protocols = []string{ProtocolLinear, ProtocolKNN, ProtocolSemi1, ProtocolSemi10, ProtocolTSNE}

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
		Semi: DefaultSemiSupConfig(0.01), TSNE: tsne.DefaultOptions(), TSNEPoints: 2000}
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
	base := Result{Protocol: protocol, Features: opts.Features, Dataset: datasetFamily(train.Name), TrainSplit: train.Name,
		TestSplit: test.Name, Checkpoint: opts.Checkpoint, Step: t.Step(), TrainSeed: t.config.Seed, EvalSeed: opts.Seed}
	features := func(data *datasets.Dataset) (Features, error) {
		f, dim, err := t.Features(data)
		if opts.Features == "z" {
			f, dim, err = t.Embeddings(data)
		}
		if err != nil {
			return Features{}, err
		}
		return Features{Data: f, N: data.Len(), Dim: dim, Labels: data.Labels, NumClasses: data.NumClasses}, nil
	}
	progress := func(format string, args ...any) {
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, format+"\n", args...)
		}
	}
	switch protocol {
	case ProtocolLinear, ProtocolKNN:
		progress("%s: encoding %s (%d) and %s (%d) images", protocol, train.Name, train.Len(), test.Name, test.Len())
		trainF, err := features(train)
		if err != nil {
			return nil, nil, err
		}
		testF, err := features(test)
		if err != nil {
			return nil, nil, err
		}
		if protocol == ProtocolLinear {
			probe := opts.Probe
			probe.Seed = opts.Seed
			probe.Progress = opts.Progress
			progress("linear: fitting logistic regression on %d × %d features (%d epochs)", trainF.N, trainF.Dim, probe.Epochs)
			r, err := LinearProbe(t.backend, trainF, testF, probe)
			if err != nil {
				return nil, nil, err
			}
			base.Top1, base.Top5 = r.Top1, r.Top5
			base.Metrics = map[string]float64{"train_top1": r.TrainTop1, "dim": float64(trainF.Dim)}
			base.Stamp(start)
			return []Result{base}, nil, nil
		}
		rs, err := KNN(t.backend, trainF, testF, opts.KNN, opts.Progress)
		if err != nil {
			return nil, nil, err
		}
		var out []Result
		for _, r := range rs {
			res := base
			res.Variant = fmt.Sprintf("k=%d", r.K)
			res.Top1, res.Top5 = r.Top1, r.Top5
			res.Metrics = map[string]float64{"temperature": opts.KNN.Temperature, "dim": float64(trainF.Dim)}
			res.Stamp(start)
			out = append(out, res)
		}
		return out, nil, nil
	case ProtocolSemi1, ProtocolSemi10:
		semi := opts.Semi
		semi.Fraction = map[string]float64{ProtocolSemi1: 0.01, ProtocolSemi10: 0.1}[protocol]
		semi.Seed = opts.Seed
		r, err := t.FineTune(test, semi, opts.Progress)
		if err != nil {
			return nil, nil, err
		}
		base.Features = "h"
		base.Variant = string(semi.Sampling)
		base.Top1, base.Top5 = r.Top1, r.Top5
		base.Metrics = map[string]float64{"label_fraction": semi.Fraction, "labelled": float64(r.Labelled),
			"steps": float64(semi.Steps), "final_loss": r.FinalLoss}
		base.Stamp(start)
		return []Result{base}, nil, nil
	case ProtocolTSNE:
		n := min(opts.TSNEPoints, test.Len())
		if n < 3*TrustworthinessK {
			return nil, nil, fmt.Errorf("mvmr: t-SNE of %d points; expected at least %d", n, 3*TrustworthinessK)
		}
		subset := test.Subset(n)
		progress("tsne: encoding %d %s images", n, test.Name)
		f, err := features(subset)
		if err != nil {
			return nil, nil, err
		}
		x := make([]float64, len(f.Data))
		for i, v := range f.Data {
			x[i] = float64(v)
		}
		topt := opts.TSNE
		topt.Seed = opts.Seed
		if topt.Progress == nil {
			topt.Progress = opts.Progress
		}
		r, err := tsne.Embed(x, n, f.Dim, topt)
		if err != nil {
			return nil, nil, fmt.Errorf("mvmr: t-SNE: %w", err)
		}
		progress("tsne: trustworthiness (k = %d) of %d points", TrustworthinessK, n)
		trust, err := tsne.Trustworthiness(x, f.Dim, r.Y, r.Dims, n, TrustworthinessK)
		if err != nil {
			return nil, nil, fmt.Errorf("mvmr: t-SNE: %w", err)
		}
		emb := &TSNEEmbedding{Y: r.Y, N: n, Dims: r.Dims, Labels: subset.Labels, KL: r.KL, Trustworthiness: trust}
		base.Metrics = map[string]float64{"kl": r.KL, "trustworthiness": trust, "points": float64(n),
			"perplexity": topt.Perplexity, "theta": topt.Theta}
		base.Stamp(start)
		return []Result{base}, emb, nil
	default:
		return nil, nil, fmt.Errorf("mvmr: protocol %q; expected one of %s", protocol, strings.Join(Protocols, ", "))
	}
}

// datasetFamily is the data set's name without its split ("mnist/train" → "mnist").
func datasetFamily(name string) string {
	family, _, _ := strings.Cut(name, "/")
	return family
}
