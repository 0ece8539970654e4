package mvmr

import (
	"fmt"
	"math"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// History names of the collapse monitor: for the embedding z and the representation h, the
// smallest and mean per-dimension standard deviation and the effective rank (RankMe); for z also
// the fraction of dimensions whose std is below the variance margin.
const (
	HistoryZStdMin      = history.ZStdMin
	HistoryZStdMean     = history.ZStdMean
	HistoryZBelowMargin = history.ZBelowMargin
	HistoryZRankMe      = history.ZRankMe
	HistoryHStdMin      = history.HStdMin
	HistoryHStdMean     = history.HStdMean
	HistoryHRankMe      = history.HRankMe
)

// Collapse monitor defaults.
const (
	// MonitorHeldOut is the number of held-out images the collapse and dCor monitors encode.
	MonitorHeldOut = 256
	// RankCollapseFraction is the default threshold of the rank-collapse warning: RankMe(z)
	// below this fraction of min(held-out images, z dims).
	RankCollapseFraction = 0.02
)

// CollapseMonitor records CollapseStats of z and h on a fixed held-out batch (BatchNorm in
// evaluation mode) every Every steps, and prints one clear warning, the first time, when
// RankMe(z) falls below RankFraction·min(n, z dims).
type CollapseMonitor struct {
	// Every is the interval in steps.
	Every int
	// RankFraction is the warning threshold (RankCollapseFraction by default).
	RankFraction float64

	images []float32
	n      int
	warned bool
	// warnedNonFinite is set once the monitor has warned of a non-finite z or h.
	warnedNonFinite bool
}

// NewCollapseMonitor returns a monitor of the first MonitorHeldOut images of heldOut (a split
// the trainer does not train on, such as the test set) every `every` steps.
func NewCollapseMonitor(heldOut *datasets.Dataset, every int) (*CollapseMonitor, error) {
	if every < 1 {
		return nil, fmt.Errorf("mvmr: collapse monitor every = %d; expected >= 1", every)
	}
	if heldOut == nil || heldOut.Len() < 2 {
		return nil, fmt.Errorf("mvmr: collapse monitor needs a held-out data set of at least 2 images")
	}
	images, n := heldOutImages(heldOut, MonitorHeldOut)
	return &CollapseMonitor{Every: every, RankFraction: RankCollapseFraction, images: images, n: n}, nil
}

// Observe implements Monitor.
func (m *CollapseMonitor) Observe(v StepView) (map[string]float64, error) {
	if !due(v.Step(), m.Every) {
		return nil, nil
	}
	return m.record(v)
}

// ObserveInitial implements InitialMonitor: the statistics of the initialised encoder.
func (m *CollapseMonitor) ObserveInitial(v StepView) (map[string]float64, error) { return m.record(v) }

// record measures the statistics of the encoder as v sees it.
func (m *CollapseMonitor) record(v StepView) (map[string]float64, error) {
	step := v.Step()
	h, z, hDim, zDim, err := v.Encode(m.images, m.n)
	if err != nil {
		return nil, fmt.Errorf("mvmr: collapse monitor: %w", err)
	}
	if at, what := firstNonFinite(z, h); at >= 0 {
		// A diverged encoder: nothing to record; the next step's loss stops the trainer.
		if !m.warnedNonFinite {
			m.warnedNonFinite = true
			fmt.Fprintf(v.Warnings(), "WARNING: %s of the held-out images is not finite %s (value %d): the encoder "+
				"diverged; the collapse monitor records nothing while it stays so.\n", what, atStep(step), at)
		}
		return nil, nil
	}
	margin := v.Config().Loss.StdMargin
	zs, err := CollapseStatsOf(z, m.n, zDim, margin)
	if err != nil {
		return nil, fmt.Errorf("z: %w", err)
	}
	hs, err := CollapseStatsOf(h, m.n, hDim, margin)
	if err != nil {
		return nil, fmt.Errorf("h: %w", err)
	}
	if limit := m.RankFraction * float64(min(m.n, zDim)); !m.warned && zs.RankMe < limit {
		m.warned = true
		fmt.Fprintf(v.Warnings(), "WARNING: rank collapse %s: RankMe(z) = %.2f on %d held-out images, below %.2f "+
			"(%.0f %% of min(images, %d z dims)); z std min %.3g mean %.3g, %.0f %% of dims below the margin %g. "+
			"The embedding uses only a few directions: check the std term, its weight and the learning rate.\n",
			atStep(step), zs.RankMe, m.n, limit, 100*m.RankFraction, zDim, zs.StdMin, zs.StdMean, 100*zs.BelowMargin, margin)
	}
	return map[string]float64{
		HistoryZStdMin: zs.StdMin, HistoryZStdMean: zs.StdMean, HistoryZBelowMargin: zs.BelowMargin, HistoryZRankMe: zs.RankMe,
		HistoryHStdMin: hs.StdMin, HistoryHStdMean: hs.StdMean, HistoryHRankMe: hs.RankMe,
	}, nil
}

// firstNonFinite returns the index of the first NaN or Inf of z, else of h, and which it is in;
// -1 when both are finite.
func firstNonFinite(z, h []float32) (int, string) {
	for _, x := range []struct {
		v    []float32
		name string
	}{{z, "z"}, {h, "h"}} {
		for i, v := range x.v {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				return i, x.name
			}
		}
	}
	return -1, ""
}

// atStep says when a monitor measured: "at step N", or "before the first step" for the record
// of the initialised encoder (history.InitialStep).
func atStep(step int64) string {
	if step == history.InitialStep {
		return "before the first step"
	}
	return fmt.Sprintf("at step %d", step)
}
