package mvmr

import (
	"fmt"
	"math/rand/v2"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// History names of the online probe: top-1/top-5 accuracy on the training batches since the last
// record (each batch scored before the head's update on it, as the official callback logs it),
// and on the held-out images when the probe has them.
const (
	HistoryOnlineTop1     = "online/top1"
	HistoryOnlineTop5     = "online/top5"
	HistoryOnlineTestTop1 = "online/test_top1"
	HistoryOnlineTestTop5 = "online/test_top5"
)

// OnlineProbeLR is the online head's Adam learning rate (the official OnlineFineTuner's 1e-4).
const OnlineProbeLR = 1e-4

// OnlineProbe is the official code's online fine-tuner: a linear head on the detached
// representation h, trained with its own Adam (lr OnlineProbeLR, no weight decay, PyTorch's
// nn.Linear initialisation) after every training step, on the original (un-augmented) views of
// the step's batch and their labels, the labelled ones only: the rows of unlabelled images
// (STL-10's train+unlabeled) are masked out of its loss and accuracy; with SetLabelled it reads
// batches of a labelled split instead, as the official callback does. It never changes the encoder. Every Every steps it records
// its accuracy in History. Differences from the official callback, both deliberate: it reads the
// step's own batch rather than a second shuffled loader of the same training images, and h is
// computed with BatchNorm in evaluation mode (the official one runs the encoder in training
// mode, which also moves the BatchNorm running statistics). It is a StatefulMonitor: its head,
// Adam moments and the counts since its last record are saved in the trainer's checkpoints, so a
// resumed run continues its series exactly as an uninterrupted one.
type OnlineProbe struct {
	// Every is the interval in steps between records.
	Every int
	// LR is the head's constant Adam learning rate (OnlineProbeLR; set before the first step).
	LR float64

	classes          int
	seed             int64
	labelled         *datasets.Dataset // SetLabelled's split, or nil: the step's batch
	store            *model.Store
	stepExec, logits *model.Exec
	testImages       []float32
	testLabels       []int32
	testN            int
}

// NewOnlineProbe returns an online probe for a data set of numClasses classes recording every
// `every` steps; heldOut (may be nil) adds the accuracy on its first MonitorHeldOut images.
func NewOnlineProbe(numClasses, every int, heldOut *datasets.Dataset, seed int64) (*OnlineProbe, error) {
	if every < 1 || numClasses < 2 {
		return nil, fmt.Errorf("mvmr: online probe every = %d, classes = %d; expected >= 1 and >= 2", every, numClasses)
	}
	p := &OnlineProbe{Every: every, LR: OnlineProbeLR, classes: numClasses, seed: seed, store: model.NewStore()}
	if err := p.store.SetRNGStateFromSeed(seed); err != nil {
		return nil, fmt.Errorf("mvmr: online probe: %w", err)
	}
	if heldOut != nil {
		if err := heldOut.CheckLabeled("mvmr: online probe held-out images"); err != nil {
			return nil, err
		}
		p.testImages, p.testN = heldOutImages(heldOut, MonitorHeldOut)
		p.testLabels = heldOut.Labels[:p.testN]
	}
	return p, nil
}

// build creates the head's step and evaluation on backend.
func (p *OnlineProbe) build(backend compute.Backend) error {
	numClasses := p.classes
	var err error
	opt := OptimizerConfig{Name: OptimizerAdam, LR: p.LR, MinLR: p.LR, Beta1: 0.9, Beta2: 0.999,
		Epsilon: 1e-8, TotalSteps: 1} // MinLR = LR: a constant learning rate
	head := func(scope *model.Scope, h *Node) *Node {
		return nn.Linear(scope.In("online_probe"), h, numClasses, true)
	}
	p.stepExec, err = model.NewExec(backend, p.store, func(scope *model.Scope, h, labels, labeled *Node) *Node {
		g := h.Graph()
		logits := head(scope, h)
		loss := maskedCrossEntropy(logits, labels, labeled)
		vars, params := trainableInUse(scope.Store(), g)
		opt.applyAdam(scope.Store(), g, vars, Gradient(loss, params...), Const(g, true))
		return logits
	})
	if err != nil {
		return fmt.Errorf("mvmr: online probe: %w", err)
	}
	p.logits, err = model.NewExec(backend, p.store, head)
	if err != nil {
		return fmt.Errorf("mvmr: online probe: %w", err)
	}
	return nil
}

// Observe implements Monitor.
func (p *OnlineProbe) Observe(v StepView) (map[string]float64, error) {
	if p.stepExec == nil {
		if err := p.build(v.Backend()); err != nil {
			return nil, err
		}
	}
	step, batch := v.Step(), v.Batch()
	hFor := v.BatchFeatures
	if p.labelled != nil {
		var images []float32
		batch, images = p.labelledBatch(step, batch.Size)
		hFor = func() ([]float32, int, error) { return v.Features(images, batch.Size) }
	}
	mask, labeled := labeledMask(batch)
	counts, err := p.counts()
	if err != nil {
		return nil, err
	}
	if labeled > 0 {
		h, dim, err := hFor()
		if err != nil {
			return nil, err
		}
		var logits []float32
		err = exceptions.TryCatch[error](func() {
			out := p.stepExec.MustExec(tensors.FromFlatDataAndDimensions(h, batch.Size, dim),
				tensors.FromFlatDataAndDimensions(batch.Labels, batch.Size), tensors.FromFlatDataAndDimensions(mask, batch.Size))
			logits = tensors.MustCopyFlatData[float32](out[0])
		})
		if err != nil {
			return nil, fmt.Errorf("online probe step: %w", err)
		}
		hit1, hit5 := labeledHits(logits, batch, p.classes)
		counts[0] += hit1
		counts[1] += hit5
		counts[2] += int64(labeled)
	}
	var out map[string]float64
	if due(step, p.Every) && counts[2] > 0 {
		out = map[string]float64{HistoryOnlineTop1: float64(counts[0]) / float64(counts[2]), HistoryOnlineTop5: float64(counts[1]) / float64(counts[2])}
		counts = []int64{0, 0, 0}
	}
	if err := p.setCounts(counts); err != nil {
		return nil, err
	}
	if out == nil {
		return nil, nil
	}
	if p.testN > 0 {
		ht, dim, err := v.Features(p.testImages, p.testN)
		if err != nil {
			return nil, err
		}
		var logits []float32
		err = exceptions.TryCatch[error](func() {
			res := p.logits.MustExec(tensors.FromFlatDataAndDimensions(ht, p.testN, dim))
			logits = tensors.MustCopyFlatData[float32](res[0])
		})
		if err != nil {
			return nil, fmt.Errorf("online probe evaluation: %w", err)
		}
		out[HistoryOnlineTestTop1], out[HistoryOnlineTestTop5] = TopKAccuracy(logits, p.testLabels, p.classes)
	}
	return out, nil
}

// SetLabelled makes the probe train, at each step, on the next batch (of the step's size) of a
// labelled split instead of the step's own batch, as the official OnlineFineTuner reads its own
// loader of the labelled training images (DataLoader(shuffle=True, drop_last=True), restarted at
// its end, the original views): for a training set mostly unlabelled, such as STL-10's
// train+unlabeled, where the step's batch holds few labelled images. The batches are a function
// of the step and the probe's seed, so a resumed run draws the same ones.
func (p *OnlineProbe) SetLabelled(d *datasets.Dataset) error {
	if err := d.CheckLabeled("mvmr: online probe training split"); err != nil {
		return err
	}
	if d.Len() < 1 {
		return fmt.Errorf("mvmr: online probe training split %s is empty", d.Name)
	}
	p.labelled = d
	return nil
}

// labelledBatch returns batch `step` of SetLabelled's split: epoch e = step / (N / size) of a
// permutation seeded by (seed, e), its batch step mod (N / size), the original views normalised.
func (p *OnlineProbe) labelledBatch(step int64, size int) (*datasets.TwoViewBatch, []float32) {
	d := p.labelled
	size = min(size, d.Len())
	perEpoch := int64(d.Len() / size)
	epoch, k := step/perEpoch, int(step%perEpoch)
	order := rand.New(rand.NewPCG(uint64(p.seed), 0x0171e^uint64(epoch))).Perm(d.Len())
	b := &datasets.TwoViewBatch{Step: step, Size: size, Height: d.Height, Width: d.Width, Channels: d.Channels,
		Indices: order[k*size : (k+1)*size], Labels: make([]int32, size)}
	images := make([]float32, size*d.ImageSize())
	for j, idx := range b.Indices {
		b.Labels[j] = d.Labels[idx]
		d.Normalize(images[j*d.ImageSize():(j+1)*d.ImageSize()], idx)
	}
	return b, images
}

// labeledMask returns 1 for each row of batch whose label is real and 0 for an unlabelled image
// (datasets.Dataset.HasLabel), and how many rows are labelled. A batch without marks (made by
// hand) counts as labelled.
func labeledMask(batch *datasets.TwoViewBatch) (mask []float32, labeled int) {
	mask = make([]float32, batch.Size)
	for i := range mask {
		if batch.Labeled == nil || batch.Labeled[i] {
			mask[i], labeled = 1, labeled+1
		}
	}
	return mask, labeled
}

// labeledHits counts the top-1 and top-5 hits of logits on the labelled rows of batch.
func labeledHits(logits []float32, batch *datasets.TwoViewBatch, classes int) (hit1, hit5 int64) {
	for i := range batch.Size {
		if batch.Labeled != nil && !batch.Labeled[i] {
			continue
		}
		top1, top5 := TopKAccuracy(logits[i*classes:(i+1)*classes], batch.Labels[i:i+1], classes)
		hit1 += int64(top1)
		hit5 += int64(top5)
	}
	return hit1, hit5
}

// maskedCrossEntropy is crossEntropy averaged over the rows whose mask is 1 only: rows of
// unlabelled images (mask 0) add nothing to the loss nor to its gradient. The caller ensures at
// least one row is labelled.
func maskedCrossEntropy(logits, labels, mask *Node) *Node {
	classes := logits.Shape().Dim(1)
	maxLogit := StopGradient(ReduceAndKeep(logits, ReduceMax, 1))
	shifted := Sub(logits, maxLogit)
	logSumExp := Log(ReduceSum(Exp(shifted), 1))
	picked := ReduceSum(Mul(OneHot(labels, classes, logits.DType()), shifted), 1)
	mask = ConvertDType(mask, logits.DType())
	return Div(ReduceAllSum(Mul(mask, Sub(logSumExp, picked))), ReduceAllSum(mask))
}

// onlineProbeCounts is the store variable holding the top-1 hits, top-5 hits and images seen since
// the last record: part of the state a checkpoint saves.
const onlineProbeCounts = "/online_probe_counts"

// counts returns the hits and images since the last record.
func (p *OnlineProbe) counts() ([]int64, error) {
	v := p.store.GetVariable(onlineProbeCounts)
	if v == nil || !v.HasValue() {
		return []int64{0, 0, 0}, nil
	}
	c := tensors.MustCopyFlatData[int64](v.MustValue())
	if len(c) != 3 {
		return nil, fmt.Errorf("mvmr: online probe: %s holds %d values; expected 3", onlineProbeCounts, len(c))
	}
	return c, nil
}

// setCounts stores the hits and images since the last record.
func (p *OnlineProbe) setCounts(c []int64) error {
	value := tensors.FromValue(c)
	if v := p.store.GetVariable(onlineProbeCounts); v != nil {
		return v.SetValue(value)
	}
	v, err := p.store.CreateVariable(onlineProbeCounts, value)
	if err != nil {
		return fmt.Errorf("mvmr: online probe: %w", err)
	}
	v.SetTrainable(false)
	return nil
}

// StateKey implements StatefulMonitor.
func (p *OnlineProbe) StateKey() string { return "online_probe" }

// StateStore implements StatefulMonitor: the head's weights, its Adam state and counts.
func (p *OnlineProbe) StateStore() *model.Store { return p.store }
