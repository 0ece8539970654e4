package mvmr

import (
	. "github.com/gomlx/gomlx/core/graph"
)

// im2colConv returns the im2col convolution of x ([batch, H, W, Cin]) as the matrix product
// patches·weights ([batch·outH·outW, k·k·Cin] · [k·k·Cin, Cout] → [batch·outH·outW, Cout]), with
// hand-written gradients (withGradient) that suit the pure-Go backend's matrix-product kernels.
//
// GoMLX differentiates DotGeneral generically. For the weight gradient patchesᵀ·v it contracts
// the leading (row) axis of both operands, a layout the pure-Go matmul kernels do not take, so the
// backend transposes both operands first — among them the patch matrix, k·k times the size of
// the activations. Here the weight gradient is (vᵀ·patches)ᵀ, which transposes only v (Cout wide)
// and feeds the patches to the kernel as they are. For stride 1 the input gradient is the
// convolution of v with the spatially flipped, transposed kernel (the transposed convolution):
// one more im2col and matrix product instead of back-propagating through the k·k strided slices,
// the concatenation and the padding (k·k pads and k·k-1 additions of the input's size). Strided
// convolutions keep the autodiff input gradient (their transposed convolution needs a dilated v,
// stride² times the work). Values and gradients equal the plain formulation's
// (TestIm2colGradientsMatchReference).
func im2colConv(x, weights *Node, kernel, stride, padding int) *Node {
	batch, height, width := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	outH := (height+2*padding-kernel)/stride + 1
	outW := (width+2*padding-kernel)/stride + 1
	var patches *Node
	return withGradient([]*Node{x, weights}, func(in []*Node) *Node {
		patches = Im2Col(in[0], kernel, stride, padding) // [batch, outH, outW, k·k·Cin]
		patches = Reshape(patches, batch*outH*outW, weights.Shape().Dim(0))
		return Dot(patches, in[1]).Product()
	}, func(_, v *Node) []*Node {
		// dW = patchesᵀ·v = (vᵀ·patches)ᵀ: [Cout, rows]·[rows, k·k·Cin] is the kernels' plain
		// row-major layout; the final transpose is of the small kernel.
		dw := Transpose(Dot(Transpose(v, 0, 1), patches).Product(), 0, 1)
		var dx *Node // nil: autodiff
		if stride == 1 && kernel > 1 && padding <= kernel-1 {
			dx = transposedConvStride1(v, x, weights, kernel, padding)
		}
		return []*Node{dx, dw}
	})
}

// transposedConvStride1 is the gradient with respect to x ([batch, H, W, Cin]) of a stride-1
// k×k convolution with the given zero padding, whose product gradient is v ([batch·outH·outW,
// Cout]): the convolution of v (as an NHWC map) with padding k-1-padding and the kernel flipped
// in both spatial axes, input and output channels swapped.
func transposedConvStride1(v, x, weights *Node, kernel, padding int) *Node {
	batch, height, width, cin := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	cout := weights.Shape().Dim(1)
	outH, outW := height+2*padding-kernel+1, width+2*padding-kernel+1
	flipped := Reverse(Reshape(weights, kernel, kernel, cin, cout), 0, 1)
	flipped = Reshape(TransposeAllAxes(flipped, 0, 1, 3, 2), kernel*kernel*cout, cin)
	vPatches := Im2Col(Reshape(v, batch, outH, outW, cout), kernel, 1, kernel-1-padding) // [batch, H, W, k·k·Cout]
	dx := Dot(Reshape(vPatches, batch*height*width, kernel*kernel*cout), flipped).Product()
	return Reshape(dx, batch, height, width, cin)
}
