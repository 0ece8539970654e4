package notebooks

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"time"

	"github.com/gomlx/compute"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// TermVariant is a loss with some MV-MR terms switched off, as notebook 02 trains them side by
// side. A switched-off term keeps being logged under its name; only its weight is 0.
type TermVariant struct {
	// Name labels the variant in tables and legends.
	Name string `json:"name"`
	// Apply switches terms off in a copy of the loss settings.
	Apply func(*mvmr.LossConfig) `json:"-"`
}

// TermVariants are the variants of notebook 02, from the bare invariance term to the full loss:
// L1 is MSE(z, z~) plus the variance hinge, L2 is 1 − dCor(z, z~), L3 the dCor terms with the
// hand-crafted representations.
func TermVariants() []TermVariant {
	return []TermVariant{
		{"mse only", func(c *mvmr.LossConfig) { c.StdWeight, c.DCorZZWeight, c.Representations = 0, 0, nil }},
		{"L1 (mse + std)", func(c *mvmr.LossConfig) { c.DCorZZWeight, c.Representations = 0, nil }},
		{"L1 + L2", func(c *mvmr.LossConfig) { c.Representations = nil }},
		{"L1 + L2 + L3 (full)", func(*mvmr.LossConfig) {}},
		{"full without std", func(c *mvmr.LossConfig) { c.StdWeight = 0 }},
	}
}

// Constants of RunVariant's measurements.
const (
	// SpreadImages is the number of test images whose embeddings z measure the spread.
	SpreadImages = 1000
	// SpreadChecks is the number of times the spread is measured during training (and once
	// before).
	SpreadChecks = 5
)

// VariantResult is what RunVariant measured.
type VariantResult struct {
	Name string `json:"name"`
	// Seed is the run's seed (weights, data order, augmentations).
	Seed int64 `json:"seed"`
	// Losses is the training history (every term by name, switched off or not).
	Losses *history.History `json:"losses"`
	// SpreadSteps are the steps at which Spreads were measured (0 is before training).
	SpreadSteps []int64  `json:"spread_steps"`
	Spreads     []Spread `json:"spreads"`
	// DCor holds, for each traced representation k, dCor(z, z*_k) on the spread images at
	// each of SpreadSteps (z of the original images, the representation of the same images).
	DCor map[string][]float64 `json:"dcor,omitempty"`
	// Probe is the linear probe of the encoder's h after training.
	Probe mvmr.ProbeEvaluation `json:"probe"`
}

// RunVariant trains the variant for s.Steps steps with seed on train (progress to w, may be
// nil), measuring the Spread of z on the first SpreadImages test images SpreadChecks times,
// then probes h linearly (on s.ProbeTrain training images, scored on s.ProbeTest test images).
func RunVariant(v TermVariant, s Settings, seed int64, train, test *datasets.Dataset, w io.Writer) (VariantResult, error) {
	return RunVariantTraced(v, s, seed, train, test, nil, w)
}

// RunVariantTraced is RunVariant that also traces dCor(z, z*_k) for each representation named
// in traced (computed on the original images; fresh-view representations cannot be traced).
func RunVariantTraced(v TermVariant, s Settings, seed int64, train, test *datasets.Dataset, traced []string, w io.Writer) (VariantResult, error) {
	config := s.Config(seed)
	v.Apply(&config.Loss)
	trainer, err := mvmr.NewTrainer(config, train)
	if err != nil {
		return VariantResult{}, fmt.Errorf("variant %q: %w", v.Name, err)
	}
	defer trainer.Close()
	trainer.Progress = w
	r := VariantResult{Name: v.Name, Seed: seed}
	spreadData := test.Subset(SpreadImages)
	reps, err := representationsOf(trainer.Backend(), traced, spreadData)
	if err != nil {
		return r, fmt.Errorf("variant %q: %w", v.Name, err)
	}
	measure := func() error {
		z, dim, err := trainer.Embeddings(spreadData)
		if err != nil {
			return err
		}
		spread, err := SpreadOf(z, spreadData.Len(), dim)
		if err != nil {
			return fmt.Errorf("z at step %d: %w", trainer.Step(), err)
		}
		if len(traced) > 0 {
			zm := &npy.Matrix{Rows: spreadData.Len(), Cols: dim, Data: make([]float64, len(z))}
			for i, v := range z {
				zm.Data[i] = float64(v)
			}
			if r.DCor == nil {
				r.DCor = map[string][]float64{}
			}
			for i, name := range traced {
				d, err := mvmr.DistanceCorrelationOf(trainer.Backend(), zm, reps[i])
				if err != nil {
					return fmt.Errorf("dCor(z, %s) at step %d: %w", name, trainer.Step(), err)
				}
				r.DCor[name] = append(r.DCor[name], d)
			}
		}
		r.SpreadSteps = append(r.SpreadSteps, trainer.Step())
		r.Spreads = append(r.Spreads, spread)
		return nil
	}
	if w != nil {
		fmt.Fprintf(w, "== %s: %d steps\n", v.Name, s.Steps)
	}
	if err := measure(); err != nil {
		return r, fmt.Errorf("variant %q: %w", v.Name, err)
	}
	for check := range SpreadChecks {
		steps := s.Steps*(check+1)/SpreadChecks - int(trainer.Step())
		if err := trainer.Train(steps); err != nil {
			return r, fmt.Errorf("variant %q: %w", v.Name, err)
		}
		if err := measure(); err != nil {
			return r, fmt.Errorf("variant %q: %w", v.Name, err)
		}
	}
	r.Losses = trainer.History().Clone()
	start := time.Now()
	r.Probe, err = trainer.ProbeEncoder(v.Name, train.Subset(s.ProbeTrain), test.Subset(s.ProbeTest), mvmr.DefaultProbeConfig())
	if err != nil {
		return r, fmt.Errorf("variant %q: %w", v.Name, err)
	}
	if w != nil {
		last := r.Spreads[len(r.Spreads)-1]
		fmt.Fprintf(w, "%s: linear probe top-1 %.2f %% (%s); z effective rank %.1f of %d, mean std %.3f\n",
			v.Name, 100*r.Probe.Top1, time.Since(start).Round(time.Second), last.EffectiveRank, len(last.Stds), last.MeanStd)
	}
	return r, nil
}

// representationsOf computes each named representation of the images of data, one row each.
func representationsOf(backend compute.Backend, names []string, data *datasets.Dataset) ([]*npy.Matrix, error) {
	if len(names) == 0 {
		return nil, nil
	}
	images := data.NormalizedImages() // NHWC; the same as NCHW for one channel
	nchw := make([]float64, len(images))
	n, c, h, w := data.Len(), data.Channels, data.Height, data.Width
	for i := range n {
		for y := range h {
			for x := range w {
				for ch := range c {
					nchw[((i*c+ch)*h+y)*w+x] = float64(images[((i*h+y)*w+x)*c+ch])
				}
			}
		}
	}
	array := &npy.Array{Shape: []int{n, c, h, w}, Data: nchw}
	var out []*npy.Matrix
	for _, name := range names {
		rep, err := mvmr.NewRepresentation(name, nil)
		if err != nil {
			return nil, err
		}
		features, err := mvmr.ComputeRepresentation(backend, rep, array)
		if err != nil {
			return nil, fmt.Errorf("tracing %s: %w", name, err)
		}
		out = append(out, &npy.Matrix{Rows: n, Cols: len(features.Data) / n, Data: features.Data})
	}
	return out, nil
}

// SaveResults writes results as JSON to path, atomically.
func SaveResults(path string, results []VariantResult) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		return json.NewEncoder(w).Encode(results)
	})
}

// LoadResults reads what SaveResults wrote.
func LoadResults(path string) ([]VariantResult, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("variant results: %w (run the training cell first)", err)
	}
	var results []VariantResult
	if err := json.Unmarshal(raw, &results); err != nil {
		return nil, fmt.Errorf("variant results %s: %w", path, err)
	}
	return results, nil
}

// SpreadHistory returns, for plotting with plotting.LossComponents, one series per variant
// named after it: the effective rank of z (mean std with meanStd) at each measured step.
func SpreadHistory(results []VariantResult, meanStd bool) (*history.History, error) {
	names := make([]string, len(results))
	byStep := map[int64][]float64{}
	for k, r := range results {
		names[k] = r.Name
		for i, step := range r.SpreadSteps {
			if byStep[step] == nil {
				byStep[step] = nanValues(len(results))
			}
			byStep[step][k] = r.Spreads[i].EffectiveRank
			if meanStd {
				byStep[step][k] = r.Spreads[i].MeanStd
			}
		}
	}
	steps := slices.Sorted(maps.Keys(byStep))
	h := history.New()
	for _, step := range steps {
		if err := h.AppendOrdered(step, names, byStep[step]); err != nil {
			return nil, err
		}
	}
	return h, nil
}

func nanValues(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}

// FinalStdHistory returns, for plotting with plotting.LossComponents, one series per variant
// named after it: the std of each dimension of z after training, largest first, indexed by
// its rank (the "step" axis).
func FinalStdHistory(results []VariantResult) *history.History {
	names := make([]string, len(results))
	dims := 0
	for k, r := range results {
		names[k] = r.Name
		if len(r.Spreads) > 0 {
			dims = max(dims, len(r.Spreads[len(r.Spreads)-1].Stds))
		}
	}
	h := history.New()
	for d := range dims {
		values := nanValues(len(results))
		for k, r := range results {
			if len(r.Spreads) == 0 {
				continue
			}
			if stds := r.Spreads[len(r.Spreads)-1].Stds; d < len(stds) {
				values[k] = stds[d]
			}
		}
		_ = h.AppendOrdered(int64(d), names, values) // steps increase and names are fixed: no error
	}
	return h
}
