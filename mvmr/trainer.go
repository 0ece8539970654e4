package mvmr

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// HistoryLearningRate is the History name of the learning rate used at each step.
const HistoryLearningRate = history.LR

// encoderScope is the scope of the encoder's variables.
const encoderScope = "encoder"

// Trainer trains an MV-MR encoder on a data set, a few steps at a time: Train can be called
// again and again and continues exactly where it stopped (weights, Adam moments, step counter,
// learning-rate schedule, data order and augmentations), and Save/LoadTrainer carry all of that
// across processes.
type Trainer struct {
	config  Config
	backend compute.Backend
	store   *model.Store
	data    *datasets.Dataset
	source  *datasets.TwoViewSource
	fetch   *datasets.Prefetcher
	loss    *Loss
	names   []string // loss component names, TermTotal last

	// Host representations, in loss order: fed to the step as [batch, dim] inputs, gathered from
	// hostFeatures (original view) or computed by the prefetcher (fresh view).
	hostReps     []*reps.Rep
	hostDims     []int // the number of features of each of hostReps
	hostFeatures map[string][]float32
	graphFresh   bool // a graph representation reads the fresh view: it is a step input

	stepExec     *model.Exec
	parallel     *dataParallel // nil on one device
	featureExec  *model.Exec
	embedExec    *model.Exec
	encodeExec   *model.Exec // h and z in one pass, built when a monitor first asks (step_view.go)
	calibrateExc *model.Exec
	history      *history.History
	monitors     []Monitor // see monitor.go
	// trained is the training wall time of the steps before the current Train call, carried
	// across processes by the checkpoint; training is when that call started (zero outside it).
	trained  time.Duration
	training time.Time
	// savedMonitors is the monitor state of the checkpoint the trainer was loaded from, set back
	// into its StatefulMonitors before their first step (monitor_state.go).
	savedMonitors *savedMonitors

	// Progress receives a progress line (step, loss terms, steps/s, time left) every
	// ProgressEvery during Train; nil disables it.
	Progress io.Writer
	// ProgressEvery is the interval between progress lines (default 10 s).
	ProgressEvery time.Duration
	// AfterStep, when set, is called after each applied step with the number of steps applied
	// so far (a checkpoint hook); an error it returns stops Train and is returned.
	AfterStep func(steps int64) error
	// Cache holds host representations of the training images: by default a cache of its own in
	// reps.DefaultFeatureCacheDir (MVMR_CACHE_DIR, read once per process); set it before the
	// first Train to share one between trainers.
	Cache *reps.FeatureCache
}

// NewTrainer validates config and creates a trainer on data with the process's backend
// (NewBackend's, created at the first call: GOMLX_BACKEND is read once). The weights are
// initialised from config.Seed when the first step runs.
func NewTrainer(config Config, data *datasets.Dataset) (*Trainer, error) {
	backend, err := defaultBackend()
	if err != nil {
		return nil, err
	}
	return NewTrainerWithBackend(backend, config, data)
}

// NewTrainerWithBackend is NewTrainer on a given backend.
func NewTrainerWithBackend(backend compute.Backend, config Config, data *datasets.Dataset) (*Trainer, error) {
	loss, err := config.validate()
	if err != nil {
		return nil, fmt.Errorf("mvmr: invalid config: %w", err)
	}
	if data == nil {
		return nil, fmt.Errorf("mvmr: NewTrainer needs a data set")
	}
	if _, err := moveRepresentationsToGraph(config.GraphRepresentations, backend, loss.Representations()); err != nil {
		return nil, fmt.Errorf("mvmr: invalid config: %w", err)
	}
	augment, err := config.Augmenter(data)
	if err != nil {
		return nil, fmt.Errorf("mvmr: invalid config: %w", err)
	}
	source, err := datasets.NewTwoViewSource(data, config.BatchSize, config.Seed, augment)
	if err != nil {
		return nil, fmt.Errorf("mvmr: %w", err)
	}
	t := &Trainer{
		config: config, backend: backend, data: data, source: source, loss: loss,
		names: loss.Names(), history: history.New(), ProgressEvery: 10 * time.Second,
	}
	if t.store, err = newEncoderStore(); err != nil {
		return nil, err
	}
	if err := t.store.SetRNGStateFromSeed(config.Seed); err != nil {
		return nil, fmt.Errorf("mvmr: seeding the weight initialisation: %w", err)
	}
	t.Cache = reps.NewFeatureCache(processCacheDir())
	source.SetFreshView(loss.UsesFreshView())
	source.SetFreshPerBatch(config.FreshPerBatch)
	if config.FreshOfficial {
		fresh, err := datasets.OfficialFreshView(data.Height)
		if err != nil {
			return nil, fmt.Errorf("mvmr: the official fresh view: %w", err)
		}
		source.SetFreshAugmenter(fresh)
	}
	// Representations of the fresh view computed on the host are computed with the batch, by the
	// prefetcher, in the background.
	var freshHost []datasets.ImageFeatures
	for i, rep := range loss.Representations() {
		dim, err := rep.Dim(data.Height, data.Width, data.Channels)
		if err != nil {
			return nil, fmt.Errorf("mvmr: invalid config: loss.representations[%d] (%s) on %s: %w", i, rep.Name(), data.Name, err)
		}
		switch {
		case rep.OnHost() && rep.FreshView():
			host, ok := rep.Host()
			if !ok {
				return nil, fmt.Errorf("mvmr: invalid config: loss.representations[%d] (%s) is computed over a whole data set, "+
					"which has no fresh view", i, rep.Name())
			}
			t.hostReps, t.hostDims = append(t.hostReps, rep), append(t.hostDims, dim)
			freshHost = append(freshHost, freshViewHost{Rep: rep, host: host})
		case rep.OnHost():
			t.hostReps, t.hostDims = append(t.hostReps, rep), append(t.hostDims, dim)
		case rep.FreshView():
			t.graphFresh = true
		}
	}
	t.fetch = datasets.NewPrefetcher(source, 3)
	if err := t.fetch.ComputeOnFreshViews(freshHost...); err != nil {
		return nil, fmt.Errorf("mvmr: %w", err)
	}
	if t.stepExec, err = model.NewExec(backend, t.store, t.stepGraph); err != nil {
		return nil, fmt.Errorf("mvmr: creating the training step: %w", err)
	}
	if d := config.Parallel.Devices; d > 1 {
		if t.parallel, err = newDataParallel(backend, d); err != nil {
			return nil, fmt.Errorf("mvmr: %w", err)
		}
		if err := t.parallel.configure(t.stepExec, t.numStepInputs()); err != nil {
			return nil, fmt.Errorf("mvmr: data parallel over %d devices: %w", d, err)
		}
	}
	if t.featureExec, err = model.NewExec(backend, t.store, t.featureGraph); err != nil {
		return nil, fmt.Errorf("mvmr: creating the feature extractor: %w", err)
	}
	if t.embedExec, err = model.NewExec(backend, t.store, t.embedGraph); err != nil {
		return nil, fmt.Errorf("mvmr: creating the embedding extractor: %w", err)
	}
	if t.calibrateExc, err = model.NewExec(backend, t.store, t.calibrateGraph); err != nil {
		return nil, fmt.Errorf("mvmr: creating the BatchNorm calibration: %w", err)
	}
	return t, nil
}

// Config returns the trainer's configuration.
func (t *Trainer) Config() Config { return t.config }

// Data returns the training data set.
func (t *Trainer) Data() *datasets.Dataset { return t.data }

// Backend returns the compute backend.
func (t *Trainer) Backend() compute.Backend { return t.backend }

// Store returns the model.Store holding the weights and the optimizer state.
func (t *Trainer) Store() *model.Store { return t.store }

// History returns the recorded loss components and learning rate per step (a live view: it
// grows as training continues).
func (t *Trainer) History() *history.History { return t.history }

// ComponentNames returns the loss component names, TermTotal last.
func (t *Trainer) ComponentNames() []string { return append([]string(nil), t.names...) }

// Step returns the number of training steps (batches) applied so far; with gradient
// accumulation, the optimizer has made Step/AccumulateSteps updates.
func (t *Trainer) Step() int64 {
	v := t.store.GetVariable("/" + optimizerScope + "/step")
	if t.config.Optimizer.AccumulateSteps > 1 { // batches, not updates
		v = t.store.GetVariable("/" + optimizerScope + "/micro_step")
	}
	if v == nil || !v.HasValue() {
		return 0
	}
	return tensors.ToScalar[int64](v.MustValue())
}

// DataWait returns how long training steps have waited for their batch: near zero when data
// loading keeps ahead of the trainer.
func (t *Trainer) DataWait() time.Duration { return t.fetch.WaitTime() }

// Close stops the background data loading.
func (t *Trainer) Close() { t.fetch.Close() }

// NonFiniteLossError reports a training step whose loss turned NaN or Inf: the total or a term of
// non-zero weight (a term of weight 0 is logged only and never stops training). The step was not
// applied: the weights are those before it.
type NonFiniteLossError struct {
	Step  int64
	Terms map[string]float64 // the non-finite components
}

func (e *NonFiniteLossError) Error() string {
	parts := make([]string, 0, len(e.Terms))
	for _, name := range slices.Sorted(maps.Keys(e.Terms)) { // one order, so the message is reproducible
		parts = append(parts, fmt.Sprintf("%s = %v", name, e.Terms[name]))
	}
	return fmt.Sprintf("mvmr: loss is not finite at step %d (%s); the step was not applied",
		e.Step, strings.Join(parts, ", "))
}

// Train runs steps training steps.
func (t *Trainer) Train(steps int) error { return t.TrainContext(context.Background(), steps) }

// TrainTime returns the wall time spent in Train and TrainContext over the whole run, the time
// before the checkpoint it was loaded from included, so that a resumed run counts the processes
// before it (a checkpoint written before the time was recorded adds nothing).
func (t *Trainer) TrainTime() time.Duration {
	if t.training.IsZero() {
		return t.trained
	}
	return t.trained + time.Since(t.training)
}

// TrainContext runs steps training steps, stopping early (with ctx.Err()) when ctx is done; the
// steps finished before are kept.
func (t *Trainer) TrainContext(ctx context.Context, steps int) error {
	if steps < 0 {
		return fmt.Errorf("mvmr: Train(%d): expected a non-negative number of steps", steps)
	}
	t.training = time.Now()
	defer func() { t.trained, t.training = t.TrainTime(), time.Time{} }()
	if err := t.PrepareHostFeatures(); err != nil {
		return err
	}
	if steps > 0 {
		if err := t.observeInitial(); err != nil {
			return err
		}
	}
	start := time.Now()
	lastReport := start
	first := t.Step()
	b, h, w, c := t.config.BatchSize, t.data.Height, t.data.Width, t.data.Channels
	for i := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		step := first + int64(i)
		batch := t.fetch.Batch(step)
		if err := t.data.Err(); err != nil {
			// A streamed data set could not read an image: the batch holds a blank one in its place.
			return fmt.Errorf("mvmr: training step %d: reading the images of %s: %w", step, t.data.Name, err)
		}
		inputs := []*tensors.Tensor{
			tensors.FromFlatDataAndDimensions(batch.Original, b, h, w, c),
			tensors.FromFlatDataAndDimensions(batch.Augmented, b, h, w, c),
		}
		if t.graphFresh {
			inputs = append(inputs, tensors.FromFlatDataAndDimensions(batch.Fresh, b, h, w, c))
		}
		for i := range t.hostReps {
			inputs = append(inputs, t.hostInput(i, batch))
		}
		output, err := t.runStep(inputs)
		if err != nil {
			return fmt.Errorf("mvmr: training step %d: %w", step, err)
		}
		values := flatFloat64(output)
		lr := values[len(values)-1]
		values = values[:len(values)-1]
		if bad := nonFinite(t.names, values, t.loss.Weights()); len(bad) > 0 {
			return &NonFiniteLossError{Step: step, Terms: bad}
		}
		extraNames, extraValues, err := t.observe(step, batch)
		if err != nil {
			return err
		}
		names := append(append(append([]string(nil), t.names...), HistoryLearningRate), extraNames...)
		if err := t.history.AppendOrdered(step, names, append(append(values, lr), extraValues...)); err != nil {
			return err
		}
		if t.Progress != nil && (time.Since(lastReport) >= t.ProgressEvery || i == steps-1) {
			lastReport = time.Now()
			elapsed := time.Since(start)
			rate := float64(i+1) / elapsed.Seconds()
			left := time.Duration(float64(steps-i-1)/rate) * time.Second
			fmt.Fprintf(t.Progress, "step %d/%d | %s | %.2f steps/s | %s left\n",
				step+1, first+int64(steps), formatTerms(t.names, values), rate, left.Round(time.Second))
		}
		if t.AfterStep != nil {
			if err := t.AfterStep(step + 1); err != nil {
				return err
			}
		}
	}
	return nil
}

func formatTerms(names []string, values []float64) string {
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = fmt.Sprintf("%s %.4f", name, values[i])
	}
	return strings.Join(parts, " ")
}

// nonFinite returns the non-finite values among those of non-zero weight (a term of weight 0 is
// logged only).
func nonFinite(names []string, values, weights []float64) map[string]float64 {
	bad := map[string]float64{}
	for i, v := range values {
		if weights[i] != 0 && (math.IsNaN(v) || math.IsInf(v, 0)) {
			bad[names[i]] = v
		}
	}
	return bad
}

// numStepInputs is the number of batch inputs of the training step: the two views, the fresh
// view when a graph representation reads it, and one per host representation.
func (t *Trainer) numStepInputs() int {
	n := 2 + len(t.hostReps)
	if t.graphFresh {
		n++
	}
	return n
}

// runStep executes the training step on its batch inputs, on one device or split over
// Parallel.Devices, and returns its output (the loss components and the learning rate).
func (t *Trainer) runStep(inputs []*tensors.Tensor) (*tensors.Tensor, error) {
	if t.parallel != nil {
		var output *tensors.Tensor
		var runErr error
		if err := exceptions.TryCatch[error](func() { output, runErr = t.parallel.run(t.stepExec, inputs) }); err != nil {
			return nil, err
		}
		return output, runErr
	}
	args := make([]any, len(inputs))
	for i, x := range inputs {
		args[i] = x
	}
	var outputs []*tensors.Tensor
	err := exceptions.TryCatch[error](func() { outputs = t.stepExec.MustExec(args...) })
	if err != nil {
		return nil, err
	}
	return outputs[0], nil
}

// stepGraph builds one training step on a batch of original and augmented views (and, when a
// representation needs it, the fresh view): both views through the shared encoder (the
// augmented one first, as the official step does), the loss, its gradient and the Adam update,
// applied only when the total and every component of non-zero weight are finite. It returns the
// components in t.names order followed by the learning rate.
func (t *Trainer) stepGraph(scope *model.Scope, inputs []*Node) *Node {
	views := reps.Views{Original: inputs[0], Augmented: inputs[1], Precomputed: map[string]*Node{}}
	next := 2
	if t.graphFresh {
		views.Fresh = inputs[next]
		next++
	}
	for _, rep := range t.hostReps {
		views.Precomputed[rep.Name()] = inputs[next]
		next++
	}
	g := views.Original.Graph()
	store := scope.Store()
	store.SetTraining(g, true)
	nn.DeferStateUpdates(g)
	groups := t.config.Parallel.groups()
	nn.SetBatchNormGroups(g, groups)
	_, zAug := t.config.Encoder.Encode(scope.In(encoderScope), views.Augmented)
	_, zOrig := t.config.Encoder.Encode(scope.Shared(encoderScope), views.Original)
	components := t.loss.GroupedComponents(views, zOrig, zAug, groups)
	total := components[len(components)-1]

	vars, params := trainableInUse(store, g)
	grads := Gradient(total, params...)
	stacked := Stack(components, 0)
	finite := t.loss.FiniteInTotal(components) // a term of weight 0 is logged only
	lr := t.config.Optimizer.applyOptimizer(store, g, vars, grads, finite)
	nn.CommitStateUpdates(g, finite)
	return Concatenate([]*Node{stacked, Reshape(ConvertDType(lr, stacked.DType()), 1)}, 0)
}

// PrepareHostFeatures computes (or loads from the cache) the host representations of the
// original training images, once, with progress lines to Progress while it computes; the first
// Train calls it, and calling it first keeps that work out of the first step's time.
func (t *Trainer) PrepareHostFeatures() error {
	if t.hostFeatures != nil {
		return nil
	}
	features := map[string][]float32{}
	for _, rep := range t.hostReps {
		if rep.FreshView() {
			continue
		}
		start := time.Now()
		f, err := t.Cache.RepresentationFeaturesProgress(t.backend, rep, t.data, t.Progress, t.ProgressEvery)
		if err != nil {
			return fmt.Errorf("mvmr: representation %s of %s: %w", rep.Name(), t.data.Name, err)
		}
		features[rep.Name()] = f
		if t.Progress != nil {
			fmt.Fprintf(t.Progress, "representation %s of %d images ready (%s)\n", rep.Name(), t.data.Len(), time.Since(start).Round(time.Millisecond))
		}
	}
	t.hostFeatures = features
	return nil
}

// hostInput returns the [batch, dim] features of host representation i (of hostReps) for batch:
// the prefetcher's for a fresh view, gathered from hostFeatures for the original images.
func (t *Trainer) hostInput(i int, batch *datasets.TwoViewBatch) *tensors.Tensor {
	rep, dim := t.hostReps[i], t.hostDims[i]
	if rep.FreshView() {
		return tensors.FromFlatDataAndDimensions(batch.FreshFeatures[rep.Name()], batch.Size, dim)
	}
	all := t.hostFeatures[rep.Name()]
	rows := make([]float32, batch.Size*dim)
	for j, idx := range batch.Indices {
		copy(rows[j*dim:(j+1)*dim], all[idx*dim:(idx+1)*dim])
	}
	return tensors.FromFlatDataAndDimensions(rows, batch.Size, dim)
}

// featureGraph computes h for a batch of images with BatchNorm in evaluation mode.
func (t *Trainer) featureGraph(scope *model.Scope, images *Node) *Node {
	return t.config.Encoder.Backbone(scope.In(encoderScope), images)
}

// embedGraph computes z for a batch of images with BatchNorm in evaluation mode.
func (t *Trainer) embedGraph(scope *model.Scope, images *Node) *Node {
	_, z := t.config.Encoder.Encode(scope.In(encoderScope), images)
	return z
}

// calibrateGraph runs the encoder in training mode on a batch only to update the BatchNorm
// running statistics; it returns the mean of z to have an output.
func (t *Trainer) calibrateGraph(scope *model.Scope, images *Node) *Node {
	scope.Store().SetTraining(images.Graph(), true)
	_, z := t.config.Encoder.Encode(scope.In(encoderScope), images)
	return ReduceAllMean(z)
}

// CalibrateBatchNorm runs the encoder in training mode over batches of original (un-augmented)
// training images to set the BatchNorm running statistics, without changing any weight. It
// makes a randomly initialised encoder's evaluation-mode features meaningful (its running
// statistics would otherwise be the initial 0 and 1).
func (t *Trainer) CalibrateBatchNorm(batches int) error {
	b := t.config.BatchSize
	size := t.data.ImageSize()
	buf := make([]float32, b*size)
	for k := range batches {
		for j := range b {
			idx := (k*b + j) % t.data.Len()
			t.data.Normalize(buf[j*size:(j+1)*size], idx)
		}
		images := tensors.FromFlatDataAndDimensions(append([]float32(nil), buf...), b, t.data.Height, t.data.Width, t.data.Channels)
		if err := exceptions.TryCatch[error](func() { t.calibrateExc.MustExec(images) }); err != nil {
			return fmt.Errorf("mvmr: BatchNorm calibration: %w", err)
		}
	}
	return nil
}

// Features returns h for every image of data (normalised original views, BatchNorm in
// evaluation mode), as a row-major [data.Len(), dim] slice.
func (t *Trainer) Features(data *datasets.Dataset) (features []float32, dim int, err error) {
	return t.runOverImages(t.featureExec, data)
}

// Embeddings returns z for every image of data, as Features does for h.
func (t *Trainer) Embeddings(data *datasets.Dataset) (embeddings []float32, dim int, err error) {
	return t.runOverImages(t.embedExec, data)
}

// FeatureBatchSize is the number of images per call when extracting features.
const FeatureBatchSize = 500

func (t *Trainer) runOverImages(exec *model.Exec, data *datasets.Dataset) ([]float32, int, error) {
	if data.Height != t.data.Height || data.Width != t.data.Width || data.Channels != t.data.Channels {
		return nil, 0, fmt.Errorf("mvmr: %s images are %dx%dx%d; the encoder was trained on %dx%dx%d",
			data.Name, data.Height, data.Width, data.Channels, t.data.Height, t.data.Width, t.data.Channels)
	}
	return encodeImages(exec, data, data.Normalize)
}

// encodeImages runs exec over every image of data, FeatureBatchSize images per call, the
// images written by fill (for instance data.Normalize), and returns its first output as a
// row-major [data.Len(), dim] slice.
func encodeImages(exec *model.Exec, data *datasets.Dataset, fill func(dst []float32, i int)) ([]float32, int, error) {
	size := data.ImageSize()
	var out []float32
	dim := 0
	for start := 0; start < data.Len(); start += FeatureBatchSize {
		n := min(FeatureBatchSize, data.Len()-start)
		buf := make([]float32, n*size)
		for j := range n {
			fill(buf[j*size:(j+1)*size], start+j)
		}
		images := tensors.FromFlatDataAndDimensions(buf, n, data.Height, data.Width, data.Channels)
		var outputs []*tensors.Tensor
		if err := exceptions.TryCatch[error](func() { outputs = exec.MustExec(images) }); err != nil {
			return nil, 0, fmt.Errorf("mvmr: encoding %s: %w", data.Name, err)
		}
		f := tensors.MustCopyFlatData[float32](outputs[0])
		if out == nil {
			dim = len(f) / n
			out = make([]float32, 0, data.Len()*dim)
		}
		out = append(out, f...)
	}
	return out, dim, data.Err()
}

// flatFloat64 copies a float tensor's values as float64.
func flatFloat64(x *tensors.Tensor) []float64 {
	switch x.DType() {
	case dtypes.Float64:
		return tensors.MustCopyFlatData[float64](x)
	default:
		f := tensors.MustCopyFlatData[float32](x)
		out := make([]float64, len(f))
		for i, v := range f {
			out[i] = float64(v)
		}
		return out
	}
}

// freshViewHost is a host representation of the fresh view under its term's name ("aug_hog" for
// the HOG computation): what the prefetcher computes with each batch.
type freshViewHost struct {
	*reps.Rep
	host reps.HostRepresentation
}

// Compute implements datasets.ImageFeatures.
func (f freshViewHost) Compute(dst, image []float32, height, width, channels int) {
	f.host.Compute(dst, image, height, width, channels)
}

// trainableInUse returns the trainable variables of store that graph g reads, and their values in g.
func trainableInUse(store *model.Store, g *Graph) (vars []*model.Variable, params []*Node) {
	for v := range store.IterVariables() {
		if v.Trainable && v.InUseByGraph(g) {
			vars = append(vars, v)
			params = append(params, v.NodeValue(g))
		}
	}
	return vars, params
}
