package mvmr

import (
	"math"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// runOptimizer applies c to a [2, 2] weight w and a [2] bias b for each (gradient, finite) step
// and returns their final values and the store.
func runOptimizer(t *testing.T, c OptimizerConfig, w, b []float64, gw, gb [][]float64, finite []bool) ([]float64, []float64, *model.Store) {
	t.Helper()
	store := model.NewStore()
	wv, _ := store.CreateVariable("/w", tensors.FromFlatDataAndDimensions(append([]float64(nil), w...), 2, 2))
	bv, _ := store.CreateVariable("/b", tensors.FromValue(append([]float64(nil), b...)))
	exec, err := model.NewExec(testBackend(t), store, func(scope *model.Scope, gradW, gradB, ok *Node) *Node {
		return c.applyOptimizer(store, gradW.Graph(), []*model.Variable{wv, bv}, []*Node{gradW, gradB}, ok)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range gw {
		if _, err := exec.Exec(tensors.FromFlatDataAndDimensions(gw[i], 2, 2), tensors.FromValue(gb[i]), finite[i]); err != nil {
			t.Fatal(err)
		}
	}
	return tensors.MustCopyFlatData[float64](wv.MustValue()), tensors.MustCopyFlatData[float64](bv.MustValue()), store
}

// TestSGDAndLARSMatchTorch compares three steps with torch.optim.SGD(momentum, weight_decay) and
// the VICReg LARS (exclude_bias_and_norm) written out in float64.
func TestSGDAndLARSMatchTorch(t *testing.T) {
	w0, b0 := []float64{1, -2, 0.5, 3}, []float64{0.2, -0.4}
	gw := [][]float64{{0.3, -0.1, 0, 2}, {0.2, 0.4, -1, 0.1}, {-0.5, 0.1, 0.2, 0.3}}
	gb := [][]float64{{0.1, 0.2}, {-0.3, 0.05}, {0.4, -0.2}}
	finite := []bool{true, true, true}
	for _, name := range []string{OptimizerSGD, OptimizerLARS} {
		c := OptimizerConfig{Name: name, LR: 0.5, WeightDecay: 0.01, Momentum: 0.9, LARSEta: 0.02, Beta1: 0.9, Beta2: 0.999,
			Epsilon: 1e-8, WarmupSteps: 1, TotalSteps: 10}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		want := [][]float64{append([]float64(nil), w0...), append([]float64(nil), b0...)}
		bufs := [][]float64{make([]float64, 4), make([]float64, 2)}
		for step := range gw {
			lr := c.LearningRate(int64(step + 1))
			for k, grad := range [][]float64{gw[step], gb[step]} {
				p := want[k]
				matrix := k == 0
				d := make([]float64, len(p))
				for i := range p {
					d[i] = grad[i]
					if name == OptimizerSGD || matrix {
						d[i] += c.WeightDecay * p[i]
					}
				}
				if name == OptimizerLARS && matrix {
					var pn, dn float64
					for i := range p {
						pn += p[i] * p[i]
						dn += d[i] * d[i]
					}
					q := c.LARSEta * math.Sqrt(pn) / math.Sqrt(dn)
					for i := range d {
						d[i] *= q
					}
				}
				for i := range p {
					bufs[k][i] = c.Momentum*bufs[k][i] + d[i]
					p[i] -= lr * bufs[k][i]
				}
			}
		}
		gotW, gotB, store := runOptimizer(t, c, w0, b0, gw, gb, finite)
		for k, got := range [][]float64{gotW, gotB} {
			for i := range got {
				if math.Abs(got[i]-want[k][i]) > 1e-12 {
					t.Errorf("%s: parameter %d[%d] = %.15g, torch rule %.15g", name, k, i, got[i], want[k][i])
				}
			}
		}
		if step := tensors.ToScalar[int64](store.GetVariable("/optimizer/step").MustValue()); step != 3 {
			t.Errorf("%s: step counter %d, want 3", name, step)
		}
	}
}

// TestGradientAccumulation checks that accumulating k=2 batches equals one update with their mean
// gradient, that a non-finite batch is not counted, and that the schedule counts updates.
func TestGradientAccumulation(t *testing.T) {
	c := OptimizerConfig{Name: OptimizerAdam, LR: 0.1, WeightDecay: 0.01, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8,
		WarmupSteps: 2, TotalSteps: 10}
	w0, b0 := []float64{1, -2, 0.5, 3}, []float64{0.2, -0.4}
	gw := [][]float64{{0.3, -0.1, 0, 2}, {9, 9, 9, 9}, {0.2, 0.4, -1, 0.1}, {-0.5, 0.1, 0.2, 0.3}, {0.1, 0.1, 0.3, -0.2}}
	gb := [][]float64{{0.1, 0.2}, {9, 9}, {-0.3, 0.05}, {0.4, -0.2}, {0.2, 0.2}}
	finite := []bool{true, false, true, true, true} // the second batch's loss was NaN: skipped
	accumulated := c
	accumulated.AccumulateSteps = 2
	gotW, gotB, store := runOptimizer(t, accumulated, w0, b0, gw, gb, finite)

	mean := func(a, b []float64) []float64 {
		out := make([]float64, len(a))
		for i := range a {
			out[i] = (a[i] + b[i]) / 2
		}
		return out
	}
	// Updates: mean of batches 0 and 2, mean of 3 and 4.
	wantW, wantB, _ := runOptimizer(t, c, w0, b0,
		[][]float64{mean(gw[0], gw[2]), mean(gw[3], gw[4])}, [][]float64{mean(gb[0], gb[2]), mean(gb[3], gb[4])}, []bool{true, true})
	for i := range wantW {
		if math.Abs(gotW[i]-wantW[i]) > 1e-12 {
			t.Errorf("w[%d] = %.15g, one update per mean of 2 batches gives %.15g", i, gotW[i], wantW[i])
		}
	}
	for i := range wantB {
		if math.Abs(gotB[i]-wantB[i]) > 1e-12 {
			t.Errorf("b[%d] = %.15g, want %.15g", i, gotB[i], wantB[i])
		}
	}
	step := tensors.ToScalar[int64](store.GetVariable("/optimizer/step").MustValue())
	micro := tensors.ToScalar[int64](store.GetVariable("/optimizer/micro_step").MustValue())
	if step != 2 || micro != 4 {
		t.Errorf("updates %d, accumulated batches %d; want 2 and 4", step, micro)
	}
	bad := c
	bad.Name = "rmsprop"
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "lars") {
		t.Errorf("Validate(rmsprop) = %v; want an error listing the optimizers", err)
	}
	bad = c
	bad.Momentum = 1
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "momentum") {
		t.Errorf("Validate(momentum 1) = %v; want an error naming momentum", err)
	}
}

func TestTrainerWithLARSAndAccumulation(t *testing.T) {
	train, _ := testutil.MNIST(t, 64, 0)
	config := tinyConfig(10)
	config.Optimizer.Name = OptimizerLARS
	config.Optimizer.LR = 0.2
	config.Optimizer.Momentum = 0.9
	config.Optimizer.AccumulateSteps = 2
	tr := newTestTrainer(t, config, train)
	if err := tr.Train(3); err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(1); err != nil { // continues with the fourth batch
		t.Fatal(err)
	}
	updates := tensors.ToScalar[int64](tr.Store().GetVariable("/optimizer/step").MustValue())
	if tr.Step() != 4 || updates != 2 || len(tr.History().Steps()) != 4 || tr.History().Steps()[3] != 3 {
		t.Errorf("Step() = %d, updates %d, history steps %v; want 4 batches, 2 updates, steps 0..3", tr.Step(), updates, tr.History().Steps())
	}
}
