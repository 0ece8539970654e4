package mvmr

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// ProtocolLinearOfficial is the linear evaluation of the official evaluate_self_supervised.py
// --retrain (evaluate_retrain): see OfficialLinearConfig. The kit's fast default is ProtocolLinear.
const ProtocolLinearOfficial = "linear_official"

// OfficialLinearConfig is the official linear evaluation (evaluate_self_supervised.py,
// evaluate_retrain), each field at the official value by DefaultOfficialLinearConfig:
//   - the head is nn.Linear(num_features, n_classes) on the raw h of the frozen backbone
//     (BatchNorm in evaluation mode, no standardisation), started from the online fine-tuner's
//     weights when the checkpoint has them (StartHead), else PyTorch's nn.Linear initialisation;
//   - Adam (lr 1e-3, betas 0.9/0.999, no weight decay) with CosineAnnealingLR(T_max = Epochs,
//     eta_min = 0) stepped once per epoch: epoch e trains at OfficialLinearLR(LR, e, Epochs);
//   - every epoch re-draws the augmentation of every training image (AugTransform(name, size),
//     whose policy is "custom" whatever the config's aug_policy) and re-encodes it, in a shuffled
//     order, batches of BatchSize with the last short batch kept (DataLoader(shuffle=True));
//   - after every epoch the head scores the test images (ValTransform: the originals); the
//     reported accuracy is the best epoch's (the first of equal ones), and that epoch is reported.
//
// Ten-crop is not part of this protocol: the official code uses it only to score the online
// fine-tuner as saved (evaluate_finetuner), where crops of the image's own size are the image and
// its mirror (see Result.Metrics "tencrop_top1" of ProtocolLinearOfficial when StartHead is set).
type OfficialLinearConfig struct {
	// Epochs is the official --epochs (default 100).
	Epochs int `json:"epochs"`
	// BatchSize is the official config's batch_size.
	BatchSize int `json:"batch_size"`
	// LR is Adam's initial learning rate (official 1e-3).
	LR float64 `json:"lr"`
	// Policy is the augmentation of the training images (official "custom").
	Policy string `json:"policy"`
	// Seed fixes the order and the augmentations (and the head's initialisation without StartHead).
	Seed int64 `json:"seed"`
	// StartHead, when set, holds the online probe's head (OnlineProbe.StateStore): the official
	// code starts from ckpt['online_finetuner'] when the checkpoint has one.
	StartHead *model.Store `json:"-"`
	// Progress receives a line per epoch (may be nil).
	Progress io.Writer `json:"-"`
}

// DefaultOfficialLinearConfig returns the official values: 100 epochs of batch 256 at lr 1e-3,
// the custom policy, seed 1.
func DefaultOfficialLinearConfig() OfficialLinearConfig {
	return OfficialLinearConfig{Epochs: 100, BatchSize: 256, LR: 1e-3, Policy: datasets.PolicyCustom, Seed: 1}
}

// OfficialLinearLR is the learning rate of epoch e (0-based) of torch's
// CosineAnnealingLR(T_max = epochs, eta_min = 0) stepped once per epoch: lr·(1 + cos(π·e/epochs))/2.
func OfficialLinearLR(lr float64, epoch, epochs int) float64 {
	return lr * (1 + math.Cos(math.Pi*float64(epoch)/float64(epochs))) / 2
}

// OfficialLinearResult is the outcome of OfficialLinear.
type OfficialLinearResult struct {
	// Top1 and Top5 are the test accuracies of the best epoch (by top-1), BestEpoch its 0-based
	// number, as the official script prints "Best epoch: e, Best acc: a".
	Top1, Top5 float64
	BestEpoch  int
	// EpochTop1 and EpochLR are every epoch's test top-1 and learning rate.
	EpochTop1, EpochLR []float64
	// TenCropTop1 and TenCropTop5 score the start head (StartHead) as saved, as the official
	// evaluate_finetuner does with ten crops of the image's own size (NaN without StartHead).
	TenCropTop1, TenCropTop5 float64
	Seconds                  float64
}

// OfficialLinear runs the official linear evaluation (OfficialLinearConfig) of the trainer's
// backbone, training on train and scoring on test. The trainer is not changed.
func (t *Trainer) OfficialLinear(train, test *datasets.Dataset, config OfficialLinearConfig) (OfficialLinearResult, error) {
	start := time.Now()
	if config.Epochs < 1 || config.BatchSize < 1 || !(config.LR > 0) {
		return OfficialLinearResult{}, fmt.Errorf("mvmr: official linear evaluation: epochs = %d, batch_size = %d, lr = %g; expected >= 1, >= 1, > 0",
			config.Epochs, config.BatchSize, config.LR)
	}
	if err := checkProbeData(train, test); err != nil {
		return OfficialLinearResult{}, err
	}
	if train.Height != train.Width {
		return OfficialLinearResult{}, fmt.Errorf("mvmr: official linear evaluation: policy %s needs square images; %s holds %d×%d", config.Policy, train.Name, train.Height, train.Width)
	}
	augment, err := datasets.NewPolicy(config.Policy, train.Height)
	if err != nil {
		return OfficialLinearResult{}, fmt.Errorf("mvmr: official linear evaluation: %w", err)
	}
	testH, dim, err := t.Features(test)
	if err != nil {
		return OfficialLinearResult{}, err
	}
	head, err := newOfficialHead(t.backend, train.NumClasses, config)
	if err != nil {
		return OfficialLinearResult{}, err
	}
	res := OfficialLinearResult{TenCropTop1: math.NaN(), TenCropTop5: math.NaN()}
	if config.StartHead != nil {
		if res.TenCropTop1, res.TenCropTop5, err = t.tenCropScore(head, test); err != nil {
			return OfficialLinearResult{}, err
		}
	}
	view := t.view(0, nil)
	rng := rand.New(rand.NewPCG(uint64(config.Seed), 0x11ea7))
	order := make([]int, train.Len())
	for i := range order {
		order[i] = i
	}
	size := train.ImageSize()
	res.Top1 = -1
	for epoch := range config.Epochs {
		lr := OfficialLinearLR(config.LR, epoch, config.Epochs)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for lo := 0; lo < len(order); lo += config.BatchSize {
			rows := order[lo:min(lo+config.BatchSize, len(order))]
			images := make([]float32, len(rows)*size)
			labels := make([]int32, len(rows))
			for j, idx := range rows {
				augment.Augment(images[j*size:(j+1)*size], train, idx, rand.New(rand.NewPCG(uint64(config.Seed), uint64(epoch)<<32|uint64(idx))))
				labels[j] = train.Labels[idx]
			}
			h, _, err := view.Features(images, len(rows))
			if err != nil {
				return OfficialLinearResult{}, err
			}
			if err := head.step(h, labels, dim, lr); err != nil {
				return OfficialLinearResult{}, fmt.Errorf("mvmr: official linear evaluation, epoch %d: %w", epoch, err)
			}
		}
		logits, err := head.logits(testH, test.Len(), dim)
		if err != nil {
			return OfficialLinearResult{}, err
		}
		top1, top5 := TopKAccuracy(logits, test.Labels, train.NumClasses)
		res.EpochTop1, res.EpochLR = append(res.EpochTop1, top1), append(res.EpochLR, lr)
		if top1 > res.Top1 {
			res.Top1, res.Top5, res.BestEpoch = top1, top5, epoch
		}
		if config.Progress != nil {
			fmt.Fprintf(config.Progress, "official linear evaluation: epoch %d/%d | lr %.3g | test top-1 %.4f (best %.4f at epoch %d)\n",
				epoch+1, config.Epochs, lr, top1, res.Top1, res.BestEpoch)
		}
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// officialHead is the linear head of the official evaluation with its Adam, the learning rate
// fed per call.
type officialHead struct {
	stepExec, logitsExec *model.Exec
}

// officialHeadScope is the head's scope: the online probe's, so that a copy of its store starts
// the head from the online fine-tuner's weights.
const officialHeadScope = "online_probe"

func newOfficialHead(backend compute.Backend, classes int, config OfficialLinearConfig) (*officialHead, error) {
	store := model.NewStore()
	if config.StartHead != nil {
		var err error
		if store, err = config.StartHead.Clone(); err != nil {
			return nil, fmt.Errorf("mvmr: official linear evaluation: copying the online head: %w", err)
		}
		// A fresh Adam, as the official script creates: only the head's weights are kept.
		if err := store.DeleteVariablesInScope("/" + optimizerScope); err != nil {
			return nil, err
		}
		if store.GetVariable(onlineProbeCounts) != nil {
			if err := store.DeleteVariable(onlineProbeCounts); err != nil {
				return nil, err
			}
		}
	}
	if err := store.SetRNGStateFromSeed(config.Seed); err != nil {
		return nil, err
	}
	opt := OptimizerConfig{Name: OptimizerAdam, LR: config.LR, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, TotalSteps: 1}
	forward := func(scope *model.Scope, h *Node) *Node {
		return nn.Linear(scope.In(officialHeadScope), h, classes, true)
	}
	h := &officialHead{}
	var err error
	h.stepExec, err = model.NewExec(backend, store, func(scope *model.Scope, x, labels, lr *Node) *Node {
		g := x.Graph()
		loss := crossEntropy(forward(scope, x), labels)
		vars, params := trainableInUse(scope.Store(), g)
		opt.applyAdamAt(scope.Store(), g, vars, Gradient(loss, params...), Const(g, true), lr)
		return loss
	})
	if err != nil {
		return nil, fmt.Errorf("mvmr: official linear evaluation: %w", err)
	}
	if h.logitsExec, err = model.NewExec(backend, store, forward); err != nil {
		return nil, fmt.Errorf("mvmr: official linear evaluation: %w", err)
	}
	return h, nil
}

// step applies one Adam update at lr on the rows h (n×dim) and their labels.
func (h *officialHead) step(x []float32, labels []int32, dim int, lr float64) error {
	n := len(labels)
	return exceptions.TryCatch[error](func() {
		h.stepExec.MustExec(tensors.FromFlatDataAndDimensions(x, n, dim), tensors.FromFlatDataAndDimensions(labels, n), tensors.FromValue(float32(lr)))
	})
}

// logits returns the head's [n, classes] logits of the rows x, FeatureBatchSize rows per call.
func (h *officialHead) logits(x []float32, n, dim int) ([]float32, error) {
	var out []float32
	for lo := 0; lo < n; lo += FeatureBatchSize {
		rows := min(FeatureBatchSize, n-lo)
		err := exceptions.TryCatch[error](func() {
			res := h.logitsExec.MustExec(tensors.FromFlatDataAndDimensions(x[lo*dim:(lo+rows)*dim], rows, dim))
			out = append(out, tensors.MustCopyFlatData[float32](res[0])...)
		})
		if err != nil {
			return nil, fmt.Errorf("mvmr: official linear evaluation: %w", err)
		}
	}
	return out, nil
}

// tenCropScore scores head on test as the official evaluate_finetuner does: ten_crop(x, (size,
// size)) of images already size×size gives five copies of the image and five of its mirror, so
// the averaged logits are the mean of the image's and its mirror's.
func (t *Trainer) tenCropScore(head *officialHead, test *datasets.Dataset) (top1, top5 float64, err error) {
	h, dim, err := t.Features(test)
	if err != nil {
		return 0, 0, err
	}
	hFlip, _, err := t.Features(mirrored(test))
	if err != nil {
		return 0, 0, err
	}
	a, err := head.logits(h, test.Len(), dim)
	if err != nil {
		return 0, 0, err
	}
	b, err := head.logits(hFlip, test.Len(), dim)
	if err != nil {
		return 0, 0, err
	}
	for i := range a {
		a[i] = (5*a[i] + 5*b[i]) / 10
	}
	top1, top5 = TopKAccuracy(a, test.Labels, test.NumClasses)
	return top1, top5, nil
}

// mirrored returns a copy of d with every image flipped left to right (in memory).
func mirrored(d *datasets.Dataset) *datasets.Dataset {
	out := *d
	out.Stream = nil
	w, c := d.Width, d.Channels
	size := d.ImageSize()
	out.Images = make([]uint8, d.Len()*size)
	for i := range d.Len() {
		src, dst := d.Image(i), out.Images[i*size:(i+1)*size]
		for y := range d.Height {
			for x := range w {
				copy(dst[(y*w+x)*c:(y*w+x+1)*c], src[(y*w+w-1-x)*c:(y*w+w-x)*c])
			}
		}
	}
	return &out
}
