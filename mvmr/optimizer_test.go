package mvmr

import (
	"math"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

func TestLearningRateSchedule(t *testing.T) {
	c := OptimizerConfig{Name: OptimizerAdam, LR: 1, MinLR: 0.1, WarmupSteps: 10, TotalSteps: 110, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}
	for _, tc := range []struct {
		t    int64
		want float64
	}{
		{1, 0.1 + 0.9*0.1},  // warmup t/warmup
		{5, 0.1 + 0.9*0.5},  //
		{10, 1},             // cosine starts at the peak
		{60, 0.1 + 0.9*0.5}, // half way down
		{110, 0.1},          // the end
		{500, 0.1},          // stays at min_lr
	} {
		if got := c.LearningRate(tc.t); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("LearningRate(%d) = %g, want %g", tc.t, got, tc.want)
		}
	}
	// The graph version matches.
	got := testutil.Flat64(t, testutil.Call1(t, testBackend(t), func(in []*Node) *Node {
		return c.learningRateGraph(in[0])
	}, tensors.FromValue([]float64{1, 5, 10, 60, 110, 500})))
	for i, step := range []int64{1, 5, 10, 60, 110, 500} {
		if math.Abs(got[i]-c.LearningRate(step)) > 1e-12 {
			t.Errorf("graph lr(%d) = %g, want %g", step, got[i], c.LearningRate(step))
		}
	}
	bad := c
	bad.TotalSteps = 5
	if err := bad.Validate(); err == nil {
		t.Error("total_steps < warmup_steps accepted")
	}
}

// TestAdamMatchesTorch runs three steps on one parameter and compares with torch.optim.Adam /
// AdamW's update rules written out in float64.
func TestAdamMatchesTorch(t *testing.T) {
	for _, name := range []string{OptimizerAdam, OptimizerAdamW} {
		c := OptimizerConfig{Name: name, LR: 0.1, WeightDecay: 0.01, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, WarmupSteps: 0, TotalSteps: 1000000}
		params := []float64{1.0, -2.0, 0.5}
		grads := [][]float64{{0.3, -0.1, 0.0}, {0.2, 0.4, -1.0}, {-0.5, 0.1, 0.2}}
		// Reference.
		want := append([]float64(nil), params...)
		m := make([]float64, 3)
		v := make([]float64, 3)
		for step, g := range grads {
			tt := float64(step + 1)
			lr := c.LearningRate(int64(step + 1))
			for i := range want {
				gi := g[i]
				if name == OptimizerAdam {
					gi += c.WeightDecay * want[i]
				} else {
					want[i] *= 1 - lr*c.WeightDecay
				}
				m[i] = 0.9*m[i] + 0.1*gi
				v[i] = 0.999*v[i] + 0.001*gi*gi
				mHat := m[i] / (1 - math.Pow(0.9, tt))
				denom := math.Sqrt(v[i])/math.Sqrt(1-math.Pow(0.999, tt)) + c.Epsilon
				want[i] -= lr * mHat / denom
			}
		}
		// GoMLX: the gradient is fed as an input.
		store := model.NewStore()
		p, _ := store.CreateVariable("/p", tensors.FromValue(params))
		exec, err := model.NewExec(testBackend(t), store, func(scope *model.Scope, g *Node) *Node {
			c.applyAdam(store, g.Graph(), []*model.Variable{p}, []*Node{g}, Const(g.Graph(), true))
			return ReduceAllSum(g)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range grads {
			if _, err := exec.Exec(tensors.FromValue(g)); err != nil {
				t.Fatal(err)
			}
		}
		got := tensors.MustCopyFlatData[float64](p.MustValue())
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Errorf("%s: parameter %d = %.15g, torch rule %.15g", name, i, got[i], want[i])
			}
		}
		if step := tensors.ToScalar[int64](store.GetVariable("/optimizer/step").MustValue()); step != 3 {
			t.Errorf("%s: step counter %d, want 3", name, step)
		}
	}
	_ = dtypes.Float64
}
