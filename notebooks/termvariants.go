package notebooks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"time"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
	"github.com/mvmr-ssl/mvmr-go/runs"
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

// MonitorChecks is the number of times during a run that RunVariant's monitors measure the
// collapse of z and its dCor with the representations.
const MonitorChecks = 10

// VariantResult is what RunVariant measured: the row of the variant's linear probe (runs.Row,
// the kit's one result type), named by the variant (Run), with the seed (TrainSeed), the steps
// trained (Step), the probe's accuracies (Top1, Top5, Metrics["train_top1"]), the training
// history (History: every loss term by name, switched off or not, and the monitors' series,
// mvmr.HistoryZRankMe, mvmr.HistoryDCorDiagPrefix + representation, ...) and, when training
// stopped before Settings.Steps, why (Stopped: a loss term that turned NaN or infinite,
// mvmr.NonFiniteLossError, as dCor does once z has collapsed to a constant; the encoder is then
// probed with the weights of the last finite step).
type VariantResult = runs.Row

// RunVariant trains the variant for s.Steps steps (fewer when a loss term turns non-finite: see
// VariantResult) with seed on train (progress to w, may be nil) with the collapse monitor on the
// test images (mvmr.CollapseMonitor, MonitorChecks times), then probes h linearly (on
// s.ProbeTrain training images, scored on s.ProbeTest test images), through runs.Execute.
func RunVariant(v TermVariant, s Settings, seed int64, train, test *datasets.Dataset, w io.Writer) (VariantResult, error) {
	return RunVariantTraced(v, s, seed, train, test, nil, w)
}

// RunVariantTraced is RunVariant that also traces dCor(z, z*_k) for each representation named
// in traced (mvmr.DCorMonitor), whether the loss uses it or not.
func RunVariantTraced(v TermVariant, s Settings, seed int64, train, test *datasets.Dataset, traced []string, w io.Writer) (VariantResult, error) {
	config := s.Config(seed)
	v.Apply(&config.Loss)
	fail := func(err error) (VariantResult, error) {
		return VariantResult{Run: v.Name}, fmt.Errorf("variant %q, seed %d: %w", v.Name, seed, err)
	}
	trainer, err := mvmr.NewTrainer(config, train)
	if err != nil {
		return fail(err)
	}
	defer trainer.Close()
	trainer.Progress = w
	every := max(1, s.Steps/MonitorChecks)
	collapse, err := mvmr.NewCollapseMonitor(test, every)
	if err != nil {
		return fail(err)
	}
	trainer.AddMonitor(collapse)
	if len(traced) > 0 {
		dcor, err := mvmr.NewDCorMonitor(trainer, test, every, traced)
		if err != nil {
			return fail(err)
		}
		trainer.AddMonitor(dcor)
	}
	if w != nil {
		fmt.Fprintf(w, "== %s, seed %d: %d steps\n", v.Name, seed, s.Steps)
	}
	done, err := runs.Execute(context.Background(), trainer, runs.Job{
		Label: runs.Row{Run: v.Name}, Steps: int64(s.Steps), KeepNonFinite: true, KeepHistory: true, Log: w,
		After: []runs.Evaluation{runs.LinearProbe(v.Name, train.Subset(s.ProbeTrain), test.Subset(s.ProbeTest), mvmr.DefaultProbeConfig())},
	})
	if err != nil {
		return fail(err)
	}
	r := done.Rows[0]
	if w != nil {
		rank, _ := r.History.Last(mvmr.HistoryZRankMe)
		std, _ := r.History.Last(mvmr.HistoryZStdMean)
		fmt.Fprintf(w, "%s: linear probe top-1 %.2f %% (%s); z RankMe %.1f, mean std %.3f\n",
			v.Name, 100*r.Top1, (time.Duration(r.Seconds * float64(time.Second))).Round(time.Second), rank, std)
	}
	return r, nil
}

// SaveResults writes results as a JSON array of rows to path, atomically.
func SaveResults(path string, results []VariantResult) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		return json.NewEncoder(w).Encode(results)
	})
}

// LoadResults reads what SaveResults wrote, or the results file of a notebook run before
// VariantResult was a runs.Row (runs.DecodeRows reads both).
func LoadResults(path string) ([]VariantResult, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("variant results: %w (run the training cell first)", err)
	}
	results, err := runs.DecodeRows(raw)
	if err != nil {
		return nil, fmt.Errorf("variant results %s: %w", path, err)
	}
	return results, nil
}

// MergeSeries returns one history holding, for every result and every name, the series
// "<result name>: <name>" at the steps where it was logged (NaN elsewhere): runs side by side
// in one figure, such as plotting.Collapse or plotting.LossComponents.
func MergeSeries(results []VariantResult, names ...string) *history.History {
	var series []string
	byStep := map[int64][]float64{}
	for _, r := range results {
		for _, name := range names {
			k := len(series)
			series = append(series, r.Run+": "+name)
			if r.History == nil {
				continue
			}
			steps, values := r.History.Steps(), r.History.Series(name)
			for i, v := range values {
				if math.IsNaN(v) {
					continue
				}
				row := byStep[steps[i]]
				if row == nil {
					row = nanValues(0)
				}
				for len(row) <= k {
					row = append(row, math.NaN())
				}
				row[k] = v
				byStep[steps[i]] = row
			}
		}
	}
	h := history.New()
	for _, step := range slices.Sorted(maps.Keys(byStep)) {
		row := byStep[step]
		for len(row) < len(series) {
			row = append(row, math.NaN())
		}
		_ = h.AppendOrdered(step, series, row) // steps increase, names fixed: no error
	}
	return h
}

func nanValues(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}
