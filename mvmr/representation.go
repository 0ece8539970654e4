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
type Representation interface {
	// Name is the registry name. It names the loss component "dcor/<name>" in History, metrics
	// and plot legends.
	Name() string
	// Shape returns the shape of one image's features, in the official code's channel-first
	// layout (for instance (C, H, W) for the image, (C·nbins, H/pool, W/pool) for HOG), or an
	// error saying why images of the given size do not suit the representation.
	Shape(height, width, channels int) ([]int, error)
	// Features builds the representation of a batch of normalised images
	// [batch, height, width, channels] in the graph, as [batch, size of Shape], flattened in the
	// order of Shape. It is computed without gradient.
	Features(images *Node) *Node
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
}

// OnFreshView returns rep computed on a fresh augmentation of the original image instead of
// the image itself, under the given name: "augmented" is the image on a fresh view, "aug_std"
// the std filter, as the official full_img_augment and aug_std methods.
func OnFreshView(name string, rep Representation) Representation {
	return freshViewRepresentation{name: name, Representation: rep}
}

type freshViewRepresentation struct {
	name string
	Representation
}

func (r freshViewRepresentation) Name() string { return r.name }

// UsesFreshView reports whether rep is computed on Views.Fresh.
func UsesFreshView(rep Representation) bool {
	_, ok := rep.(freshViewRepresentation)
	return ok
}

// inputView returns the view rep is computed from.
func inputView(rep Representation, views Views) *Node {
	if UsesFreshView(rep) {
		if views.Fresh == nil {
			exceptions.Panicf("mvmr: representation %q needs the fresh augmented view, which the batch lacks", rep.Name())
		}
		return views.Fresh
	}
	return views.Original
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
	return factory(params)
}
