package datasets

import (
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/mvmr-ssl/mvmr-go/internal/parallel"
)

// TwoViewBatch is one training batch: for each image, its original view and an augmented view,
// both normalised, NHWC float32.
type TwoViewBatch struct {
	// Step is the training step this batch belongs to.
	Step int64
	// Size, Height, Width, Channels give the shape of Original and Augmented.
	Size, Height, Width, Channels int
	// Original holds the original views x.
	Original []float32
	// Augmented holds the augmented views x~.
	Augmented []float32
	// Fresh holds a second, independent augmentation of each image when the source was asked for
	// one (SetFreshView): the input of representations of "an augmented view of the original"
	// such as the official full_img_augment. Nil otherwise.
	Fresh []float32
	// Indices are the images' positions in the data set, Labels their labels and Labeled whether
	// each label is real (Dataset.HasLabel): a label-using step reads only the Labeled rows.
	Indices []int
	Labels  []int32
	Labeled []bool
	// FreshFeatures holds the features of the fresh views that a Prefetcher computed with the
	// batch (ComputeOnFreshViews); nil otherwise.
	FreshFeatures Features
}

// Features are per-image features of a batch by name (a representation's), each [batch size,
// dim] row-major.
type Features map[string][]float32

// TwoViewSource turns a Dataset into reproducible two-view batches.
//
// Batch(step) is a pure function of (data set, batch size, seed, augmenter, step): epoch
// e = step / StepsPerEpoch visits the images in a permutation drawn from (seed, e), dropping the
// last incomplete batch as the official DataLoader(drop_last=True) does, and the augmentation of
// the image at position j of batch step draws its parameters from a generator seeded by
// (seed, step, j). So a run resumed at step k sees exactly the batches it would have seen, and
// the result does not depend on how many goroutines build a batch.
type TwoViewSource struct {
	data      *Dataset
	batchSize int
	seed      uint64
	augment   Augmenter

	fresh         bool
	freshPerBatch bool
	freshAugment  Augmenter

	mu        sync.Mutex
	permEpoch int64
	perm      []int
}

// SetFreshView makes every batch also carry Fresh, a second independent augmentation of each
// image (drawn from a generator seeded by (seed, step, position, 1), so x~ is unchanged).
func (s *TwoViewSource) SetFreshView(fresh bool) { s.fresh = fresh }

// SetFreshAugmenter makes the fresh view use a instead of the pair's augmenter (nil: the
// pair's), such as OfficialFreshView.
func (s *TwoViewSource) SetFreshAugmenter(a Augmenter) { s.freshAugment = a }

// SetFreshPerBatch makes the fresh view draw one set of augmentation parameters per batch,
// shared by all its images, as the official code does when it augments the whole batch tensor
// at once for its 'full_img_augment' and 'aug_*' representations. Off by default: every image
// draws its own.
func (s *TwoViewSource) SetFreshPerBatch(perBatch bool) { s.freshPerBatch = perBatch }

// ShapeChecker is implemented by augmenters that can tell whether they fit a data set's images.
type ShapeChecker interface {
	CheckShape(data *Dataset) error
}

// NewTwoViewSource checks its arguments and returns a source.
func NewTwoViewSource(data *Dataset, batchSize int, seed int64, augment Augmenter) (*TwoViewSource, error) {
	if data == nil || augment == nil {
		return nil, fmt.Errorf("datasets: NewTwoViewSource needs a data set and an augmenter")
	}
	if err := data.Validate(); err != nil {
		return nil, err
	}
	if sc, ok := augment.(ShapeChecker); ok {
		if err := sc.CheckShape(data); err != nil {
			return nil, fmt.Errorf("datasets: %w", err)
		}
	}
	if batchSize < 2 || batchSize > data.Len() {
		return nil, fmt.Errorf("datasets: batch size %d for %s (%d images); expected 2..%d",
			batchSize, data.Name, data.Len(), data.Len())
	}
	return &TwoViewSource{data: data, batchSize: batchSize, seed: uint64(seed), augment: augment, permEpoch: -1}, nil
}

// Data returns the source's data set.
func (s *TwoViewSource) Data() *Dataset { return s.data }

// BatchSize returns the number of images per batch.
func (s *TwoViewSource) BatchSize() int { return s.batchSize }

// StepsPerEpoch returns the number of full batches in one pass over the data.
func (s *TwoViewSource) StepsPerEpoch() int64 { return int64(s.data.Len() / s.batchSize) }

// Indices returns the data set positions of the images in batch step.
func (s *TwoViewSource) Indices(step int64) []int {
	epoch, offset := step/s.StepsPerEpoch(), step%s.StepsPerEpoch()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.permEpoch != epoch {
		rng := rand.New(rand.NewPCG(s.seed, mix(0x5eed_e90c, uint64(epoch))))
		s.perm = rng.Perm(s.data.Len())
		s.permEpoch = epoch
	}
	start := int(offset) * s.batchSize
	return append([]int(nil), s.perm[start:start+s.batchSize]...)
}

// Batch builds batch step on all cores.
func (s *TwoViewSource) Batch(step int64) *TwoViewBatch {
	if step < 0 {
		panic(fmt.Sprintf("datasets: negative step %d", step))
	}
	d := s.data
	size := d.ImageSize()
	b := &TwoViewBatch{
		Step: step, Size: s.batchSize, Height: d.Height, Width: d.Width, Channels: d.Channels,
		Original:  make([]float32, s.batchSize*size),
		Augmented: make([]float32, s.batchSize*size),
		Indices:   s.Indices(step),
		Labels:    make([]int32, s.batchSize),
		Labeled:   make([]bool, s.batchSize),
	}
	if s.fresh {
		b.Fresh = make([]float32, s.batchSize*size)
	}
	parallel.For(s.batchSize, func(j int) {
		idx := b.Indices[j]
		b.Labels[j], b.Labeled[j] = d.Labels[idx], d.HasLabel(idx)
		d.Normalize(b.Original[j*size:(j+1)*size], idx)
		rng := rand.New(rand.NewPCG(s.seed, mix(uint64(step), uint64(j))))
		s.augment.Augment(b.Augmented[j*size:(j+1)*size], d, idx, rng)
		if b.Fresh != nil {
			position := uint64(j)
			if s.freshPerBatch {
				position = 0
			}
			rng := rand.New(rand.NewPCG(s.seed^0xf7e5, mix(uint64(step), position)))
			fresh := s.augment
			if s.freshAugment != nil {
				fresh = s.freshAugment
			}
			fresh.Augment(b.Fresh[j*size:(j+1)*size], d, idx, rng)
		}
	})
	return b
}

// mix combines two values into a well-spread 64-bit seed (splitmix64 finaliser).
func mix(a, b uint64) uint64 {
	z := a*0x9e3779b97f4a7c15 + b + 0x632be59bd9b4e019
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
