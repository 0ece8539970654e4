package mvmr

import (
	. "github.com/gomlx/gomlx/core/graph"
)

// im2colProduct returns patches·weights ([rows, k·k·Cin] · [k·k·Cin, Cout] → [rows, Cout]), the
// matrix product of an im2col convolution, with hand-written gradients that suit the pure-Go
// backend's matrix-product kernels. x is the convolution's input (NHWC) and must be the node the
// patches were built from through the identity this function returns first: callers build
//
//	xIn, product := newIm2colProduct(x, weights, kernel, stride, padding)
//	patches := Im2Col(xIn, ...)
//	out := product(patches)
//
// Why: GoMLX differentiates DotGeneral generically. For the weight gradient patchesᵀ·v it
// contracts the leading (row) axis of both operands, a layout the pure-Go matmul kernels do not
// take, so the backend transposes both operands first — among them the patch matrix, k·k times
// the size of the activations. Here the weight gradient is (vᵀ·patches)ᵀ, which transposes only
// v (Cout wide) and feeds patches to the kernel as it is. And for stride 1 the input gradient is
// the convolution of v with the spatially flipped, transposed kernel (the transposed
// convolution), one more im2col and matrix product, instead of back-propagating through the
// k·k strided slices, the concatenation and the padding (k·k pads and k·k-1 additions of the
// input's size). Strided convolutions keep the autodiff input gradient (their transposed
// convolution needs a dilated v, k·k·stride² times the work).
//
// How: GoMLX only offers custom gradients on identities (IdentityWithCustomGradient). The
// product's output goes through an identity whose gradient function records v (the gradient with
// respect to the output) and passes it on; the weights and x go through identities whose
// gradient functions return the hand-written gradients from the recorded v, ignoring the autodiff
// ones (which become dead code and are never executed). Back-propagation visits nodes in reverse
// creation order, so the output identity (created last) always runs before the two input ones.
// The values and gradients equal the plain formulation's (TestIm2colGradientsMatchReference).
func newIm2colProduct(x, weights *Node, kernel, stride, padding int) (xIn *Node, product func(patches *Node) *Node) {
	var v *Node // gradient w.r.t. the product [rows, Cout], recorded during back-propagation
	xIn = x
	if stride == 1 && kernel > 1 && padding <= kernel-1 {
		xIn = IdentityWithCustomGradient(x, func(_, autodiff *Node) *Node {
			if v == nil {
				return autodiff
			}
			return transposedConvStride1(v, x, weights, kernel, padding)
		})
	}
	var patches *Node
	wIn := IdentityWithCustomGradient(weights, func(_, autodiff *Node) *Node {
		if v == nil {
			return autodiff
		}
		// dW = patchesᵀ·v = (vᵀ·patches)ᵀ: [Cout, rows]·[rows, k·k·Cin] is the kernels' plain
		// row-major layout; the final transpose is of the small kernel.
		return Transpose(Dot(Transpose(v, 0, 1), patches).Product(), 0, 1)
	})
	return xIn, func(p *Node) *Node {
		patches = p
		out := Dot(p, wIn).Product()
		return IdentityWithCustomGradient(out, func(_, grad *Node) *Node {
			v = grad
			return grad
		})
	}
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
