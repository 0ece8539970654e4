package runs

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// Names of the monitors a run config lists in monitors.
const (
	// MonitorCollapse records collapse/{z,h}_std_{min,mean}, collapse/{z,h}_rankme and
	// collapse/z_below_margin on the held-out images, and prints one warning when RankMe(z)
	// collapses (mvmr.CollapseMonitor).
	MonitorCollapse = "collapse"
	// MonitorDCorDiag records dcor_diag/<rep>, dCor(z, rep) on the held-out images for
	// MonitoredRepresentations and the run's own representations (mvmr.DCorMonitor).
	MonitorDCorDiag = "dcor_diag"
	// MonitorOnlineProbe trains the online linear probe on every step's batch and records
	// online/{top1,top5,test_top1,test_top5} (mvmr.OnlineProbe); its state is checkpointed.
	MonitorOnlineProbe = "online_probe"
)

// MonitorNames are the monitors a run can list, in the order they are added.
var MonitorNames = []string{MonitorCollapse, MonitorDCorDiag, MonitorOnlineProbe}

// DefaultMonitorEvery is the default monitor_every. Measured with BenchmarkMonitorCost (package
// mvmr: quickstart CNN, batch 256, MNIST, 256 held-out images, 2 shared cores), one record costs
// about 0.16 of a training step for collapse and 0.11-0.14 for dcor_diag: every 50 steps, about
// 0.6 % of the training time together.
const DefaultMonitorEvery = 50

// DefaultMonitors are the monitors a run has unless its config lists others: collapse and
// dcor_diag, cheap when recording every DefaultMonitorEvery steps. The online probe is opt-in:
// it trains its head on every step, 0.07-0.095 of a training step each time (BenchmarkMonitorCost).
var DefaultMonitors = []string{MonitorCollapse, MonitorDCorDiag}

// MonitoredRepresentations are the representations whose dCor with z the dcor_diag monitor logs
// (dcor_diag/<name>), besides the run's own L3 representations: so that runs of an ablation,
// "none" included, have comparable traces.
var MonitoredRepresentations = []string{"image", "std"}

// addMonitors adds the config's monitors on the first mvmr.MonitorHeldOut images of the test
// split, recording every config.MonitorEvery steps (none when it is 0).
func addMonitors(trainer *mvmr.Trainer, data Data, config Config, logw io.Writer) error {
	every := config.MonitorEvery
	if every <= 0 {
		return nil
	}
	fail := func(err error) error {
		return fmt.Errorf("runs: monitor_every = %d, monitors = [%s] (monitor_every: 0 turns them off): %w",
			every, strings.Join(config.Monitors, ", "), err)
	}
	for _, name := range MonitorNames {
		if !slices.Contains(config.Monitors, name) {
			continue
		}
		var m mvmr.Monitor
		var err error
		switch name {
		case MonitorCollapse:
			m, err = mvmr.NewCollapseMonitor(data.Test, every)
		case MonitorDCorDiag:
			m, err = mvmr.NewDCorMonitor(trainer, data.Test, every, dcorDiagNames(config, logw))
		case MonitorOnlineProbe:
			var probe *mvmr.OnlineProbe
			probe, err = mvmr.NewOnlineProbe(data.Train.NumClasses, every, data.Test, config.Seed)
			if err == nil && data.SSL.Unlabeled {
				// As the official OnlineFineTuner: its own batches of the labelled training split.
				err = probe.SetLabelled(data.Train)
			}
			m = probe
		}
		if err != nil {
			return fail(err)
		}
		trainer.AddMonitor(m)
	}
	return nil
}

// dcorDiagNames returns MonitoredRepresentations and the run's own representations that can be
// made with default settings; those that cannot (a teacher names its model file) are left out
// with a line on logw.
func dcorDiagNames(config Config, logw io.Writer) []string {
	names := slices.Clone(MonitoredRepresentations)
	for _, r := range config.Representations {
		if slices.Contains(names, r.Name) {
			continue
		}
		if _, err := mvmr.Representations().New(r.Name, nil); err != nil {
			fmt.Fprintf(logw, "note: dcor_diag/%s is not logged: the monitor computes representations with default settings (%v)\n", r.Name, err)
			continue
		}
		names = append(names, r.Name)
	}
	return names
}
