package mvmr

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	. "github.com/gomlx/gomlx/core/graph"
)

// Representation is a non-learnable representation z*_k of the original image, the target of
// one L3 term dCor(z*_k, z~). Implementations are small: one file per representation, plus one
// RegisterRepresentation call; the trainer never needs to change to add one.
type Representation interface {
	// Name is the registry name. It names the loss component "dcor/<name>" in History, metrics
	// and plot legends.
	Name() string
	// Features builds the representation of a batch in the graph: views.Original is the
	// normalised original view [batch, height, width, channels]; the result is [batch, features].
	// It is computed without gradient.
	Features(views Views) *Node
}

// Views holds the two views of a batch as graph nodes, normalised, [batch, height, width, channels].
type Views struct {
	// Original is the original view x.
	Original *Node
	// Augmented is the augmented view x~ that the encoder maps to z~.
	Augmented *Node
}

// RepresentationFactory creates a representation from its parameters (the "params" of its
// RepresentationTerm; nil when none are given). It returns an error naming a bad parameter.
type RepresentationFactory func(params map[string]float64) (Representation, error)

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
func NewRepresentation(name string, params map[string]float64) (Representation, error) {
	registryMu.RLock()
	factory, ok := representations[name]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown representation %q; registered: %s", name, strings.Join(RepresentationNames(), ", "))
	}
	return factory(params)
}

// checkParams returns an error if params holds a key not in allowed.
func checkParams(representation string, params map[string]float64, allowed ...string) error {
	for key := range params {
		if !slices.Contains(allowed, key) {
			if len(allowed) == 0 {
				return fmt.Errorf("representation %q takes no parameters, got %q", representation, key)
			}
			return fmt.Errorf("representation %q: unknown parameter %q; expected one of %s",
				representation, key, strings.Join(allowed, ", "))
		}
	}
	return nil
}
