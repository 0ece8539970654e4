package mvmr

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Features is a labelled feature matrix: N rows of Dim float32 values, row-major.
type Features struct {
	Data       []float32
	N, Dim     int
	Labels     []int32
	NumClasses int
}

// Validate checks the sizes and labels.
func (f Features) Validate(name string) error {
	switch {
	case f.N <= 0 || f.Dim <= 0:
		return fmt.Errorf("%s features: %d rows of %d values; expected positive sizes", name, f.N, f.Dim)
	case len(f.Data) != f.N*f.Dim:
		return fmt.Errorf("%s features: %d values for %d rows of %d", name, len(f.Data), f.N, f.Dim)
	case len(f.Labels) != f.N:
		return fmt.Errorf("%s features: %d labels for %d rows", name, len(f.Labels), f.N)
	case f.NumClasses < 2:
		return fmt.Errorf("%s features: %d classes; expected at least 2", name, f.NumClasses)
	}
	for i, l := range f.Labels {
		if l < 0 || int(l) >= f.NumClasses {
			return fmt.Errorf("%s features: label %d of row %d is out of range [0, %d)", name, l, i, f.NumClasses)
		}
	}
	for i, v := range f.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%s features: value %v at row %d, column %d is not finite", name, v, i/f.Dim, i%f.Dim)
		}
	}
	return nil
}

// ProbeConfig configures the linear probe: multinomial logistic regression on standardised
// features, trained with Adam and a cosine learning-rate schedule.
type ProbeConfig struct {
	// Epochs is the number of passes over the training features.
	Epochs int `json:"epochs"`
	// BatchSize is the number of rows per step.
	BatchSize int `json:"batch_size"`
	// LR is Adam's peak learning rate.
	LR float64 `json:"lr"`
	// WeightDecay is the decoupled (AdamW) weight decay of the weights.
	WeightDecay float64 `json:"weight_decay"`
	// Seed fixes the initialisation and the order of the rows.
	Seed int64 `json:"seed"`
	// Progress, when set, receives a line (epoch, rate, time left) every 10 s while fitting.
	Progress io.Writer `json:"-"`
}

// DefaultProbeConfig is tuned for features of a few thousand dimensions on 60 000 rows: it
// converges in about 20 epochs.
func DefaultProbeConfig() ProbeConfig {
	return ProbeConfig{Epochs: 20, BatchSize: 1000, LR: 2e-3, WeightDecay: 1e-4, Seed: 1}
}

// ProbeResult holds a probe's accuracies, in [0, 1].
type ProbeResult struct {
	Top1, Top5 float64
	// TrainTop1 is the top-1 accuracy on the training features.
	TrainTop1 float64
	// Seconds is the wall time of fitting and evaluating.
	Seconds float64
}

// LinearProbe standardises the features with the training rows' mean and standard deviation,
// fits a linear classifier on train and reports top-1/top-5 accuracy on test.
func LinearProbe(backend compute.Backend, train, test Features, config ProbeConfig) (ProbeResult, error) {
	start := time.Now()
	if err := checkProbe(train, test, config); err != nil {
		return ProbeResult{}, err
	}
	mean, invStd := standardisation(train)
	xTrain := standardise(train, mean, invStd)
	xTest := standardise(test, mean, invStd)
	p, err := newLinearProbe(backend, train, config)
	if err != nil {
		return ProbeResult{}, err
	}
	if err := p.fit(xTrain, train.Labels, config, start); err != nil {
		return ProbeResult{}, err
	}
	testLogits, err := p.predict(xTest, test.N)
	if err != nil {
		return ProbeResult{}, err
	}
	trainLogits, err := p.predict(xTrain, train.N)
	if err != nil {
		return ProbeResult{}, err
	}
	top1, top5 := TopKAccuracy(testLogits, test.Labels, p.classes)
	trainTop1, _ := TopKAccuracy(trainLogits, train.Labels, p.classes)
	return ProbeResult{Top1: top1, Top5: top5, TrainTop1: trainTop1, Seconds: time.Since(start).Seconds()}, nil
}

// checkProbe checks the features and the probe's settings.
func checkProbe(train, test Features, config ProbeConfig) error {
	if err := train.Validate("train"); err != nil {
		return fmt.Errorf("mvmr: linear probe: %w", err)
	}
	if err := test.Validate("test"); err != nil {
		return fmt.Errorf("mvmr: linear probe: %w", err)
	}
	if train.Dim != test.Dim || train.NumClasses != test.NumClasses {
		return fmt.Errorf("mvmr: linear probe: train has %d features and %d classes, test %d and %d",
			train.Dim, train.NumClasses, test.Dim, test.NumClasses)
	}
	if config.Epochs < 1 || config.BatchSize < 1 || !(config.LR > 0) || config.WeightDecay < 0 {
		return fmt.Errorf("mvmr: linear probe: epochs = %d, batch_size = %d, lr = %g, weight_decay = %g; "+
			"expected positive epochs, batch size and lr, and weight decay >= 0",
			config.Epochs, config.BatchSize, config.LR, config.WeightDecay)
	}
	return nil
}

// linearProbe is the classifier LinearProbe fits: its training step and its logits.
type linearProbe struct {
	dim, classes  int
	batch         int // rows per step and per evaluation call
	stepsPerEpoch int
	stepExec      *model.Exec
	logitsExec    *model.Exec
}

// newLinearProbe creates the probe's step (closed-form gradient, AdamW with a cosine over every
// step) and logits for features like train, its weights at zero.
func newLinearProbe(backend compute.Backend, train Features, config ProbeConfig) (*linearProbe, error) {
	p := &linearProbe{dim: train.Dim, classes: train.NumClasses, batch: min(config.BatchSize, train.N)}
	p.stepsPerEpoch = train.N / p.batch
	opt := OptimizerConfig{Name: OptimizerAdamW, LR: config.LR, WeightDecay: config.WeightDecay,
		Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, TotalSteps: int64(p.stepsPerEpoch * config.Epochs)}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(config.Seed); err != nil {
		return nil, err
	}
	dim, classes, batch := p.dim, p.classes, p.batch
	var err error
	p.stepExec, err = model.NewExec(backend, store, func(scope *model.Scope, x, labels *Node) *Node {
		g := x.Graph()
		weights, bias := probeVariables(scope, dim, classes)
		logits := probeLogits(x, weights.NodeValue(g), bias.NodeValue(g))
		// Closed-form gradient of the mean cross-entropy, G = (softmax − onehot)/batch, with the
		// weights stored [classes, dim] so that neither product needs a transpose of x.
		grad := DivScalar(Sub(Softmax(logits, 1), OneHot(labels, classes, logits.DType())), float64(batch))
		gradW := Dot(Transpose(grad, 0, 1), x).Product() // [classes, dim]
		gradB := ReduceSum(grad, 0)
		opt.applyAdam(store, g, []*model.Variable{weights, bias}, []*Node{gradW, gradB}, Const(g, true))
		return crossEntropy(logits, labels)
	})
	if err != nil {
		return nil, err
	}
	p.logitsExec, err = model.NewExec(backend, store, func(scope *model.Scope, x *Node) *Node {
		g := x.Graph()
		weights, bias := probeVariables(scope, dim, classes)
		return probeLogits(x, weights.NodeValue(g), bias.NodeValue(g))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// fit trains config.Epochs passes over the standardised rows x and their labels, in an order
// shuffled each epoch (the last rows short of a batch are left out of that epoch).
func (p *linearProbe) fit(x []float32, labels []int32, config ProbeConfig, start time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(config.Seed), 0x9e0be))
	order := make([]int, len(labels))
	for i := range order {
		order[i] = i
	}
	dim, batch := p.dim, p.batch
	lastReport := time.Now()
	for epoch := range config.Epochs {
		if config.Progress != nil && epoch > 0 && time.Since(lastReport) >= 10*time.Second {
			lastReport = time.Now()
			perEpoch := time.Since(start) / time.Duration(epoch)
			fmt.Fprintf(config.Progress, "linear probe: epoch %d/%d | %.1f s/epoch | %s left\n", epoch, config.Epochs,
				perEpoch.Seconds(), (perEpoch * time.Duration(config.Epochs-epoch)).Round(time.Second))
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for s := range p.stepsPerEpoch {
			xb := tensors.FromShape(shapes.Make(dtypes.Float32, batch, dim))
			yb := tensors.FromShape(shapes.Make(dtypes.Int32, batch))
			rows := order[s*batch : (s+1)*batch]
			tensors.MustMutableFlatData(xb, func(flat []float32) {
				for j, row := range rows {
					copy(flat[j*dim:(j+1)*dim], x[row*dim:(row+1)*dim])
				}
			})
			tensors.MustMutableFlatData(yb, func(flat []int32) {
				for j, row := range rows {
					flat[j] = labels[row]
				}
			})
			err := exceptions.TryCatch[error](func() { p.stepExec.MustExec(xb, yb) })
			if err != nil {
				return fmt.Errorf("mvmr: linear probe step: %w", err)
			}
		}
	}
	return nil
}

// predict returns the logits [n, classes] of the n standardised rows x.
func (p *linearProbe) predict(x []float32, n int) ([]float32, error) {
	out := make([]float32, 0, n*p.classes)
	for start := 0; start < n; start += p.batch {
		rows := min(p.batch, n-start)
		xb := tensors.FromFlatDataAndDimensions(slices.Clone(x[start*p.dim:(start+rows)*p.dim]), rows, p.dim)
		var res []*tensors.Tensor
		if err := exceptions.TryCatch[error](func() { res = p.logitsExec.MustExec(xb) }); err != nil {
			return nil, fmt.Errorf("mvmr: linear probe evaluation: %w", err)
		}
		out = append(out, tensors.MustCopyFlatData[float32](res[0])...)
	}
	return out, nil
}

// probeVariables returns the probe's weights [classes, dim] and bias [classes], initialised at
// zero: the problem is convex, and a random start only adds noise that short training must undo.
func probeVariables(scope *model.Scope, dim, classes int) (weights, bias *model.Variable) {
	probe := scope.At("probe").WithInitializer(initializer.Zero)
	weights = probe.VariableWithShape("weights", shapes.Make(dtypes.Float32, classes, dim))
	bias = probe.VariableWithShape("bias", shapes.Make(dtypes.Float32, classes))
	return weights, bias
}

// probeLogits is x·Wᵀ + b for x [batch, dim] and W [classes, dim].
func probeLogits(x, weights, bias *Node) *Node {
	logits := Dot(x, weights).General([]int{1}, nil, []int{1}, nil)
	return Add(logits, ExpandAxes(bias, 0))
}

// crossEntropy is the mean softmax cross-entropy of logits [batch, classes] against int32
// labels [batch].
func crossEntropy(logits, labels *Node) *Node {
	classes := logits.Shape().Dim(1)
	maxLogit := StopGradient(ReduceAndKeep(logits, ReduceMax, 1))
	shifted := Sub(logits, maxLogit)
	logSumExp := Log(ReduceSum(Exp(shifted), 1))
	picked := ReduceSum(Mul(OneHot(labels, classes, logits.DType()), shifted), 1)
	return ReduceAllMean(Sub(logSumExp, picked))
}

// TopKAccuracy returns the top-1 and top-5 accuracy of logits (row-major [n, classes]) against
// labels. A row counts for top-k when fewer than k classes rank above the true class: a larger
// logit, or an equal one at a lower class index (ties broken by the lower index, as KNN does,
// so that constant logits score chance, not 100 %). A NaN logit for the true class is a miss.
func TopKAccuracy(logits []float32, labels []int32, classes int) (top1, top5 float64) {
	var hit1, hit5 int
	for i, label := range labels {
		row := logits[i*classes : (i+1)*classes]
		target := row[label]
		if target != target {
			continue
		}
		larger := 0
		for j, v := range row {
			if v > target || (v == target && j < int(label)) {
				larger++
			}
		}
		if larger < 1 {
			hit1++
		}
		if larger < 5 {
			hit5++
		}
	}
	n := float64(len(labels))
	return float64(hit1) / n, float64(hit5) / n
}

// standardisation returns the per-column mean and 1/std of f (std floored at 1e-6; a constant
// column is centred to 0).
func standardisation(f Features) (mean, invStd []float32) {
	sum := make([]float64, f.Dim)
	sumSq := make([]float64, f.Dim)
	for i := range f.N {
		row := f.Data[i*f.Dim : (i+1)*f.Dim]
		for j, v := range row {
			sum[j] += float64(v)
			sumSq[j] += float64(v) * float64(v)
		}
	}
	mean = make([]float32, f.Dim)
	invStd = make([]float32, f.Dim)
	for j := range f.Dim {
		m := sum[j] / float64(f.N)
		variance := max(sumSq[j]/float64(f.N)-m*m, 0)
		mean[j] = float32(m)
		if std := math.Sqrt(variance); std > 1e-6 {
			invStd[j] = float32(1 / std)
		}
	}
	return mean, invStd
}

func standardise(f Features, mean, invStd []float32) []float32 {
	out := make([]float32, len(f.Data))
	for i := range f.N {
		for j := range f.Dim {
			out[i*f.Dim+j] = (f.Data[i*f.Dim+j] - mean[j]) * invStd[j]
		}
	}
	return out
}

// Rows returns the features of the given rows, in that order (a labelled subset).
func (f Features) Rows(rows []int) Features {
	out := Features{Data: make([]float32, 0, len(rows)*f.Dim), N: len(rows), Dim: f.Dim,
		Labels: make([]int32, 0, len(rows)), NumClasses: f.NumClasses}
	for _, r := range rows {
		out.Data = append(out.Data, f.Data[r*f.Dim:(r+1)*f.Dim]...)
		out.Labels = append(out.Labels, f.Labels[r])
	}
	return out
}
