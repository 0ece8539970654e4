package reps

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// Projection parameters, accepted by every host representation: "project" = D maps its
// features to D dimensions with a fixed Gaussian random matrix (Johnson–Lindenstrauss),
// "project_seed" picks the matrix (default 1).
const (
	ParamProject     = "project"
	ParamProjectSeed = "project_seed"
)

// ProjectedRepresentation maps a host representation's features f (dim values) to D values
// f·R with R a dim×D matrix of independent N(0, 1/D) entries drawn from a generator seeded by
// Seed: pairwise distances, and so distance correlations, are kept up to a relative error of
// order 1/sqrt(D) (Johnson–Lindenstrauss). The projection runs when the features are computed,
// so the feature cache stores D values per image and each step gathers and correlates D
// columns instead of dim; projecting inside the graph instead would cost B·dim·D per step,
// more than the B²·dim it saves whenever D >= B.
type ProjectedRepresentation struct {
	Base HostRepresentation
	D    int
	Seed uint64

	matrices *sync.Map // dim → []float32 (dim×D)
}

// Name implements Representation: the base's name, so the loss term keeps its name.
func (r ProjectedRepresentation) Name() string { return r.Base.Name() }

// String identifies the representation with its parameters (the feature-cache key).
func (r ProjectedRepresentation) String() string {
	return fmt.Sprintf("%s→JL{D:%d seed:%d}", key(r.Base.Name(), r.Base), r.D, r.Seed)
}

// Shape implements Representation: (D).
func (r ProjectedRepresentation) Shape(height, width, channels int) ([]int, error) {
	if _, err := featureDim(r.Base, height, width, channels); err != nil {
		return nil, err
	}
	return []int{r.D}, nil
}

// matrix returns R for inputs of dim values, row-major dim×D.
func (r ProjectedRepresentation) matrix(dim int) []float32 {
	if m, ok := r.matrices.Load(dim); ok {
		return m.([]float32)
	}
	rng := rand.New(rand.NewPCG(r.Seed, uint64(dim)))
	m := make([]float32, dim*r.D)
	scale := 1 / math.Sqrt(float64(r.D))
	for i := range m {
		m[i] = float32(rng.NormFloat64() * scale)
	}
	actual, _ := r.matrices.LoadOrStore(dim, m)
	return actual.([]float32)
}

// Compute implements HostRepresentation.
func (r ProjectedRepresentation) Compute(dst, image []float32, height, width, channels int) {
	dim, err := featureDim(r.Base, height, width, channels)
	if err != nil {
		panic(fmt.Sprintf("reps: %v", err))
	}
	features := make([]float32, dim)
	r.Base.Compute(features, image, height, width, channels)
	r.Project(dst, features)
}

// Project writes features·R (D values) to dst, for features of the base representation.
func (r ProjectedRepresentation) Project(dst, features []float32) {
	m := r.matrix(len(features))
	clear(dst[:r.D])
	for i, f := range features {
		if f == 0 {
			continue
		}
		row := m[i*r.D : (i+1)*r.D]
		for k, v := range row {
			dst[k] += f * v
		}
	}
}

// withProjection creates the representation name with create, applying the generic projection
// parameters to it; params lose those keys before create sees them.
func withProjection(name string, params Params, create Factory) (Representation, error) {
	_, hasD := params[ParamProject]
	_, hasSeed := params[ParamProjectSeed]
	if !hasD && !hasSeed {
		return create(name, params)
	}
	rest := Params{}
	for k, v := range params {
		if k != ParamProject && k != ParamProjectSeed {
			rest[k] = v
		}
	}
	d, err := params.Int(name, ParamProject, 0, 1, 1<<20)
	if err != nil || !hasD {
		if err == nil {
			err = fmt.Errorf("representation %q: %s needs %s", name, ParamProjectSeed, ParamProject)
		}
		return nil, err
	}
	seed, err := params.Int(name, ParamProjectSeed, 1, 0, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	impl, err := create(name, rest)
	if err != nil {
		return nil, err
	}
	host, ok := impl.(HostRepresentation)
	if !ok {
		return nil, fmt.Errorf("representation %q: %s applies to host representations (computed once and cached); "+
			"%q is computed in the graph", name, ParamProject, name)
	}
	return ProjectedRepresentation{Base: host, D: d, Seed: uint64(seed), matrices: &sync.Map{}}, nil
}
