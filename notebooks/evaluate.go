package notebooks

import (
	"fmt"
	"io"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// KNNCompareFolds is the number of test folds EvaluateCheckpoint pairs the kNN accuracies of h
// and raw pixels over.
const KNNCompareFolds = 5

// EvaluateCheckpoint runs the two standard protocols on the frozen encoder of trainer (loaded
// from checkpoint) and on raw pixels: the linear probe (mvmr.DefaultProbeConfig, also on the same
// encoder with random weights: RandomEncoderProbe) and the
// weighted kNN classifier (mvmr.DefaultKNNConfig, one result per k), fit on train and scored on
// test. It writes one line per result to w ("h        knn     k=20   top-1  97.36 %  top-5 ...")
// and, for every k, the paired reading of h against pixels over KNNCompareFolds folds of the test
// digits (Compare), and returns the results as mvmr.Result rows (mvmr.SaveResults writes them).
func EvaluateCheckpoint(trainer *mvmr.Trainer, checkpoint string, train, test *datasets.Dataset, quick bool, w io.Writer) ([]mvmr.Result, error) {
	var results []mvmr.Result
	add := func(features, protocol, variant string, top1, top5 float64) {
		results = append(results, mvmr.Result{Protocol: protocol, Variant: variant, Features: features, Dataset: "mnist",
			TrainSplit: train.Name, TestSplit: test.Name, Checkpoint: checkpoint, Step: trainer.Step(),
			TrainSeed: trainer.Config().Seed, EvalSeed: 1, Top1: top1, Top5: top5})
		fmt.Fprintf(w, "%-10s %-7s %-6s top-1 %6.2f %%  top-5 %6.2f %%\n", features, protocol, variant, 100*top1, 100*top5)
	}
	probe := mvmr.DefaultProbeConfig()
	pixels, err := mvmr.ProbePixels(trainer, train, test, probe)
	if err != nil {
		return nil, err
	}
	add("pixels", mvmr.ProtocolLinear, "", pixels.Top1, pixels.Top5)
	random, err := RandomEncoderProbe(trainer.Config(), train, test, probe)
	if err != nil {
		return nil, err
	}
	add("random h", mvmr.ProtocolLinear, "", random.Top1, random.Top5)
	encoder, err := trainer.ProbeEncoder("h", train, test, probe)
	if err != nil {
		return nil, err
	}
	add("h", mvmr.ProtocolLinear, "", encoder.Top1, encoder.Top5)
	hTrain, err := trainer.EncoderFeatures(train)
	if err != nil {
		return nil, err
	}
	hTest, err := trainer.EncoderFeatures(test)
	if err != nil {
		return nil, err
	}
	folds := min(KNNCompareFolds, test.Len())
	byFold := map[string]map[int][]float64{}
	for _, f := range []struct {
		name        string
		train, test mvmr.Features
	}{{"pixels", mvmr.PixelFeatures(train), mvmr.PixelFeatures(test)}, {"h", hTrain, hTest}} {
		perFold, all, err := KNNFolds(trainer.Backend(), f.train, f.test, folds)
		if err != nil {
			return nil, err
		}
		byFold[f.name] = perFold
		for _, r := range all {
			add(f.name, mvmr.ProtocolKNN, fmt.Sprintf("k=%d", r.K), r.Top1, r.Top5)
		}
	}
	fmt.Fprintf(w, "kNN on h against raw pixels, paired over %d folds of the %d test digits (one trained encoder: the interval is the spread over test digits, not over training seeds):\n", folds, test.Len())
	for _, k := range mvmr.DefaultKNNConfig().Ks {
		c, err := Compare(fmt.Sprintf("h (kNN k=%d)", k), fmt.Sprintf("raw pixels (kNN k=%d)", k), "test folds", byFold["h"][k], byFold["pixels"][k])
		if err != nil {
			return nil, err
		}
		c.Quick = quick
		fmt.Fprintln(w, "•", c)
	}
	return results, nil
}

// RandomEncoderProbe is the linear probe of the encoder of config with its random initial
// weights (RandomEncoder): the baseline that shows what training added.
func RandomEncoderProbe(config mvmr.Config, train, test *datasets.Dataset, probe mvmr.ProbeConfig) (mvmr.ProbeEvaluation, error) {
	random, err := RandomEncoder(config, train)
	if err != nil {
		return mvmr.ProbeEvaluation{}, err
	}
	defer random.Close()
	return random.ProbeEncoder("random encoder", train, test, probe)
}

// RandomEncoder is a trainer of config at step 0, its encoder's weights random and its BatchNorm
// statistics set from mvmr.CalibrationBatches batches of train (as `mvmr quickstart` does): the
// untrained baseline of the probes and of the snapshots. Close it when done.
func RandomEncoder(config mvmr.Config, train *datasets.Dataset) (*mvmr.Trainer, error) {
	random, err := mvmr.NewTrainer(config, train)
	if err != nil {
		return nil, err
	}
	if err := random.CalibrateBatchNorm(mvmr.CalibrationBatches); err != nil {
		random.Close()
		return nil, err
	}
	return random, nil
}
