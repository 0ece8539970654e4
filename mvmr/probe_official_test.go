package mvmr

import (
	"math"
	"slices"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// torchCosineAnnealing returns the learning rates of epochs 0..epochs-1 as torch's
// CosineAnnealingLR(T_max, eta_min = 0) computes them recursively (torch/optim/lr_scheduler.py,
// get_lr): the independent reference of OfficialLinearLR.
func torchCosineAnnealing(base float64, tMax, epochs int) []float64 {
	lrs := []float64{base}
	for e := 1; e < epochs; e++ {
		prev := lrs[e-1]
		var lr float64
		switch {
		case (e-1-tMax)%(2*tMax) == 0:
			lr = prev + base*(1-math.Cos(math.Pi/float64(tMax)))/2
		default:
			lr = (1 + math.Cos(math.Pi*float64(e)/float64(tMax))) / (1 + math.Cos(math.Pi*float64(e-1)/float64(tMax))) * prev
		}
		lrs = append(lrs, lr)
	}
	return lrs
}

func TestOfficialLinearLRIsTorchCosineAnnealing(t *testing.T) {
	for _, epochs := range []int{1, 3, 100} {
		want := torchCosineAnnealing(1e-3, epochs, epochs)
		for e, w := range want {
			if got := OfficialLinearLR(1e-3, e, epochs); math.Abs(got-w) > 1e-12 {
				t.Errorf("epochs %d, epoch %d: lr %g; torch %g", epochs, e, got, w)
			}
		}
	}
}

// TestOfficialLinearSchedulesAndReportsTheBestEpoch: three epochs at the torch learning rates,
// the reported accuracy is the best epoch's and that epoch is the first of the best.
func TestOfficialLinearSchedulesAndReportsTheBestEpoch(t *testing.T) {
	train, test := testutil.MNIST(t, 300, 100)
	tr := newTestTrainer(t, tinyConfig(8), train)
	if err := tr.Train(8); err != nil {
		t.Fatal(err)
	}
	config := DefaultOfficialLinearConfig()
	config.Epochs, config.BatchSize = 3, 64
	r, err := tr.OfficialLinear(train, test, config)
	if err != nil {
		t.Fatal(err)
	}
	want := torchCosineAnnealing(1e-3, 3, 3)
	for e := range want {
		if math.Abs(r.EpochLR[e]-want[e]) > 1e-12 {
			t.Errorf("epoch %d: lr %g; torch CosineAnnealingLR %g", e, r.EpochLR[e], want[e])
		}
	}
	best := slices.Index(r.EpochTop1, slices.Max(r.EpochTop1))
	if len(r.EpochTop1) != 3 || r.BestEpoch != best || r.Top1 != r.EpochTop1[best] {
		t.Errorf("epoch top-1 %v: best epoch %d at %g; want epoch %d", r.EpochTop1, r.BestEpoch, r.Top1, best)
	}
	if !math.IsNaN(r.TenCropTop1) {
		t.Errorf("ten-crop top-1 %g without a start head; want NaN", r.TenCropTop1)
	}
	// The protocol through Evaluate: one row with the best epoch as a metric.
	opts := DefaultEvalOptions()
	opts.OfficialLinear = config
	rows, _, err := tr.Evaluate(ProtocolLinearOfficial, test, opts)
	if err != nil || len(rows) != 1 || rows[0].Metrics["best_epoch"] != float64(best) || rows[0].Top1 != r.Top1 {
		t.Errorf("Evaluate(%s): %v, %+v; want one row, best epoch %d, top-1 %g (same seed)", ProtocolLinearOfficial, err, rows, best, r.Top1)
	}
}

// TestOfficialLinearStartsFromTheOnlineHead: started from the online probe's head at a learning
// rate too small to move it, every epoch scores what the online head scores, and the ten-crop
// score (image and mirror) is reported.
func TestOfficialLinearStartsFromTheOnlineHead(t *testing.T) {
	train, test := testutil.MNIST(t, 300, 100)
	tr := newTestTrainer(t, tinyConfig(8), train)
	online, err := NewOnlineProbe(10, 4, test, 1)
	if err != nil {
		t.Fatal(err)
	}
	tr.AddMonitor(online)
	if err := tr.Train(8); err != nil {
		t.Fatal(err)
	}
	onlineTop1 := tr.History().Series(HistoryOnlineTestTop1)
	config := DefaultOfficialLinearConfig()
	config.Epochs, config.BatchSize, config.LR, config.StartHead = 2, 100, 1e-20, online.StateStore()
	// The held-out score of the online probe is on the first MonitorHeldOut test images: all 100 here.
	r, err := tr.OfficialLinear(train, test, config)
	if err != nil {
		t.Fatal(err)
	}
	if last := onlineTop1[len(onlineTop1)-1]; math.Abs(r.EpochTop1[0]-last) > 1e-9 {
		t.Errorf("epoch 0 top-1 %g; the online head scored %g: the head did not start from it", r.EpochTop1[0], last)
	}
	if math.IsNaN(r.TenCropTop1) || r.TenCropTop1 < 0 || r.TenCropTop1 > 1 {
		t.Errorf("ten-crop top-1 %g; want an accuracy", r.TenCropTop1)
	}
}

func TestMirroredFlipsEachRow(t *testing.T) {
	d := &datasets.Dataset{Name: "m", Height: 1, Width: 3, Channels: 2, Images: []uint8{1, 2, 3, 4, 5, 6}, Labels: []int32{0}, NumClasses: 2}
	if got := mirrored(d).Images; !slices.Equal(got, []uint8{5, 6, 3, 4, 1, 2}) {
		t.Errorf("mirrored %v; want [5 6 3 4 1 2]", got)
	}
}
