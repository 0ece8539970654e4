package mvmr

import (
	"fmt"
	"math"
	"slices"
	"strings"

	. "github.com/gomlx/gomlx/core/graph"
)

// Learning-rate schedules (OptimizerConfig.Schedule). Each is a function of the update number t
// (1 for the first update); the official ones count as PyTorch Lightning steps a scheduler
// with interval "step": once per optimizer update, so with accumulate_grad_batches = k their
// lengths, computed in batches by the official configure_optimizers, last k times longer in
// batches (the official ImageNet run, k = 8, ends one eighth of the way down its cosine).
const (
	// ScheduleWarmupCosineKit ("" in OptimizerConfig) is this kit's schedule: linear warmup
	// LR·t/WarmupSteps while t < WarmupSteps (the first update at LR/WarmupSteps), then a half
	// cosine from LR to MinLR reached at update TotalSteps, MinLR after.
	ScheduleWarmupCosineKit = "warmup_cosine_kit"
	// ScheduleWarmupCosine is the official CosineAnnealingWarmupRestarts(first_cycle_steps =
	// TotalSteps, max_lr = LR, min_lr = MinLR, warmup_steps = WarmupSteps, cycle_mult = 1,
	// gamma = 1): with n = t−1 scheduler steps taken and m = n mod TotalSteps (the restarts),
	// MinLR + (LR−MinLR)·m/WarmupSteps while m < WarmupSteps (the first update at MinLR, the
	// peak LR first reached at update WarmupSteps+1), then MinLR + (LR−MinLR)·(1 + cos(π(m −
	// WarmupSteps)/(TotalSteps − WarmupSteps)))/2.
	ScheduleWarmupCosine = "warmup_cosine"
	// ScheduleCosine is the official torch.optim.lr_scheduler.CosineAnnealingLR(T_max =
	// TotalSteps, eta_min = MinLR), no warmup: MinLR + (LR−MinLR)·(1 + cos(π(t−1)/TotalSteps))/2.
	ScheduleCosine = "cosine"
	// ScheduleMultiStep is the official MultiStepLR(milestones, gamma) stepped once per epoch:
	// LR·Gamma^(number of milestones <= the update's epoch).
	ScheduleMultiStep = "multistep"
)

// ScheduleNames lists the accepted OptimizerConfig.Schedule values ("" is the kit's).
func ScheduleNames() []string {
	return []string{"", ScheduleWarmupCosine, ScheduleCosine, ScheduleMultiStep}
}

// validateSchedule checks the settings the schedule reads.
func (c OptimizerConfig) validateSchedule() error {
	switch c.Schedule {
	case "", ScheduleCosine:
	case ScheduleWarmupCosine:
		if c.WarmupSteps >= c.TotalSteps {
			return fmt.Errorf("optimizer.warmup_steps = %d; expected fewer than total_steps (%d), as the official CosineAnnealingWarmupRestarts asserts",
				c.WarmupSteps, c.TotalSteps)
		}
	case ScheduleMultiStep:
		switch {
		case c.BatchesPerEpoch < 1:
			return fmt.Errorf("optimizer.batches_per_epoch = %d; expected >= 1", c.BatchesPerEpoch)
		case !(c.Gamma > 0) || math.IsInf(c.Gamma, 0):
			return fmt.Errorf("optimizer.gamma = %g; expected a positive finite number", c.Gamma)
		}
		for i, m := range c.Milestones {
			if m < 0 {
				return fmt.Errorf("optimizer.milestones[%d] = %d; expected an epoch >= 0", i, m)
			}
		}
	default:
		return fmt.Errorf("optimizer.schedule = %q; expected one of %q", c.Schedule, strings.Join(ScheduleNames(), ", "))
	}
	return nil
}

// LearningRate returns the learning rate of update number t (1 for the first update).
func (c OptimizerConfig) LearningRate(t int64) float64 {
	switch c.Schedule {
	case ScheduleWarmupCosine:
		m := (t - 1) % c.TotalSteps
		if m < c.WarmupSteps {
			return c.MinLR + (c.LR-c.MinLR)*float64(m)/float64(c.WarmupSteps)
		}
		return c.MinLR + (c.LR-c.MinLR)*(1+math.Cos(math.Pi*float64(m-c.WarmupSteps)/float64(c.TotalSteps-c.WarmupSteps)))/2
	case ScheduleCosine:
		return c.MinLR + (c.LR-c.MinLR)*(1+math.Cos(math.Pi*float64(t-1)/float64(c.TotalSteps)))/2
	case ScheduleMultiStep:
		epoch := (t*int64(max(c.AccumulateSteps, 1)) - 1) / c.BatchesPerEpoch
		lr := c.LR
		for _, m := range c.Milestones {
			if epoch >= m {
				lr *= c.Gamma
			}
		}
		return lr
	}
	return c.kitLearningRate(t)
}

// kitLearningRate is ScheduleWarmupCosineKit.
func (c OptimizerConfig) kitLearningRate(t int64) float64 {
	var factor float64
	if t < c.WarmupSteps {
		factor = float64(t) / float64(c.WarmupSteps)
	} else {
		progress := 1.0
		if c.TotalSteps > c.WarmupSteps {
			progress = min(float64(t-c.WarmupSteps)/float64(c.TotalSteps-c.WarmupSteps), 1)
		}
		factor = 0.5 * (1 + math.Cos(math.Pi*progress))
	}
	return c.MinLR + (c.LR-c.MinLR)*factor
}

// learningRateGraph is LearningRate in the graph, for t a float scalar node.
func (c OptimizerConfig) learningRateGraph(t *Node) *Node {
	g := t.Graph()
	between := func(factor *Node) *Node { return AddScalar(MulScalar(factor, c.LR-c.MinLR), c.MinLR) }
	halfCosine := func(progress *Node) *Node { return MulScalar(OnePlus(Cos(MulScalar(progress, math.Pi))), 0.5) }
	switch c.Schedule {
	case ScheduleWarmupCosine:
		n := AddScalar(t, -1)
		m := Sub(n, MulScalar(Floor(DivScalar(n, float64(c.TotalSteps))), float64(c.TotalSteps)))
		warm := DivScalar(m, float64(max(c.WarmupSteps, 1)))
		cosine := halfCosine(DivScalar(AddScalar(m, -float64(c.WarmupSteps)), float64(c.TotalSteps-c.WarmupSteps)))
		return between(Where(LessThan(m, Scalar(g, t.DType(), float64(c.WarmupSteps))), warm, cosine))
	case ScheduleCosine:
		return between(halfCosine(DivScalar(AddScalar(t, -1), float64(c.TotalSteps))))
	case ScheduleMultiStep:
		k := float64(max(c.AccumulateSteps, 1))
		epoch := Floor(DivScalar(AddScalar(MulScalar(t, k), -1), float64(c.BatchesPerEpoch)))
		lr := Scalar(g, t.DType(), c.LR)
		for _, m := range slices.Sorted(slices.Values(c.Milestones)) {
			lr = Where(GreaterOrEqual(epoch, Scalar(g, t.DType(), float64(m))), MulScalar(lr, c.Gamma), lr)
		}
		return lr
	}
	warm := DivScalar(t, float64(max(c.WarmupSteps, 1)))
	progress := OnePlus(ZerosLike(t))
	if c.TotalSteps > c.WarmupSteps {
		progress = MinScalar(DivScalar(AddScalar(t, -float64(c.WarmupSteps)), float64(c.TotalSteps-c.WarmupSteps)), 1)
	}
	factor := Where(LessThan(t, Scalar(g, t.DType(), float64(c.WarmupSteps))), warm, halfCosine(progress))
	return between(factor)
}
