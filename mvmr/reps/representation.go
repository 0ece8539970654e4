package reps

import (
	"fmt"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// Representation is a non-learnable representation z*_k of an image, the target of one L3 term
// dCor(z*_k, z~). Implementations are small: one file per representation, plus one line in the
// Known table; the trainer never needs to change to add one.
//
// A representation computes its features either in the graph (GraphRepresentation: cheap
// element-wise work on the batch), in Go on the host, image by image (HostRepresentation: FFTs,
// histograms), or over a whole data set at once (DatasetRepresentation: a teacher). The trainer
// computes host and data-set representations of the original images once per data set, on all
// cores, and caches them (see FeatureCache); those of a fresh augmented view it computes batch
// by batch in the background while the previous step trains.
type Representation interface {
	// Name is the registry name. It names the loss component "dcor/<name>" in History, metrics
	// and plot legends.
	Name() string
	// Shape returns the shape of one image's features, in the official code's channel-first
	// layout (for instance (C, H, W) for the image, (C·nbins, H/pool, W/pool) for HOG), or an
	// error saying why images of the given size do not suit the representation.
	Shape(height, width, channels int) ([]int, error)
}

// GraphRepresentation computes its features in the computation graph.
type GraphRepresentation interface {
	Representation
	// Features builds the representation of a batch of normalised images
	// [batch, height, width, channels] in the graph, as [batch, size of Shape], flattened in the
	// order of Shape. It is computed without gradient.
	Features(images *Node) *Node
}

// HostRepresentation computes its features in Go, one image at a time.
type HostRepresentation interface {
	Representation
	// Compute writes the features of one normalised image (height·width·channels values, HWC
	// order) into dst (the size of Shape), flattened in the order of Shape. It must be safe to
	// call from several goroutines at once.
	Compute(dst, image []float32, height, width, channels int)
}

// DatasetRepresentation computes the features of a whole data set at once instead of image by
// image: a teacher (a frozen network run over the data set in batches, or a precomputed table
// whose rows follow the data set's indices). Like a HostRepresentation of the original images,
// its features are computed once per data set, kept in the FeatureCache, and each training
// step gathers the rows of the batch's images by their data set indices.
type DatasetRepresentation interface {
	Representation
	// DatasetFeatures returns the [data.Len(), dim] features of data's original images, row i
	// for image i, row-major, or an error naming the file or setting that does not fit data.
	DatasetFeatures(backend compute.Backend, data *datasets.Dataset) ([]float32, error)
	// DiskCached reports whether the features are worth keeping in the on-disk cache (false for
	// a table that is itself read from a file).
	DiskCached() bool
}

// Rep is a representation as a loss term uses it: its computation (a GraphRepresentation,
// HostRepresentation or DatasetRepresentation) and the view it reads, the original image or a
// fresh augmentation of it. A Registry builds it from a name and parameters; it answers every
// question the trainer asks of a representation.
type Rep struct {
	name  string
	impl  Representation
	fresh bool
}

// original returns the representation impl computed on the original image.
func original(impl Representation) *Rep { return &Rep{name: impl.Name(), impl: impl} }

// onFreshView returns impl computed on a fresh augmentation of the original image instead of
// the image itself, under the given name: "augmented" is the image on a fresh view, "aug_std"
// the std filter, as the official full_img_augment and aug_std methods.
func onFreshView(name string, impl Representation) *Rep {
	return &Rep{name: name, impl: impl, fresh: true}
}

// Name is the term's name: the registry name of a fresh-view representation, its computation's
// name otherwise.
func (r *Rep) Name() string { return r.name }

// Shape is the computation's Shape.
func (r *Rep) Shape(height, width, channels int) ([]int, error) {
	return r.impl.Shape(height, width, channels)
}

// Dim returns the number of features for images of the given shape, or why they do not suit it.
func (r *Rep) Dim(height, width, channels int) (int, error) {
	return featureDim(r.impl, height, width, channels)
}

// featureDim returns the number of features rep computes for images of the given shape.
func featureDim(rep Representation, height, width, channels int) (int, error) {
	shape, err := rep.Shape(height, width, channels)
	if err != nil {
		return 0, err
	}
	d := 1
	for _, s := range shape {
		d *= s
	}
	return d, nil
}

// FreshView reports whether the representation is computed on a fresh augmented view.
func (r *Rep) FreshView() bool { return r.fresh }

// Graph returns the graph computation, if the representation has one.
func (r *Rep) Graph() (GraphRepresentation, bool) {
	g, ok := r.impl.(GraphRepresentation)
	return g, ok
}

// Host returns the image-by-image host computation, if the representation has one.
func (r *Rep) Host() (HostRepresentation, bool) {
	h, ok := r.impl.(HostRepresentation)
	return h, ok
}

// Dataset returns the whole-data-set computation, if the representation has one.
func (r *Rep) Dataset() (DatasetRepresentation, bool) {
	d, ok := r.impl.(DatasetRepresentation)
	return d, ok
}

// OnHost reports whether the features are computed outside the training graph (a
// HostRepresentation or a DatasetRepresentation) and fed to each step as an input.
func (r *Rep) OnHost() bool {
	_, host := r.Host()
	_, data := r.Dataset()
	return host || data
}

// Key identifies the representation with its parameters, for the feature cache: the name and
// the computation's fields (fmt's %+v prints field names, so moving a type between packages
// keeps its key; renaming a field does not).
func (r *Rep) Key() string { return key(r.name, r.impl) }

func key(name string, impl Representation) string { return fmt.Sprintf("%s %+v", name, impl) }

// Views holds the views of a batch as graph nodes, normalised, [batch, height, width, channels].
type Views struct {
	// Original is the original view x.
	Original *Node
	// Augmented is the augmented view x~ that the encoder maps to z~.
	Augmented *Node
	// Fresh is another augmentation of x, independent of x~, for representations computed
	// on a fresh view (the official code's self._transform(im_orig)); nil when none needs it.
	Fresh *Node
	// Precomputed holds the [batch, dim] features of representations computed on the host
	// (OnHost), by name.
	Precomputed map[string]*Node
}

// BatchFeatures returns the representation's [batch, dim] features for the batch: computed in
// the graph from the view it reads, or, for one computed on the host, the precomputed input the
// trainer fed.
func (r *Rep) BatchFeatures(views Views) *Node {
	if g, ok := r.Graph(); ok {
		input := views.Original
		if r.fresh {
			if views.Fresh == nil {
				exceptions.Panicf("reps: representation %q needs the fresh augmented view, which the batch lacks", r.name)
			}
			input = views.Fresh
		}
		return g.Features(input)
	}
	features, ok := views.Precomputed[r.name]
	if !ok {
		exceptions.Panicf("reps: host representation %q was not precomputed for the batch", r.name)
	}
	return features
}

// channelsFirst flattens images [batch, H, W, C] to [batch, C·H·W] in channel-first order, as
// the official code's im.flatten(1) of a (B, C, H, W) tensor.
func channelsFirst(images *Node) *Node {
	batch := images.Shape().Dim(0)
	if images.Shape().Dim(3) == 1 {
		return Reshape(images, batch, -1)
	}
	return Reshape(TransposeAllAxes(images, 0, 3, 1, 2), batch, -1)
}
