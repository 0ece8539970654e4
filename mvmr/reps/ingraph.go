package reps

import (
	. "github.com/gomlx/gomlx/core/graph"
)

// GraphCapable is a host representation that can also compute exactly its features in the
// graph (HOGRepresentation): on an accelerator the step then computes them itself instead of
// waiting for the host. The trainer keeps such a representation on the host unless the config's
// graph_representations asks for the graph (mvmr.Config.GraphRepresentations).
type GraphCapable interface {
	HostRepresentation
	// GraphFeatures computes Compute's features of a batch [batch, height, width, channels]
	// in the graph, as [batch, size of Shape], without gradient.
	GraphFeatures(images *Node) *Node
}

// inGraph presents a GraphCapable representation as a GraphRepresentation only, so that the
// trainer computes it in the step.
type inGraph struct{ rep GraphCapable }

func (g inGraph) Name() string { return g.rep.Name() }

func (g inGraph) Shape(height, width, channels int) ([]int, error) {
	return g.rep.Shape(height, width, channels)
}

func (g inGraph) Features(images *Node) *Node { return g.rep.GraphFeatures(images) }

// CanRunInGraph reports whether the representation, computed on the host, has an exact graph
// form (GraphCapable).
func (r *Rep) CanRunInGraph() bool {
	_, ok := r.impl.(GraphCapable)
	return ok
}

// RunInGraph makes the representation compute its features in the training step's graph
// (Graph, BatchFeatures from the views) instead of on the host, and reports whether it could:
// false, and unchanged, unless CanRunInGraph.
func (r *Rep) RunInGraph() bool {
	g, ok := r.impl.(GraphCapable)
	if ok {
		r.impl = inGraph{g}
	}
	return ok
}
