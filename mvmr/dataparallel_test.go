package mvmr

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

func TestParallelConfigValidateNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		config ParallelConfig
		batch  int
		want   string // "" for valid
	}{
		{ParallelConfig{}, 2, ""},
		{ParallelConfig{Devices: 1, LossGroups: 1}, 3, ""},
		{ParallelConfig{Devices: 4, LossGroups: 4}, 256, ""},
		{ParallelConfig{Devices: -1}, 256, "parallel.devices = -1"},
		{ParallelConfig{LossGroups: -2}, 256, "parallel.loss_groups = -2"},
		{ParallelConfig{Devices: 3}, 256, "parallel.devices = 3: batch_size = 256 must be a multiple"},
		{ParallelConfig{LossGroups: 3}, 256, "parallel.loss_groups = 3: batch_size = 256 must be a multiple"},
		{ParallelConfig{LossGroups: 4}, 4, "at least 2 images"},
	} {
		err := tc.config.Validate(tc.batch)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v, batch %d: unexpected error %v", tc.config, tc.batch, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v, batch %d: error %v, want one containing %q", tc.config, tc.batch, err, tc.want)
		}
	}
	config := tinyConfig(10)
	config.Parallel.LossGroups = 5
	if err := config.Validate(); err == nil || !strings.Contains(err.Error(), "parallel.loss_groups = 5") {
		t.Errorf("Config.Validate with loss_groups 5 and batch 32: %v", err)
	}
}

// The pure-Go backend has one device: asking for two must fail when the trainer is made, with
// an error that names the setting, the backend and what to do, not at the first step.
func TestDataParallelNeedsAsManyDevices(t *testing.T) {
	train, _ := testutil.MNIST(t, 64, 0)
	config := tinyConfig(10)
	config.Parallel.Devices = 2
	trainer, err := NewTrainerWithBackend(testBackend(t), config, train)
	if err == nil {
		trainer.Close()
		t.Fatal("NewTrainer with parallel.devices = 2 on a one-device backend succeeded")
	}
	if !errors.Is(err, ErrTooFewDevices) {
		t.Errorf("error %v does not wrap ErrTooFewDevices", err)
	}
	for _, want := range []string{"parallel.devices = 2", "has 1 device", "-tags xla"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// groupStep builds the official DDP computation of one rank on its own images: encoder (with
// BatchNorm in training mode), MV-MR loss, gradients of every weight; the loss and BatchNorm are
// cut into groups when groups > 1. It returns the total loss, the gradients (flattened, in
// variable order) and the updated running mean and variance of every BatchNorm.
func groupStep(encoder nn.EncoderConfig, loss *Loss, groups int) func(scope *model.Scope, orig, aug *Node) *Node {
	return func(scope *model.Scope, orig, aug *Node) *Node {
		g := orig.Graph()
		store := scope.Store()
		store.SetTraining(g, true)
		nn.DeferStateUpdates(g) // the running statistics are read, never written back
		nn.SetBatchNormGroups(g, groups)
		_, zAug := encoder.Encode(scope.In(encoderScope), aug)
		_, zOrig := encoder.Encode(scope.Shared(encoderScope), orig)
		components := loss.GroupedComponents(reps.Views{Original: orig, Augmented: aug}, zOrig, zAug, groups)
		total := components[len(components)-1]
		_, params := trainableInUse(store, g)
		parts := []*Node{Reshape(total, 1)}
		for _, grad := range Gradient(total, params...) {
			parts = append(parts, Reshape(grad, -1))
		}
		for v := range store.IterVariables() {
			if !v.Trainable && strings.Contains(v.Path(), "running_") && v.InUseByGraph(g) {
				parts = append(parts, Reshape(nn.StateValue(v, g), -1))
			}
		}
		return Concatenate(parts, 0)
	}
}

// TestLossGroupsGiveTheOfficialDDPStep checks LossGroups against what the official code computes
// on 2 GPUs (DDP, no SyncBatchNorm, no all-gather): each rank runs the encoder and the loss on
// its own half of the batch, and the applied gradient is the mean of the two ranks' gradients.
// Each rank is run here as its own graph on its half; the grouped graph on the whole batch must
// give the mean of their losses and gradients, and rank 0's running statistics, in float64.
func TestLossGroupsGiveTheOfficialDDPStep(t *testing.T) {
	const groups, per, size = 2, 6, 8
	n := groups * per
	rng := rand.New(rand.NewPCG(7, 8))
	orig, aug := make([]float64, n*size*size), make([]float64, n*size*size)
	for i := range orig {
		orig[i] = rng.NormFloat64()
		aug[i] = 0.7*orig[i] + 0.5*rng.NormFloat64()
	}
	images := func(data []float64, from, to int) *tensors.Tensor {
		return tensors.FromFlatDataAndDimensions(append([]float64(nil), data[from*size*size:to*size*size]...), to-from, size, size, 1)
	}
	encoder := nn.EncoderConfig{Channels: []int{3, 4}, Strides: []int{2, 2}, Head: nn.HeadFlatten, Projector: "8-5"}
	loss, err := NewLoss(DefaultLossConfig()) // MSE, hinge, dCor(z, z~), dCor with image and std
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(3); err != nil {
		t.Fatal(err)
	}
	run := func(groups int, from, to int) []float64 {
		t.Helper()
		exec, err := model.NewExec(testBackend(t), store, groupStep(encoder, loss, groups))
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Exec(images(orig, from, to), images(aug, from, to))
		if err != nil {
			t.Fatal(err)
		}
		return testutil.Flat64(t, out[0])
	}
	grouped := run(groups, 0, n) // first: initialises the weights every later run shares
	whole := run(1, 0, n)
	ranks := [][]float64{run(1, 0, per), run(1, per, n)}
	if len(ranks[0]) != len(grouped) {
		t.Fatalf("grouped output has %d values, rank 0 %d", len(grouped), len(ranks[0]))
	}
	// grouped = [loss, gradients..., running statistics...]; the running statistics are the
	// last len(stats) values: count them from the BatchNorm variables.
	stats := 0
	for v := range store.IterVariables() {
		if strings.Contains(v.Path(), "running_") {
			stats += v.Shape().Size()
		}
	}
	if stats == 0 {
		t.Fatal("the encoder has no BatchNorm running statistics")
	}
	for i, got := range grouped {
		var want float64
		what := "gradient"
		switch {
		case i == 0:
			want, what = (ranks[0][i]+ranks[1][i])/2, "loss"
		case i < len(grouped)-stats:
			want = (ranks[0][i] + ranks[1][i]) / 2
		default:
			want, what = ranks[0][i], "running statistic"
		}
		if math.Abs(got-want) > 1e-10*max(1, math.Abs(want)) {
			t.Fatalf("%s [%d]: grouped %.15g, official DDP (mean of ranks / rank 0) %.15g", what, i, got, want)
		}
	}
	if math.Abs(whole[0]-grouped[0]) < 1e-3 {
		t.Errorf("loss on the whole batch %.6g equals the grouped loss %.6g: groups should change dCor, the hinge and BatchNorm", whole[0], grouped[0])
	}
}

// The trainer must train with the grouped loss: its first-step loss differs from the one-group
// run on the same batch and weights, and stays finite over a few steps.
func TestTrainerWithLossGroups(t *testing.T) {
	train, _ := testutil.MNIST(t, 128, 0)
	first := map[int]float64{}
	for _, groups := range []int{1, 4} {
		config := tinyConfig(3)
		config.Parallel.LossGroups = groups
		trainer, err := NewTrainerWithBackend(testBackend(t), config, train)
		if err != nil {
			t.Fatal(err)
		}
		err = trainer.Train(3)
		trainer.Close()
		if err != nil {
			t.Fatalf("loss_groups %d: %v", groups, err)
		}
		series := trainer.History().Series(TermTotal)
		if len(series) != 3 {
			t.Fatalf("loss_groups %d: %d history rows, want 3", groups, len(series))
		}
		first[groups] = series[0]
	}
	if math.Abs(first[1]-first[4]) < 1e-4 {
		t.Errorf("first-step loss with 4 loss groups %.6g equals the one-group loss %.6g", first[4], first[1])
	}
}
