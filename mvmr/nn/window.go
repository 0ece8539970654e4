package nn

import (
	. "github.com/gomlx/gomlx/core/graph"
)

// padCrop pads (positive edges, filled with fill) or crops (negative edges) each axis of x by
// edges[axis] = {start, end} (missing axes untouched), as one Pad. The pure-Go backend copies a Pad
// in contiguous runs of the untouched trailing axes (memmove), while its Slice copies element by
// element through an index odometer; so a crop written as a Pad with negative edges is the fast
// contiguous slice of that backend.
//
// GoMLX's autodiff of Pad assumes non-negative edges, so the Pad goes through
// InternalFusedOpCaller with a decomposed twin used only for the gradient (and as the value when
// GOMLX_FUSION=0): the zero padding with the positive edges, then a Slice with the negative ones,
// whose gradient is written here (withGradient) as the same padCrop with the edges negated (the
// adjoint: what was cropped gets a zero gradient, what was filled is dropped; fill gets none). The
// twin is never executed when the Pad is: nothing consumes it, and the backend drops dead code.
func padCrop(x, fill *Node, edges ...[2]int) *Node {
	// One PadAxis per axis: GoMLX's Pad gradient reads only the axes given.
	edges = append(edges, make([][2]int, x.Rank()-len(edges))...)
	config := make([]PadAxis, len(edges))
	positive := make([]PadAxis, len(edges))
	negated := make([][2]int, len(edges))
	for axis, e := range edges {
		config[axis] = PadAxis{Start: e[0], End: e[1]}
		positive[axis] = PadAxis{Start: max(e[0], 0), End: max(e[1], 0)}
		negated[axis] = [2]int{-e[0], -e[1]}
	}
	decomposed := func() *Node {
		return withGradient([]*Node{x}, func(in []*Node) *Node {
			padded := Pad(in[0], fill, positive...)
			specs := make([]SliceAxisSpec, x.Rank())
			for axis := range specs {
				start := max(-edges[axis][0], 0)
				end := padded.Shape().Dim(axis) - max(-edges[axis][1], 0)
				specs[axis] = AxisRange(start, end)
			}
			return Slice(padded, specs...)
		}, func(_, v *Node) []*Node {
			return []*Node{padCrop(v, ScalarZero(v.Graph(), v.DType()), negated...)}
		})
	}
	out, _ := InternalFusedOpCaller(func() *Node { return Pad(x, fill, config...) }, decomposed, true)
	return out
}

// tapWindow returns what tap (i, j) of a k×k window operation with the given stride and padding
// reads from x ([batch, H, W, C]): out[b, oh, ow, c] = x[b, stride·oh+i−padding,
// stride·ow+j−padding, c], fill outside x, shaped [batch, outH, outW, C].
//
// Stride 1 is one padCrop of x (the border padding folded into the crop), copied in runs of
// outW·C values. A larger stride first views x as [batch, H/s, s, W/s, s, C] (a reshape, after
// padding H and W up to multiples of s when they are not) and crops one phase of each s axis,
// copied in runs of C values. Neither uses the backend's element-by-element strided Slice.
func tapWindow(x, fill *Node, i, j, stride, padding, outH, outW int) *Node {
	batch, height, width, c := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	if stride == 1 {
		top, left := padding-i, padding-j
		return padCrop(x, fill, [2]int{}, [2]int{top, outH - height - top}, [2]int{left, outW - width - left})
	}
	// Pad H and W up to multiples of the stride (with fill: rows beyond x read as fill).
	hs, ws := (height+stride-1)/stride, (width+stride-1)/stride
	if hs*stride != height || ws*stride != width {
		x = padCrop(x, fill, [2]int{}, [2]int{0, hs*stride - height}, [2]int{0, ws*stride - width})
	}
	phases := Reshape(x, batch, hs, stride, ws, stride, c)
	// Input row stride·oh + r (r = i − padding) is block oh + ⌊r/s⌋, phase r mod s.
	axisEdges := func(r, blocks, out int) (block, phase [2]int) {
		p := ((r % stride) + stride) % stride
		off := (r - p) / stride
		return [2]int{-off, out - blocks + off}, [2]int{-p, -(stride - 1 - p)}
	}
	rowBlock, rowPhase := axisEdges(i-padding, hs, outH)
	colBlock, colPhase := axisEdges(j-padding, ws, outW)
	window := padCrop(phases, fill, [2]int{}, rowBlock, rowPhase, colBlock, colPhase)
	return Reshape(window, batch, outH, outW, c)
}

// shiftNext returns t shifted by one position along axis: result[m] = t[m+1], 0 at the end (one
// padCrop).
func shiftNext(t *Node, axis int) *Node {
	edges := make([][2]int, t.Rank())
	edges[axis] = [2]int{-1, 1}
	return padCrop(t, ScalarZero(t.Graph(), t.DType()), edges...)
}
