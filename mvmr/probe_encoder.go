package mvmr

import (
	"fmt"
	"time"

	"github.com/gomlx/compute"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// PixelFeatures returns the normalised pixels of data as features: the raw-pixel baseline of
// the linear probe.
func PixelFeatures(data *datasets.Dataset) Features {
	return Features{Data: data.NormalizedImages(), N: data.Len(), Dim: data.ImageSize(),
		Labels: data.Labels, NumClasses: data.NumClasses}
}

// EncoderFeatures returns h for every image of data as labelled Features.
func (t *Trainer) EncoderFeatures(data *datasets.Dataset) (Features, error) {
	f, dim, err := t.Features(data)
	if err != nil {
		return Features{}, err
	}
	return Features{Data: f, N: data.Len(), Dim: dim, Labels: data.Labels, NumClasses: data.NumClasses}, nil
}

// ProbeEvaluation is a linear-probe result on named features.
type ProbeEvaluation struct {
	// Name says which features were probed ("raw pixels", "random encoder", "MV-MR encoder").
	Name string `json:"name"`
	// Dim is the feature size.
	Dim int `json:"dim"`
	// Top1 and Top5 are test accuracies in [0, 1]; TrainTop1 the training accuracy.
	Top1      float64 `json:"top1"`
	Top5      float64 `json:"top5"`
	TrainTop1 float64 `json:"train_top1"`
	// Seconds is the wall time of feature extraction and probe.
	Seconds float64 `json:"seconds"`
}

// ProbeEncoder extracts h for train and test with the trainer's encoder and fits a linear probe.
func (t *Trainer) ProbeEncoder(name string, train, test *datasets.Dataset, config ProbeConfig) (ProbeEvaluation, error) {
	start := time.Now()
	if err := checkProbeData(train, test); err != nil {
		return ProbeEvaluation{}, err
	}
	trainF, err := t.EncoderFeatures(train)
	if err != nil {
		return ProbeEvaluation{}, err
	}
	testF, err := t.EncoderFeatures(test)
	if err != nil {
		return ProbeEvaluation{}, err
	}
	return probeFeatures(t.backend, name, trainF, testF, config, start)
}

// ProbePixels fits the linear probe on the normalised pixels.
func ProbePixels(trainer *Trainer, train, test *datasets.Dataset, config ProbeConfig) (ProbeEvaluation, error) {
	start := time.Now()
	if err := checkProbeData(train, test); err != nil {
		return ProbeEvaluation{}, err
	}
	return probeFeatures(trainer.backend, "raw pixels", PixelFeatures(train), PixelFeatures(test), config, start)
}

// checkProbeData refuses train or test sets holding unlabelled images (datasets.Dataset.CheckLabeled).
func checkProbeData(train, test *datasets.Dataset) error {
	if err := train.CheckLabeled("mvmr: linear probe"); err != nil {
		return err
	}
	return test.CheckLabeled("mvmr: linear probe")
}

func probeFeatures(backend compute.Backend, name string, train, test Features, config ProbeConfig, start time.Time) (ProbeEvaluation, error) {
	r, err := LinearProbe(backend, train, test, config)
	if err != nil {
		return ProbeEvaluation{}, fmt.Errorf("mvmr: probing %s: %w", name, err)
	}
	return ProbeEvaluation{Name: name, Dim: train.Dim, Top1: r.Top1, Top5: r.Top5, TrainTop1: r.TrainTop1,
		Seconds: time.Since(start).Seconds()}, nil
}
