package nn

import (
	. "github.com/gomlx/gomlx/core/graph"
)

// col2imK3S2 scatters the per-tap gradients of a 3×3, stride-2, padding-1 window operation
// (convolution or max pool) back onto its input: taps(i, j) is the gradient reaching input
// position (2a+i-1, 2b+j-1) from output position (a, b), shaped [batch, outH, outW, C]; the
// input is [batch, 2·outH, 2·outW, C] (even sizes only). It is the adjoint of the strided im2col
// without its k·k strided slices, interior pads and additions of the input's size.
//
// It works one output-parity phase at a time: input row 2m receives only tap row 1 (from output
// row m); row 2m+1 receives tap row 2 from output row m and tap row 0 from output row m+1; the
// same holds for columns. So each of the four phases is a sum of one to four tap tensors, some
// shifted by one output position (one cropping Pad of the output's size), and the phases are
// interleaved by concatenations and reshapes (block copies).
func col2imK3S2(taps func(i, j int) *Node) *Node {
	next := shiftNext // result[m] = t[m+1], 0 at the end
	// Column combinations of tap row i: even input columns (tap column 1), odd ones (tap
	// column 2 plus tap column 0 of the next output column).
	evenCols := func(i int) *Node { return taps(i, 1) }
	oddCols := func(i int) *Node { return Add(taps(i, 2), next(taps(i, 0), 2)) }
	p00 := evenCols(1)
	p01 := oddCols(1)
	p10 := Add(evenCols(2), next(evenCols(0), 1))
	p11 := Add(oddCols(2), next(oddCols(0), 1))
	t := p00
	batch, outH, outW, c := t.Shape().Dim(0), t.Shape().Dim(1), t.Shape().Dim(2), t.Shape().Dim(3)
	row := func(even, odd *Node) *Node { // interleave columns: [batch, outH, 1, 2·outW, C]
		pair := Concatenate([]*Node{
			Reshape(even, batch, outH, outW, 1, c), Reshape(odd, batch, outH, outW, 1, c)}, 3)
		return Reshape(pair, batch, outH, 1, 2*outW, c)
	}
	rows := Concatenate([]*Node{row(p00, p01), row(p10, p11)}, 2) // [batch, outH, 2, 2·outW, C]
	return Reshape(rows, batch, 2*outH, 2*outW, c)
}
