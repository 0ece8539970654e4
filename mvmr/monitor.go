package mvmr

import (
	"fmt"
	"maps"
	"slices"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// Monitor computes diagnostics while a Trainer trains: collapse statistics, dCor with
// representations, an online linear probe, or anything else. Monitors run in the order they were
// added, after each training step that was applied; the values they return are recorded in the
// trainer's History at that step, beside the loss terms. A monitor sees the step only through its
// StepView, as the built-in ones do (CollapseMonitor, DCorMonitor, OnlineProbe); one whose state
// must survive a checkpoint is a StatefulMonitor. See the Monitor example.
type Monitor interface {
	// Observe is called after each applied step, with the view of that step. It returns the
	// values to record (nil or empty when it has nothing to say at this step); an error stops
	// training.
	Observe(step StepView) (map[string]float64, error)
}

// InitialMonitor is a Monitor that also records once before the first update, on the encoder as
// initialised (the "step 0" of its traces): the collapse and dCor monitors, so that their series
// show where training starts from. When a trainer trains from step 0 with an empty history, it
// calls ObserveInitial of each such monitor with a view of step history.InitialStep (−1) that
// has no batch, and records the values at that step; a resumed run has (or, from a history
// written before this record existed, lacks) that row already and does not record it again.
type InitialMonitor interface {
	Monitor
	// ObserveInitial returns the values to record before the first update.
	ObserveInitial(step StepView) (map[string]float64, error)
}

// AddMonitor makes m run after every training step.
func (t *Trainer) AddMonitor(m Monitor) { t.monitors = append(t.monitors, m) }

// Monitors returns the monitors added with AddMonitor.
func (t *Trainer) Monitors() []Monitor { return slices.Clone(t.monitors) }

// observe runs the monitors after step and returns their values, sorted by name.
func (t *Trainer) observe(step int64, batch *datasets.TwoViewBatch) (names []string, values []float64, err error) {
	if err := t.restoreMonitorStates(step); err != nil {
		return nil, nil, err
	}
	all := map[string]float64{}
	view := t.view(step, batch)
	for _, m := range t.monitors {
		v, err := m.Observe(view)
		if err != nil {
			return nil, nil, fmt.Errorf("mvmr: monitor %T at step %d: %w", m, step, err)
		}
		maps.Copy(all, v)
	}
	names = slices.Sorted(maps.Keys(all))
	for _, name := range names {
		values = append(values, all[name])
	}
	return names, values, nil
}

// observeInitial records the InitialMonitors' values before the first update, when t trains
// from step 0 with an empty history (InitialMonitor).
func (t *Trainer) observeInitial() error {
	if t.Step() != 0 || t.history.Len() > 0 {
		return nil
	}
	all := map[string]float64{}
	view := t.view(history.InitialStep, nil)
	for _, m := range t.monitors {
		if m, ok := m.(InitialMonitor); ok {
			v, err := m.ObserveInitial(view)
			if err != nil {
				return fmt.Errorf("mvmr: monitor %T before the first step: %w", m, err)
			}
			maps.Copy(all, v)
		}
	}
	if len(all) == 0 {
		return nil
	}
	return t.history.Append(history.InitialStep, all)
}

// due reports whether a monitor running every `every` steps runs after step (0-based): after
// steps every−1, 2·every−1, ...
func due(step int64, every int) bool { return every > 0 && (step+1)%int64(every) == 0 }

// heldOutImages returns the first n normalised images of data (NHWC) and their count.
func heldOutImages(data *datasets.Dataset, n int) ([]float32, int) {
	n = min(n, data.Len())
	size := data.ImageSize()
	out := make([]float32, n*size)
	for i := range n {
		data.Normalize(out[i*size:(i+1)*size], i)
	}
	return out, n
}

// AddDefaultMonitors adds the standard diagnostics, each every `every` steps: the collapse
// monitor and the dCor diagnostics against every registered representation on the first
// MonitorHeldOut images of heldOut, and the online probe (trained every step, also scored on
// heldOut).
func (t *Trainer) AddDefaultMonitors(heldOut *datasets.Dataset, every int) error {
	collapse, err := NewCollapseMonitor(heldOut, every)
	if err != nil {
		return err
	}
	dcor, err := NewDCorMonitor(t, heldOut, every, nil)
	if err != nil {
		return err
	}
	online, err := NewOnlineProbe(t.data.NumClasses, every, heldOut, t.config.Seed)
	if err != nil {
		return err
	}
	t.AddMonitor(collapse)
	t.AddMonitor(dcor)
	t.AddMonitor(online)
	return nil
}
