package mvmr

import (
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// StepView is what a Monitor sees of the training step it observes: the step, its batch, the
// run's configuration and backend, and the encoder as it is after the step, through the same
// executables the built-in monitors use. Encoding runs BatchNorm in evaluation mode and changes
// nothing in the trainer. Images are normalised NHWC views of the training data set's shape,
// as datasets.Dataset.Normalize writes them; outputs are row-major [n, dim].
//
// The training step itself computes only the loss, so h of the step's batch is computed again
// (once per step, whichever monitors ask for it). A test can implement StepView to drive a
// monitor without a trainer.
type StepView interface {
	// Step is the 0-based number of the step just applied.
	Step() int64
	// Batch is the step's batch: its original, augmented (and fresh) views and their labels.
	Batch() *datasets.TwoViewBatch
	// Config is the trainer's configuration (the loss's StdMargin and DCorScale, the seed, ...).
	Config() Config
	// Backend is the trainer's backend, for a monitor that builds graphs of its own (the online
	// probe's head).
	Backend() compute.Backend
	// Warnings is where a monitor prints warnings and notices: the trainer's Progress, or
	// standard error.
	Warnings() io.Writer
	// Features returns h of n images (the representation the evaluation protocols read).
	Features(images []float32, n int) (h []float32, dim int, err error)
	// Embeddings returns z of n images (the embedding the loss reads).
	Embeddings(images []float32, n int) (z []float32, dim int, err error)
	// Encode returns h and z of n images from one pass through the encoder.
	Encode(images []float32, n int) (h, z []float32, hDim, zDim int, err error)
	// BatchFeatures returns h of the batch's original views, [Batch().Size, dim]: Features of
	// them, computed at most once per step however many monitors ask.
	BatchFeatures() (h []float32, dim int, err error)
}

// stepView is the StepView of a Trainer after a step.
type stepView struct {
	t     *Trainer
	step  int64
	batch *datasets.TwoViewBatch

	batchH    []float32 // BatchFeatures, once computed
	batchHDim int
}

// view returns the StepView of t after step, applied on batch.
func (t *Trainer) view(step int64, batch *datasets.TwoViewBatch) *stepView {
	return &stepView{t: t, step: step, batch: batch}
}

func (v *stepView) Step() int64                   { return v.step }
func (v *stepView) Batch() *datasets.TwoViewBatch { return v.batch }
func (v *stepView) Config() Config                { return v.t.config }
func (v *stepView) Backend() compute.Backend      { return v.t.backend }
func (v *stepView) Warnings() io.Writer           { return v.t.warnWriter() }

func (v *stepView) Features(images []float32, n int) ([]float32, int, error) {
	return v.t.encodeBatch(v.t.featureExec, images, n)
}

func (v *stepView) Embeddings(images []float32, n int) ([]float32, int, error) {
	return v.t.encodeBatch(v.t.embedExec, images, n)
}

func (v *stepView) Encode(images []float32, n int) (h, z []float32, hDim, zDim int, err error) {
	t := v.t
	if t.encodeExec == nil {
		t.encodeExec, err = model.NewExec(t.backend, t.store, func(scope *model.Scope, images *Node) (*Node, *Node) {
			return t.config.Encoder.Encode(scope.In(encoderScope), images)
		})
		if err != nil {
			return nil, nil, 0, 0, fmt.Errorf("mvmr: creating the encoder of h and z: %w", err)
		}
	}
	x, err := t.imagesTensor(images, n)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	err = exceptions.TryCatch[error](func() {
		out := t.encodeExec.MustExec(x)
		h, z = tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1])
	})
	if err != nil {
		return nil, nil, 0, 0, fmt.Errorf("mvmr: encoding %d images: %w", n, err)
	}
	return h, z, len(h) / n, len(z) / n, nil
}

func (v *stepView) BatchFeatures() ([]float32, int, error) {
	if v.batch == nil {
		return nil, 0, fmt.Errorf("mvmr: step %d has no batch", v.step)
	}
	if v.batchH == nil {
		h, dim, err := v.Features(v.batch.Original, v.batch.Size)
		if err != nil {
			return nil, 0, err
		}
		v.batchH, v.batchHDim = h, dim
	}
	return slices.Clone(v.batchH), v.batchHDim, nil
}

// warnWriter is where monitors print warnings: the trainer's Progress, or standard error.
func (t *Trainer) warnWriter() io.Writer {
	if t.Progress != nil {
		return t.Progress
	}
	return os.Stderr
}

// imagesTensor wraps a copy of n normalised images of the training data set's shape as an NHWC
// tensor.
func (t *Trainer) imagesTensor(images []float32, n int) (*tensors.Tensor, error) {
	d := t.data
	if size := d.ImageSize(); n < 1 || len(images) != n*size {
		return nil, fmt.Errorf("mvmr: %d values for %d images of %dx%dx%d; expected n >= 1 and %d values",
			len(images), n, d.Height, d.Width, d.Channels, n*d.ImageSize())
	}
	return tensors.FromFlatDataAndDimensions(slices.Clone(images), n, d.Height, d.Width, d.Channels), nil
}

// encodeBatch runs exec (featureExec for h, embedExec for z) on n normalised NHWC images and
// returns the [n, dim] output.
func (t *Trainer) encodeBatch(exec *model.Exec, images []float32, n int) ([]float32, int, error) {
	x, err := t.imagesTensor(images, n)
	if err != nil {
		return nil, 0, err
	}
	var out []float32
	if err := exceptions.TryCatch[error](func() { out = tensors.MustCopyFlatData[float32](exec.MustExec(x)[0]) }); err != nil {
		return nil, 0, fmt.Errorf("mvmr: encoding %d images: %w", n, err)
	}
	return out, len(out) / n, nil
}
