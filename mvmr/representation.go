package mvmr

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Representation is a non-learnable representation z*_k of an image, the target of one L3 term
// dCor(z*_k, z~). Implementations are small: one file per representation, plus one
// RegisterRepresentation call; the trainer never needs to change to add one.
//
// A representation computes its features either in the graph (GraphRepresentation: cheap
// element-wise work on the batch) or in Go on the host, image by image (HostRepresentation:
// FFTs, histograms). The trainer computes host representations of the original images once per
// data set, on all cores, and caches them (see FeatureCache); those of a fresh augmented view it
// computes batch by batch in the background while the previous step trains.
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

// RepresentationDim returns the number of features rep computes for images of the given shape.
func RepresentationDim(rep Representation, height, width, channels int) (int, error) {
	shape, err := rep.Shape(height, width, channels)
	if err != nil {
		return 0, err
	}
	dim := 1
	for _, d := range shape {
		dim *= d
	}
	return dim, nil
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

// Views holds the views of a batch as graph nodes, normalised, [batch, height, width, channels].
type Views struct {
	// Original is the original view x.
	Original *Node
	// Augmented is the augmented view x~ that the encoder maps to z~.
	Augmented *Node
	// Fresh is another augmentation of x, independent of x~, for representations registered
	// with OnFreshView (the official code's self._transform(im_orig)); nil when none needs it.
	Fresh *Node
	// Precomputed holds the [batch, dim] features of host representations, by name.
	Precomputed map[string]*Node
}

// OnFreshView returns rep computed on a fresh augmentation of the original image instead of
// the image itself, under the given name: "augmented" is the image on a fresh view, "aug_std"
// the std filter, as the official full_img_augment and aug_std methods.
func OnFreshView(name string, rep Representation) Representation {
	return freshViewRepresentation{name: name, base: rep}
}

type freshViewRepresentation struct {
	name string
	base Representation
}

func (r freshViewRepresentation) Name() string { return r.name }

func (r freshViewRepresentation) Shape(height, width, channels int) ([]int, error) {
	return r.base.Shape(height, width, channels)
}

// baseOf returns the representation that rep computes (itself, or the one it computes on the
// fresh view).
func baseOf(rep Representation) Representation {
	if f, ok := rep.(freshViewRepresentation); ok {
		return f.base
	}
	return rep
}

// AsGraph returns rep's graph computation, if it has one.
func AsGraph(rep Representation) (GraphRepresentation, bool) {
	g, ok := baseOf(rep).(GraphRepresentation)
	return g, ok
}

// AsHost returns rep's host computation, if it has one.
func AsHost(rep Representation) (HostRepresentation, bool) {
	h, ok := baseOf(rep).(HostRepresentation)
	return h, ok
}

// UsesFreshView reports whether rep is computed on the fresh augmented view.
func UsesFreshView(rep Representation) bool {
	_, ok := rep.(freshViewRepresentation)
	return ok
}

// representationFeatures returns rep's features for the batch: computed in the graph from the
// view it reads, or, for a host representation, the precomputed input the trainer fed.
func representationFeatures(rep Representation, views Views) *Node {
	if g, ok := AsGraph(rep); ok {
		input := views.Original
		if UsesFreshView(rep) {
			if views.Fresh == nil {
				exceptions.Panicf("mvmr: representation %q needs the fresh augmented view, which the batch lacks", rep.Name())
			}
			input = views.Fresh
		}
		return g.Features(input)
	}
	features, ok := views.Precomputed[rep.Name()]
	if !ok {
		exceptions.Panicf("mvmr: host representation %q was not precomputed for the batch", rep.Name())
	}
	return features
}

// RepresentationFactory creates a representation from its parameters (the "params" of its
// RepresentationTerm; nil when none are given). It returns an error naming a bad parameter.
type RepresentationFactory func(params Params) (Representation, error)

var (
	registryMu      sync.RWMutex
	representations = map[string]RepresentationFactory{}
)

// RegisterRepresentation adds a representation to the registry under name. It panics on an
// empty or duplicate name: registration happens in init functions, where that is a programming
// error.
func RegisterRepresentation(name string, factory RepresentationFactory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if name == "" || strings.ContainsAny(name, " /") {
		panic(fmt.Sprintf("mvmr.RegisterRepresentation: invalid name %q", name))
	}
	if _, dup := representations[name]; dup {
		panic(fmt.Sprintf("mvmr.RegisterRepresentation: %q registered twice", name))
	}
	representations[name] = factory
}

// RepresentationNames lists the registered representations, sorted.
func RepresentationNames() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(representations))
	for name := range representations {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// NewRepresentation creates the registered representation name with the given parameters.
func NewRepresentation(name string, params Params) (Representation, error) {
	registryMu.RLock()
	factory, ok := representations[name]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown representation %q; registered: %s", name, strings.Join(RepresentationNames(), ", "))
	}
	return withProjection(name, params, factory)
}
