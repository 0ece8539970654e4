package nn

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
// the concatenation and the padding (k·k pads and k·k-1 additions of the input's size). For the
// 3×3 stride-2 convolutions (odd sizes padded to even) it is nine per-tap products scattered back
// by output parity (col2imK3S2); other strided convolutions keep the autodiff input gradient.
// Values and gradients equal the plain formulation's (TestIm2colGradientsMatchReference).
func im2colConv(x, weights *Node, kernel, stride, padding int) *Node {
	batch, height, width := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	if kernel == 3 && stride == 2 && padding == 1 && (height%2 != 0 || width%2 != 0) {
		// An odd size reads one zero row (column) at the end, as padding: computing on x
		// padded to even sizes gives the same output and the parity gradient below.
		x = padCrop(x, ScalarZero(x.Graph(), x.DType()), [2]int{}, [2]int{0, height % 2}, [2]int{0, width % 2})
		return im2colConv(x, weights, kernel, stride, padding)
	}
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
		// Or dW = (patchesᵀ)·v directly, transposing the patches: whichever moves less data
		// (the patches in first layers on few channels, k·k·Cin < Cout, and in the last layers
		// of a ResNet, where the [Cout, k·k·Cin] product is as large as the patches).
		var dw *Node
		rows, k, cout := patches.Shape().Dim(0), weights.Shape().Dim(0), weights.Shape().Dim(1)
		if rows*k < rows*cout+k*cout {
			dw = Dot(Transpose(patches, 0, 1), v).Product()
		} else {
			dw = Transpose(Dot(Transpose(v, 0, 1), patches).Product(), 0, 1)
		}
		var dx *Node // nil: autodiff
		switch {
		case stride == 1 && kernel > 1 && padding <= kernel-1:
			dx = transposedConvStride1(v, x, weights, kernel, padding)
		case kernel == 3 && stride == 2 && padding == 1 && height%2 == 0 && width%2 == 0:
			// Per-tap input gradients v·W_ijᵀ (nine products with the same work as the one
			// of the patch gradient), scattered back by output parity.
			cin, cout := x.Shape().Dim(3), weights.Shape().Dim(1)
			taps := Reshape(weights, 9, cin, cout)
			dx = col2imK3S2(func(i, j int) *Node {
				w := Reshape(Slice(taps, AxisElem(3*i+j)), cin, cout)
				g := DotGeneral(v, []int{1}, nil, w, []int{1}, nil) // [rows, Cin]
				return Reshape(g, batch, outH, outW, cin)
			})
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
