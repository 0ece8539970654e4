package notebooks

import (
	"fmt"
	"io"
	"math"

	"github.com/gomlx/compute"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

// LabelCounts are the labels per class of the label-efficiency curve.
var LabelCounts = []int{10, 20, 50, 100, 500}

// LabelDrawSeeds are the seeds of the label draws at every count: three draws, so that each
// comparison has a confidence interval (two under the quick settings: LabelEfficiencyPlan).
var LabelDrawSeeds = []int64{1, 2, 3}

// LabelEfficiencyPlan returns the label counts and draw seeds of a notebook's label-efficiency
// curve: LabelCounts and LabelDrawSeeds, or under the quick settings the counts 10 and 100 and
// two draws.
func LabelEfficiencyPlan(quick bool) (perClass []int, seeds []int64) {
	if quick {
		return []int{10, 100}, LabelDrawSeeds[:2]
	}
	return LabelCounts, LabelDrawSeeds
}

// LabelEfficiencySteps is the number of AdamW steps of every probe of the label-efficiency
// curve, whatever the number of labels: with DefaultProbeConfig's 20 epochs, 10 labels per class
// (100 rows, one batch) would get 20 steps while 500 per class get 100; a fixed budget keeps the
// curve about the labels, not about how long each probe trained.
const LabelEfficiencySteps = 300

// FeatureSet is one kind of features (raw pixels, an encoder's h) of the same training and test
// images.
type FeatureSet struct {
	Name        string
	Train, Test mvmr.Features
}

// LabelEfficiencyPoint is one probe of the curve: features, labels per class, the seed of the
// label draw (and of the probe), and the test top-1 in [0, 1].
type LabelEfficiencyPoint struct {
	Features string
	PerClass int
	Seed     int64
	Top1     float64
}

// Encoder names a way of turning images into features: raw pixels (PixelEncoder) or a
// trainer's frozen encoder h (TrainerEncoder).
type Encoder struct {
	Name     string
	Features func(data *datasets.Dataset) (mvmr.Features, error)
}

// PixelEncoder is the raw-pixel baseline: the normalised pixels as features.
func PixelEncoder() Encoder {
	return Encoder{Name: "raw pixels", Features: func(d *datasets.Dataset) (mvmr.Features, error) { return mvmr.PixelFeatures(d), nil }}
}

// TrainerEncoder is trainer's frozen encoder: h of each image (mvmr.Trainer.EncoderFeatures).
func TrainerEncoder(name string, trainer *mvmr.Trainer) Encoder {
	return Encoder{Name: name, Features: trainer.EncoderFeatures}
}

// LabelDraw is one labelled subset of the curve: PerClass images of each class drawn with Seed,
// as rows of the training features.
type LabelDraw struct {
	PerClass int
	Seed     int64
	Rows     []int
}

// LabelEfficiency fits the linear probe (probe, with LabelEfficiencySteps steps, its seed the
// draw's) on the features of each encoder for perClass labelled training images per class,
// drawn from train with mvmr.SampleCountPerClass for each seed (the same images for every
// encoder, so that encoders are compared paired by draw), and scores it on every image of test.
// Only the drawn training images are encoded. It writes a line per label count to progress (nil
// for none).
func LabelEfficiency(backend compute.Backend, encoders []Encoder, train, test *datasets.Dataset, perClass []int, seeds []int64, probe mvmr.ProbeConfig, progress io.Writer) ([]LabelEfficiencyPoint, error) {
	if err := train.CheckLabeled("notebooks: LabelEfficiency"); err != nil {
		return nil, err
	}
	draws, err := drawLabels(train.Labels, train.NumClasses, perClass, seeds)
	if err != nil {
		return nil, err
	}
	// The pool: every drawn image once, and each draw's rows as positions in it.
	position := map[int]int{}
	var pool []int
	for _, d := range draws {
		for _, r := range d.Rows {
			if _, ok := position[r]; !ok {
				position[r] = len(pool)
				pool = append(pool, r)
			}
		}
	}
	for i := range draws {
		rows := make([]int, len(draws[i].Rows))
		for j, r := range draws[i].Rows {
			rows[j] = position[r]
		}
		draws[i].Rows = rows
	}
	labelled, err := train.Select(pool)
	if err != nil {
		return nil, fmt.Errorf("notebooks: LabelEfficiency: %w", err)
	}
	var sets []FeatureSet
	for _, e := range encoders {
		trainF, err := e.Features(labelled)
		if err != nil {
			return nil, fmt.Errorf("notebooks: LabelEfficiency: %s: %w", e.Name, err)
		}
		testF, err := e.Features(test)
		if err != nil {
			return nil, fmt.Errorf("notebooks: LabelEfficiency: %s: %w", e.Name, err)
		}
		sets = append(sets, FeatureSet{Name: e.Name, Train: trainF, Test: testF})
	}
	return probeDraws(backend, sets, draws, probe, progress)
}

// LabelEfficiencyFeatures is LabelEfficiency on features already computed: the draws are made
// from the labels of sets[0].Train, which every set shares row for row.
func LabelEfficiencyFeatures(backend compute.Backend, sets []FeatureSet, perClass []int, seeds []int64, probe mvmr.ProbeConfig, progress io.Writer) ([]LabelEfficiencyPoint, error) {
	if len(sets) == 0 {
		return nil, fmt.Errorf("notebooks: LabelEfficiency: no feature set")
	}
	draws, err := drawLabels(sets[0].Train.Labels, sets[0].Train.NumClasses, perClass, seeds)
	if err != nil {
		return nil, err
	}
	return probeDraws(backend, sets, draws, probe, progress)
}

// drawLabels draws the labelled subsets of every count and seed, counts first.
func drawLabels(labels []int32, classes int, perClass []int, seeds []int64) ([]LabelDraw, error) {
	if len(perClass) == 0 || len(seeds) == 0 {
		return nil, fmt.Errorf("notebooks: LabelEfficiency with %d label counts and %d seeds; expected at least one of each", len(perClass), len(seeds))
	}
	var draws []LabelDraw
	for _, count := range perClass {
		for _, seed := range seeds {
			rows, err := mvmr.SampleCountPerClass(labels, classes, count, seed)
			if err != nil {
				return nil, fmt.Errorf("notebooks: LabelEfficiency: %w", err)
			}
			draws = append(draws, LabelDraw{PerClass: count, Seed: seed, Rows: rows})
		}
	}
	return draws, nil
}

// probeDraws fits and scores the probe of every set on every draw.
func probeDraws(backend compute.Backend, sets []FeatureSet, draws []LabelDraw, probe mvmr.ProbeConfig, progress io.Writer) ([]LabelEfficiencyPoint, error) {
	if len(sets) == 0 {
		return nil, fmt.Errorf("notebooks: LabelEfficiency: no feature set")
	}
	var out []LabelEfficiencyPoint
	for i, d := range draws {
		for _, set := range sets {
			config := LabelEfficiencyProbe(probe, len(d.Rows))
			config.Seed = d.Seed
			r, err := mvmr.LinearProbe(backend, set.Train.Rows(d.Rows), set.Test, config)
			if err != nil {
				return nil, fmt.Errorf("notebooks: LabelEfficiency: %s, %d labels per class: %w", set.Name, d.PerClass, err)
			}
			out = append(out, LabelEfficiencyPoint{Features: set.Name, PerClass: d.PerClass, Seed: d.Seed, Top1: r.Top1})
		}
		if progress != nil && (i == len(draws)-1 || draws[i+1].PerClass != d.PerClass) {
			fmt.Fprintf(progress, "label efficiency: %d labels per class probed\n", d.PerClass)
		}
	}
	return out, nil
}

// LabelEfficiencyProbe is probe with as many epochs as LabelEfficiencySteps steps take on rows
// labelled rows (batches of min(BatchSize, rows)).
func LabelEfficiencyProbe(probe mvmr.ProbeConfig, rows int) mvmr.ProbeConfig {
	perEpoch := max(1, rows/min(probe.BatchSize, rows))
	probe.Epochs = (LabelEfficiencySteps + perEpoch - 1) / perEpoch
	return probe
}

// LabelEfficiencyCurves groups points into the curves of plotting.LabelEfficiency, one per
// feature set in order of first appearance, the accuracies in percent.
func LabelEfficiencyCurves(points []LabelEfficiencyPoint) []plotting.LabelEfficiencyCurve {
	var curves []plotting.LabelEfficiencyCurve
	index := map[string]int{}
	for _, p := range points {
		i, ok := index[p.Features]
		if !ok {
			i = len(curves)
			index[p.Features] = i
			curves = append(curves, plotting.LabelEfficiencyCurve{Name: p.Features})
		}
		c := &curves[i]
		if n := len(c.PerClass); n == 0 || c.PerClass[n-1] != p.PerClass {
			c.PerClass = append(c.PerClass, p.PerClass)
			c.Top1 = append(c.Top1, nil)
		}
		c.Top1[len(c.Top1)-1] = append(c.Top1[len(c.Top1)-1], 100*p.Top1)
	}
	return curves
}

// WriteLabelEfficiency writes the reading of the curve: for each label count, each feature set's
// mean top-1 with its range over the label draws, then the paired comparison (Compare, over the
// draws) of the first feature set with each other one.
func WriteLabelEfficiency(w io.Writer, points []LabelEfficiencyPoint, quick bool) error {
	curves := LabelEfficiencyCurves(points)
	if len(curves) == 0 {
		return fmt.Errorf("notebooks: WriteLabelEfficiency: no points")
	}
	for k, count := range curves[0].PerClass {
		fmt.Fprintf(w, "%d labels per class:", count)
		for _, c := range curves {
			if k >= len(c.Top1) || c.PerClass[k] != count {
				return fmt.Errorf("notebooks: WriteLabelEfficiency: %s has no probe at %d labels per class", c.Name, count)
			}
			lo, hi := math.Inf(1), math.Inf(-1)
			var sum float64
			for _, v := range c.Top1[k] {
				sum += v
				lo, hi = min(lo, v), max(hi, v)
			}
			fmt.Fprintf(w, "  %s %.2f %% [%.2f, %.2f]", c.Name, sum/float64(len(c.Top1[k])), lo, hi)
		}
		fmt.Fprintln(w)
		for _, c := range curves[1:] {
			cmp, err := Compare(curves[0].Name, c.Name, "label draws", curves[0].Top1[k], c.Top1[k])
			if err != nil {
				return err
			}
			cmp.Quick = quick
			fmt.Fprintln(w, "  •", cmp)
		}
	}
	return nil
}
