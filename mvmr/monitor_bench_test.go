package mvmr

import (
	"testing"
	"time"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// timedMonitor adds the time its monitor's Observe takes to spent.
type timedMonitor struct {
	Monitor
	spent time.Duration
}

func (m *timedMonitor) Observe(v StepView) (map[string]float64, error) {
	start := time.Now()
	out, err := m.Monitor.Observe(v)
	m.spent += time.Since(start)
	return out, err
}

// BenchmarkMonitorCost measures, side by side on the same quickstart training steps (batch 256,
// MNIST), the time of one training step and of each monitor when it records (every step here,
// on MonitorHeldOut test images): the collapse monitor, the dCor diagnostics of image and std
// (runs.MonitoredRepresentations), and the online probe, both on a step where it only trains its
// head (it does that every step) and on one where it also scores the held-out images. The
// metrics are each cost over the step's; a monitor recording every N steps costs its ratio / N
// (the online head's cost is paid every step). dcor_setup is the dCor monitor's one-time
// preparation (the representations of the held-out images).
//
//	GOEXPERIMENT=simd go test -run '^$' -bench MonitorCost -benchtime 10x ./mvmr
func BenchmarkMonitorCost(b *testing.B) {
	train, test := testutil.MNIST(b, 60000, 10000)
	trainer, err := NewTrainerWithBackend(testBackend(b), QuickstartConfig(1000), train)
	if err != nil {
		b.Fatal(err)
	}
	defer trainer.Close()
	collapse, err := NewCollapseMonitor(test, 1)
	if err != nil {
		b.Fatal(err)
	}
	setup := time.Now()
	dcor, err := NewDCorMonitor(trainer, test, 1, []string{"image", "std"})
	if err != nil {
		b.Fatal(err)
	}
	dcorSetup := time.Since(setup)
	headOnly, err := NewOnlineProbe(train.NumClasses, 1<<30, test, 1) // never records
	if err != nil {
		b.Fatal(err)
	}
	scored, err := NewOnlineProbe(train.NumClasses, 1, test, 1)
	if err != nil {
		b.Fatal(err)
	}
	timed := []*timedMonitor{{Monitor: collapse}, {Monitor: dcor}, {Monitor: headOnly}, {Monitor: scored}}
	for _, m := range timed {
		trainer.AddMonitor(m)
	}
	if err := trainer.Train(2); err != nil { // compile and warm up
		b.Fatal(err)
	}
	for _, m := range timed {
		m.spent = 0
	}
	b.ResetTimer()
	var steps time.Duration
	for range b.N {
		start := time.Now()
		if err := trainer.Train(1); err != nil {
			b.Fatal(err)
		}
		steps += time.Since(start)
	}
	b.StopTimer()
	var monitors time.Duration
	for _, m := range timed {
		monitors += m.spent
	}
	step := (steps - monitors).Seconds() / float64(b.N)
	b.ReportMetric(step, "s/step")
	b.ReportMetric(dcorSetup.Seconds()/step, "dcor_setup/step") // once per run
	b.ReportMetric(timed[0].spent.Seconds()/float64(b.N)/step, "collapse/step")
	b.ReportMetric(timed[1].spent.Seconds()/float64(b.N)/step, "dcor_diag/step")
	b.ReportMetric(timed[2].spent.Seconds()/float64(b.N)/step, "online_head/step")
	b.ReportMetric((timed[3].spent-timed[2].spent).Seconds()/float64(b.N)/step, "online_score/step")
}
