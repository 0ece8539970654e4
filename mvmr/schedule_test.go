package mvmr

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// officialWarmupRestarts is a float64 transcription of the official
// CosineAnnealingWarmupRestarts (src/model/cosine_annealing_warmup_restarts_scheduler.py),
// its state and step() as written there, with cycle_mult = 1 and gamma = 1 as
// configure_optimizers builds it.
type officialWarmupRestarts struct {
	firstCycle, warmup, curCycle, stepInCycle int64
	maxLR, minLR                              float64
}

func newOfficialWarmupRestarts(firstCycle, warmup int64, maxLR, minLR float64) *officialWarmupRestarts {
	// __init__: step_in_cycle = last_epoch = -1; _LRScheduler.__init__ calls step() once;
	// init_lr() then sets every group's lr (and base_lrs) to min_lr.
	s := &officialWarmupRestarts{firstCycle: firstCycle, warmup: warmup, curCycle: firstCycle, stepInCycle: -1, maxLR: maxLR, minLR: minLR}
	s.step()
	return s
}

func (s *officialWarmupRestarts) step() {
	s.stepInCycle++
	if s.stepInCycle >= s.curCycle {
		s.stepInCycle -= s.curCycle
		s.curCycle = (s.curCycle-s.warmup)*1 + s.warmup
	}
}

// lr is get_lr() with base_lr = min_lr (after init_lr).
func (s *officialWarmupRestarts) lr() float64 {
	base := s.minLR
	switch {
	case s.stepInCycle == -1:
		return base
	case s.stepInCycle < s.warmup:
		return (s.maxLR-base)*float64(s.stepInCycle)/float64(s.warmup) + base
	}
	return base + (s.maxLR-base)*(1+math.Cos(math.Pi*float64(s.stepInCycle-s.warmup)/float64(s.curCycle-s.warmup)))/2
}

// officialCosineLR is torch's CosineAnnealingLR get_lr() (the recursive form it steps with).
type officialCosineLR struct {
	base, etaMin, lr float64
	tMax, last       int64
}

func (s *officialCosineLR) step() {
	s.last++
	switch {
	case (s.last-1-s.tMax)%(2*s.tMax) == 0:
		s.lr += (s.base - s.etaMin) * (1 - math.Cos(math.Pi/float64(s.tMax))) / 2
	default:
		s.lr = (1+math.Cos(math.Pi*float64(s.last)/float64(s.tMax)))/(1+math.Cos(math.Pi*float64(s.last-1)/float64(s.tMax)))*(s.lr-s.etaMin) + s.etaMin
	}
}

type scheduleCase struct {
	Schedule        string    `json:"schedule"`
	LR              float64   `json:"lr"`
	MinLR           float64   `json:"min_lr"`
	BatchesPerEpoch int64     `json:"batches_per_epoch"`
	Accumulate      int64     `json:"accumulate"`
	Epochs          int64     `json:"epochs"`
	WarmupEpochs    int64     `json:"warmup_epochs"`
	RunEpochs       int64     `json:"run_epochs"`
	Milestones      []int64   `json:"milestones"`
	Gamma           float64   `json:"gamma"`
	LRs             []float64 `json:"lrs"`
}

// config is the OptimizerConfig the runs package builds for the case: lengths in batches,
// as the official configure_optimizers computes them.
func (sc scheduleCase) config() OptimizerConfig {
	c := OptimizerConfig{Name: OptimizerAdam, LR: sc.LR, MinLR: sc.MinLR, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8,
		Schedule: sc.Schedule, TotalSteps: sc.Epochs * sc.BatchesPerEpoch, WarmupSteps: sc.WarmupEpochs * sc.BatchesPerEpoch,
		BatchesPerEpoch: sc.BatchesPerEpoch, Milestones: sc.Milestones, Gamma: sc.Gamma, AccumulateSteps: int(sc.Accumulate)}
	if sc.Schedule == ScheduleMultiStep {
		c.TotalSteps = 1
	}
	return c
}

// transcription returns the learning rate of each update from the float64 transcriptions of
// the official schedulers, stepped as Lightning steps them.
func (sc scheduleCase) transcription() []float64 {
	var lrs []float64
	wr := newOfficialWarmupRestarts(sc.Epochs*sc.BatchesPerEpoch, sc.WarmupEpochs*sc.BatchesPerEpoch, sc.LR, sc.MinLR)
	cos := &officialCosineLR{base: sc.LR, etaMin: sc.MinLR, lr: sc.LR, tMax: sc.Epochs * sc.BatchesPerEpoch}
	multi := sc.LR
	for epoch := int64(0); epoch < sc.RunEpochs; epoch++ {
		for b := int64(0); b < sc.BatchesPerEpoch; b++ {
			if (b+1)%sc.Accumulate != 0 && b+1 != sc.BatchesPerEpoch {
				continue
			}
			switch sc.Schedule {
			case ScheduleWarmupCosine:
				lrs = append(lrs, wr.lr())
				wr.step()
			case ScheduleCosine:
				lrs = append(lrs, cos.lr)
				cos.step()
			default:
				lrs = append(lrs, multi)
			}
		}
		for _, m := range sc.Milestones {
			if m == epoch+1 {
				multi *= sc.Gamma
			}
		}
	}
	return lrs
}

// TestOfficialSchedules checks LearningRate and its graph version at every update of short runs
// against the float64 transcription of the official schedulers and against the learning rates
// the official classes produced under torch (testdata/official_schedules.json, written by
// testdata/official_schedules.py).
func TestOfficialSchedules(t *testing.T) {
	raw, err := os.ReadFile("testdata/official_schedules.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Cases []scheduleCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &fixture); err != nil {
		t.Fatal(err)
	}
	if len(fixture.Cases) != 6 {
		t.Fatalf("%d cases in the fixture; want 6", len(fixture.Cases))
	}
	backend := testBackend(t)
	for i, sc := range fixture.Cases {
		c := sc.config()
		if err := c.Validate(); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		ref := sc.transcription()
		if len(ref) != len(sc.LRs) {
			t.Fatalf("case %d (%s): %d updates in the transcription, %d in the fixture", i, sc.Schedule, len(ref), len(sc.LRs))
		}
		steps := make([]float64, len(ref))
		for u := range ref {
			steps[u] = float64(u + 1)
			got := c.LearningRate(int64(u + 1))
			if math.Abs(got-ref[u]) > 1e-12*sc.LR || math.Abs(got-sc.LRs[u]) > 1e-12*sc.LR {
				t.Errorf("case %d (%s, accumulate %d) update %d: lr %.15g; transcription %.15g, torch %.15g",
					i, sc.Schedule, sc.Accumulate, u+1, got, ref[u], sc.LRs[u])
			}
		}
		graph := testutil.Flat64(t, testutil.Call1(t, backend, func(in []*Node) *Node {
			return c.learningRateGraph(in[0])
		}, tensors.FromValue(steps)))
		for u, got := range graph {
			if math.Abs(got-ref[u]) > 1e-12*sc.LR {
				t.Errorf("case %d (%s) update %d: graph lr %.15g; want %.15g", i, sc.Schedule, u+1, got, ref[u])
			}
		}
	}
}

// TestOfficialWarmupCosineLandmarks pins what the issue asks of warmup_cosine: the first update
// runs at min_lr (not lr/warmup), the peak is reached at update warmup+1, and min_lr is 1e-6.
func TestOfficialWarmupCosineLandmarks(t *testing.T) {
	c := OptimizerConfig{Name: OptimizerAdam, LR: 1e-4, MinLR: 1e-6, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8,
		Schedule: ScheduleWarmupCosine, WarmupSteps: 10, TotalSteps: 100}
	if got := c.LearningRate(1); got != 1e-6 {
		t.Errorf("first update lr %g; want min_lr 1e-6", got)
	}
	if got := c.LearningRate(11); math.Abs(got-1e-4) > 1e-18 {
		t.Errorf("update 11 lr %g; want the peak 1e-4", got)
	}
	if got := c.LearningRate(10); got >= 1e-4 {
		t.Errorf("update 10 lr %g; want below the peak (still warming up)", got)
	}
	bad := c
	bad.WarmupSteps = 100
	if err := bad.Validate(); err == nil {
		t.Error("warmup_steps = total_steps accepted (the official class asserts warmup < first cycle)")
	}
	// The kit's schedule keeps its JSON (no schedule key): old checkpoints read back the same.
	raw, err := json.Marshal(DefaultOptimizerConfig(100))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schedule", "milestones", "gamma", "batches_per_epoch"} {
		if _, ok := m[k]; ok {
			t.Errorf("the kit's default optimizer JSON has %q: checkpoints written before it would differ", k)
		}
	}
}
