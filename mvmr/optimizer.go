package mvmr

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// Optimizer names.
const (
	// OptimizerAdam is torch.optim.Adam: weight decay added to the gradient (L2), as the official
	// configs use it (optimizer: adam, wd: 1e-6).
	OptimizerAdam = "adam"
	// OptimizerAdamW is torch.optim.AdamW: decoupled weight decay, p ← p·(1 − lr·wd) before the step.
	OptimizerAdamW = "adamw"
)

// OptimizerConfig configures the optimizer and its learning-rate schedule (schedule.go).
type OptimizerConfig struct {
	// Name is OptimizerAdam, OptimizerAdamW, OptimizerSGD or OptimizerLARS.
	Name string `json:"name"`
	// LR is the peak learning rate.
	LR float64 `json:"lr"`
	// WeightDecay is applied to every trainable variable (the official code decays all of them).
	WeightDecay float64 `json:"weight_decay"`
	// Beta1, Beta2 and Epsilon are Adam's constants (PyTorch defaults 0.9, 0.999, 1e-8).
	Beta1   float64 `json:"beta1"`
	Beta2   float64 `json:"beta2"`
	Epsilon float64 `json:"epsilon"`
	// WarmupSteps is the length of the linear warmup, in updates (the official schedules
	// compute it in batches, and step once per update, as Lightning does).
	WarmupSteps int64 `json:"warmup_steps"`
	// TotalSteps is the step at which the cosine reaches MinLR; later steps stay at MinLR
	// (the kit's schedule) or follow the official formula (ScheduleWarmupCosine restarts,
	// ScheduleCosine continues its cosine).
	TotalSteps int64 `json:"total_steps"`
	// MinLR is the learning rate at the end of the cosine (eta_min).
	MinLR float64 `json:"min_lr"`
	// Momentum is SGD's and LARS' momentum (0.9 in the SSL literature; torch's default is 0).
	Momentum float64 `json:"momentum,omitempty"`
	// LARSEta is LARS' trust coefficient; 0 means DefaultLARSEta.
	LARSEta float64 `json:"lars_eta,omitempty"`
	// AccumulateSteps > 1 sums the gradients of that many consecutive batches and applies one
	// update with their mean (PyTorch Lightning's accumulate_grad_batches; the official ImageNet
	// config uses 8 batches of 32). Each batch still has its own loss (dCor over its own samples)
	// and BatchNorm statistics; the learning-rate schedule counts updates.
	AccumulateSteps int `json:"accumulate_steps,omitempty"`
	// Schedule is the learning-rate schedule (schedule.go): "" the kit's warmup cosine
	// (ScheduleWarmupCosineKit), or one of the official ScheduleWarmupCosine, ScheduleCosine,
	// ScheduleMultiStep. Empty in the JSON of the kit's schedule, so checkpoints written before
	// the official schedules existed read back unchanged.
	Schedule string `json:"schedule,omitempty"`
	// UpdatesPerEpoch, BatchesPerEpoch, Milestones and Gamma are ScheduleMultiStep's: the
	// learning rate is multiplied by Gamma at the start of each epoch listed in Milestones
	// (torch's MultiStepLR stepped once per epoch); an update's epoch is that of its last batch.
	BatchesPerEpoch int64   `json:"batches_per_epoch,omitempty"`
	Milestones      []int64 `json:"milestones,omitempty"`
	Gamma           float64 `json:"gamma,omitempty"`
}

// DefaultOptimizerConfig returns Adam at lr 1e-3 with weight decay 1e-6 (the official wd),
// 50 warmup steps and a cosine to 0 over totalSteps.
func DefaultOptimizerConfig(totalSteps int64) OptimizerConfig {
	return OptimizerConfig{
		Name: OptimizerAdam, LR: 1e-3, WeightDecay: 1e-6,
		Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8,
		WarmupSteps: min(50, totalSteps/10), TotalSteps: totalSteps,
	}
}

// Validate checks the settings and returns an error naming the bad field.
func (c OptimizerConfig) Validate() error {
	switch {
	case !slices.Contains(OptimizerNames(), c.Name):
		return fmt.Errorf("optimizer.name = %q; expected one of %s", c.Name, strings.Join(OptimizerNames(), ", "))
	case !(c.Momentum >= 0 && c.Momentum < 1):
		return fmt.Errorf("optimizer.momentum = %g; expected a value in [0, 1)", c.Momentum)
	case !(c.LARSEta >= 0) || math.IsInf(c.LARSEta, 0):
		return fmt.Errorf("optimizer.lars_eta = %g; expected >= 0 (0 means %g)", c.LARSEta, DefaultLARSEta)
	case c.AccumulateSteps < 0:
		return fmt.Errorf("optimizer.accumulate_steps = %d; expected >= 0 (0 and 1 mean no accumulation)", c.AccumulateSteps)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("optimizer.lr = %g; expected a positive finite number", c.LR)
	case c.WeightDecay < 0:
		return fmt.Errorf("optimizer.weight_decay = %g; expected >= 0", c.WeightDecay)
	case !(c.Beta1 >= 0 && c.Beta1 < 1) || !(c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("optimizer.beta1 = %g, beta2 = %g; expected values in [0, 1)", c.Beta1, c.Beta2)
	case !(c.Epsilon > 0):
		return fmt.Errorf("optimizer.epsilon = %g; expected > 0", c.Epsilon)
	case c.WarmupSteps < 0:
		return fmt.Errorf("optimizer.warmup_steps = %d; expected >= 0", c.WarmupSteps)
	case c.TotalSteps < 1 || c.TotalSteps < c.WarmupSteps:
		return fmt.Errorf("optimizer.total_steps = %d; expected >= 1 and >= warmup_steps (%d)", c.TotalSteps, c.WarmupSteps)
	case c.MinLR < 0 || c.MinLR > c.LR:
		return fmt.Errorf("optimizer.min_lr = %g; expected 0..lr (%g)", c.MinLR, c.LR)
	}
	return c.validateSchedule()
}

// optimizerScope holds the optimizer's step counter and moments.
const optimizerScope = "optimizer"

// stepVariable returns the int64 step counter "/optimizer/step": the number of updates applied.
func stepVariable(store *model.Store) *model.Variable {
	return store.Scope("/"+optimizerScope).WithInitializer(initializer.Zero).
		VariableWithShape("step", shapes.Make(dtypes.Int64)).SetTrainable(false)
}

// momentName turns a variable path "/encoder/backbone/block_0/conv/weights" into a name usable
// inside the moments scope.
func momentName(v *model.Variable) string {
	return model.EscapeScopeName(v.Path()[1:])
}

// OptimizerNames lists the accepted OptimizerConfig.Name values.
func OptimizerNames() []string {
	return []string{OptimizerAdam, OptimizerAdamW, OptimizerSGD, OptimizerLARS}
}

// accumulatedScope holds the gradient accumulation state.
const accumulatedScope = "/" + optimizerScope + "/accumulated"

// microStepVariable counts the micro-batches whose gradient was accumulated (finite ones); with
// AccumulateSteps = k, an update is applied after every k-th.
func microStepVariable(store *model.Store) *model.Variable {
	return store.Scope("/"+optimizerScope).WithInitializer(initializer.Zero).
		VariableWithShape("micro_step", shapes.Make(dtypes.Int64)).SetTrainable(false)
}

// applyOptimizer builds the optimizer update of vars from grads, gated by finite: with
// AccumulateSteps > 1 the gradients are summed over that many micro-batches and the update
// (with their mean, as PyTorch Lightning's accumulate_grad_batches divides each loss) is
// applied on the last one; then Adam, AdamW, SGD or LARS. It returns the learning rate.
func (c OptimizerConfig) applyOptimizer(store *model.Store, g *Graph, vars []*model.Variable, grads []*Node, finite *Node) *Node {
	apply := finite
	if k := c.AccumulateSteps; k > 1 {
		microVar := microStepVariable(store)
		micro := microVar.NodeValue(g)
		nextMicro := AddScalar(micro, 1)
		microVar.SetNodeValue(Where(finite, nextMicro, micro))
		boundary := Equal(ModScalar(nextMicro, int64(k)), ScalarZero(g, dtypes.Int64))
		apply = LogicalAnd(finite, boundary)
		accScope := store.Scope(accumulatedScope)
		mean := make([]*Node, len(grads))
		for i, v := range vars {
			accVar := accScope.WithInitializer(initializer.Zero).VariableWithShape(momentName(v), v.Shape()).SetTrainable(false)
			acc := accVar.NodeValue(g)
			sum := Add(acc, grads[i])
			mean[i] = DivScalar(sum, float64(k))
			accVar.SetNodeValue(Where(finite, Where(boundary, ZerosLike(sum), sum), acc))
		}
		grads = mean
	}
	switch c.Name {
	case OptimizerSGD, OptimizerLARS:
		return c.applySGD(store, g, vars, grads, apply)
	}
	return c.applyAdam(store, g, vars, grads, apply)
}
