package nn

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// Non-trainable state (BatchNorm running statistics) is updated through a per-graph collector,
// so that a training step can commit the updates only when its loss is finite: a step that
// produced NaN or Inf leaves every variable as it was.

const stateUpdatesParam = "/mvmr_state_updates"

type stateUpdates struct {
	order  []*model.Variable
	latest map[*model.Variable]*Node
}

// DeferStateUpdates makes the state updates of graph g wait for CommitStateUpdates.
func DeferStateUpdates(g *Graph) {
	model.SetGraphParam(g, stateUpdatesParam, &stateUpdates{latest: map[*model.Variable]*Node{}})
}

func getStateUpdates(g *Graph) *stateUpdates {
	v, found := model.GetGraphParam(g, stateUpdatesParam)
	if !found || v == nil {
		return nil
	}
	u, _ := v.(*stateUpdates)
	return u
}

// StateValue returns v's current value in g, including deferred updates.
func StateValue(v *model.Variable, g *Graph) *Node {
	if u := getStateUpdates(g); u != nil {
		if n, ok := u.latest[v]; ok {
			return n
		}
	}
	return v.NodeValue(g)
}

// setState sets v's new value in g, deferred if DeferStateUpdates was called.
func setState(v *model.Variable, value *Node) {
	g := value.Graph()
	u := getStateUpdates(g)
	if u == nil {
		v.SetNodeValue(value)
		return
	}
	if _, ok := u.latest[v]; !ok {
		u.order = append(u.order, v)
	}
	u.latest[v] = value
}

// CommitStateUpdates applies the deferred updates of g where apply (a boolean scalar) is true.
func CommitStateUpdates(g *Graph, apply *Node) {
	u := getStateUpdates(g)
	if u == nil {
		return
	}
	for _, v := range u.order {
		v.SetNodeValue(Where(apply, u.latest[v], v.NodeValue(g)))
	}
	model.SetGraphParam(g, stateUpdatesParam, nil)
}
