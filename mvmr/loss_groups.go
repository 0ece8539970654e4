package mvmr

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// GroupedComponents is Components computed on each of groups equal groups of the batch (rows
// g·batch/groups … (g+1)·batch/groups−1 of the views, z and z~) and averaged over the groups:
// the loss of the official multi-GPU training, where each of groups GPUs computes MSE, the
// variance hinge and every dCor on its own images and DDP averages the gradients (see
// ParallelConfig). groups ≤ 1 is Components.
func (l *Loss) GroupedComponents(views reps.Views, zOrig, zAug *Node, groups int) []*Node {
	if groups <= 1 {
		return l.Components(views, zOrig, zAug)
	}
	batch := zOrig.Shape().Dim(0)
	if batch%groups != 0 || batch/groups < 2 {
		exceptions.Panicf("mvmr.GroupedComponents: a batch of %d cannot be cut into %d equal groups of at least 2", batch, groups)
	}
	size := batch / groups
	var sums []*Node
	for k := range groups {
		rows := func(x *Node) *Node {
			if x == nil {
				return nil
			}
			return Slice(x, AxisRange(k*size, (k+1)*size))
		}
		part := reps.Views{Original: rows(views.Original), Augmented: rows(views.Augmented), Fresh: rows(views.Fresh)}
		if views.Precomputed != nil {
			part.Precomputed = make(map[string]*Node, len(views.Precomputed))
			for name, features := range views.Precomputed {
				part.Precomputed[name] = rows(features)
			}
		}
		components := l.Components(part, rows(zOrig), rows(zAug))
		if sums == nil {
			sums = components
			continue
		}
		for i, c := range components {
			sums[i] = Add(sums[i], c)
		}
	}
	for i := range sums {
		sums[i] = DivScalar(sums[i], float64(groups))
	}
	return sums
}
