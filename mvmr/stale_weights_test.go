package mvmr

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// TestCompiledExecsSeeUpdatedVariables guards against a backend upgrade that freezes variables
// into compiled graphs. GoMLX's model package embeds a variable as a graph constant when the
// backend advertises PreferConstantsForVariables and the graph is not marked as training
// (v0.28.13: non-trainable variables only; v0.28.14 on: every variable); compute v0.1.13 turned
// that capability on for the pure-Go backend (with cached packed weight panels). A model.Exec
// compiles its graph once, so every later call then reads the values of the first call: an
// evaluation exec ignores training, and an update exec restarts from the same state every call
// (what made TestAdamMatchesTorch fail). Both kinds of update are checked here, on a matrix product
// large enough for the packed SIMD kernels, against a float64 reference computed from the values
// the variables must hold.
func TestCompiledExecsSeeUpdatedVariables(t *testing.T) {
	const m, k, n = 32, 96, 80
	const lr = 0.25
	rng := rand.New(rand.NewPCG(19, 1))
	randomValues := func(size int) []float32 {
		out := make([]float32, size)
		for i := range out {
			out[i] = float32(rng.Float64()*2 - 1)
		}
		return out
	}
	// w (trainable) and b (non-trainable, like Adam's moments and step counter) in float64 as the
	// reference holds them.
	wRef := make([]float64, k*n)
	bRef := make([]float64, n)
	w0, b0 := randomValues(k*n), randomValues(n)
	for i := range wRef {
		wRef[i] = float64(w0[i])
	}
	for i := range bRef {
		bRef[i] = float64(b0[i])
	}
	store := model.NewStore()
	w, err := store.CreateVariable("/stale/w", tensors.FromFlatDataAndDimensions(w0, k, n))
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.CreateVariable("/stale/b", tensors.FromFlatDataAndDimensions(b0, n))
	if err != nil {
		t.Fatal(err)
	}
	b.SetTrainable(false)
	backend := testBackend(t)

	// forward: y = x·w + b in a graph not marked as training (feature extraction, evaluation).
	forward, err := model.NewExec(backend, store, func(scope *model.Scope, x *Node) *Node {
		g := x.Graph()
		return Add(MatMul(x, w.NodeValue(g)), ExpandAxes(b.NodeValue(g), 0))
	})
	if err != nil {
		t.Fatal(err)
	}
	// update: w ← w − lr·grad, b ← b + 1 (an optimizer step, also not marked as training, as the
	// optimizer tests build it).
	update, err := model.NewExec(backend, store, func(scope *model.Scope, grad *Node) *Node {
		g := grad.Graph()
		w.SetNodeValue(Sub(w.NodeValue(g), MulScalar(grad, lr)))
		b.SetNodeValue(AddScalar(b.NodeValue(g), 1))
		return ReduceAllSum(grad)
	})
	if err != nil {
		t.Fatal(err)
	}
	x := randomValues(m * k)
	checkForward := func(when string) {
		t.Helper()
		out, err := forward.Exec(tensors.FromFlatDataAndDimensions(x, m, k))
		if err != nil {
			t.Fatal(err)
		}
		got := tensors.MustCopyFlatData[float32](out[0])
		maxErr := 0.0
		for i := range m {
			for j := range n {
				want := bRef[j]
				for l := range k {
					want += float64(x[i*k+l]) * wRef[l*n+j]
				}
				maxErr = max(maxErr, math.Abs(float64(got[i*n+j])-want))
			}
		}
		if maxErr > 1e-4 {
			t.Errorf("%s: x·w + b is %.3g away from the float64 reference (stale weights compiled into the graph?)", when, maxErr)
		}
	}
	checkVariables := func(when string) {
		t.Helper()
		gotW := tensors.MustCopyFlatData[float32](w.MustValue())
		gotB := tensors.MustCopyFlatData[float32](b.MustValue())
		maxErr := 0.0
		for i := range wRef {
			maxErr = max(maxErr, math.Abs(float64(gotW[i])-wRef[i]))
		}
		for i := range bRef {
			maxErr = max(maxErr, math.Abs(float64(gotB[i])-bRef[i]))
		}
		if maxErr > 1e-5 {
			t.Errorf("%s: the variables are %.3g away from the float64 reference of the updates", when, maxErr)
		}
	}

	checkForward("first call")
	// Direct assignment, as loading a checkpoint or setting BatchNorm statistics does.
	w1, b1 := randomValues(k*n), randomValues(n)
	w.MustSetValue(tensors.FromFlatDataAndDimensions(w1, k, n))
	b.MustSetValue(tensors.FromFlatDataAndDimensions(b1, n))
	for i := range wRef {
		wRef[i] = float64(w1[i])
	}
	for i := range bRef {
		bRef[i] = float64(b1[i])
	}
	checkForward("after assigning new values")
	// Three optimizer-like steps through a compiled update graph.
	for step := range 3 {
		grad := randomValues(k * n)
		if _, err := update.Exec(tensors.FromFlatDataAndDimensions(grad, k, n)); err != nil {
			t.Fatal(err)
		}
		for i := range wRef {
			wRef[i] = float64(float32(wRef[i]) - float32(lr)*grad[i])
		}
		for i := range bRef {
			bRef[i] = float64(float32(bRef[i]) + 1)
		}
		checkVariables("after update step " + string(rune('1'+step)))
	}
	checkForward("after three update steps")
}
