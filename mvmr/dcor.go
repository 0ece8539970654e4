package mvmr

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// DistanceClamp is the floor applied to squared pairwise distances before their square root, as
// in the official code (torch.clamp(d, min=1e-4)). It keeps the square root's gradient finite
// on the diagonal (and for identical samples); those clamped entries get no gradient.
const DistanceClamp = 1e-4

// PairwiseDistances returns the [n, n] matrix of Euclidean distances between the rows of x
// ([n, d]), computed as the official DistanceCorrelation.pairwise_dist does:
// r_i - 2 x_i·x_j + r_j with r_i = |x_i|², clamped at DistanceClamp, then square-rooted.
func PairwiseDistances(x *Node) *Node {
	if x.Rank() != 2 {
		exceptions.Panicf("mvmr.PairwiseDistances: x must be [n, d], got %s", x.Shape())
	}
	r := ReduceSum(Square(x), 1)                            // [n]
	gram := Dot(x, x).General([]int{1}, nil, []int{1}, nil) // [n, n] = x xᵀ
	d := Add(Sub(ExpandAxes(r, 1), MulScalar(gram, 2)), ExpandAxes(r, 0))
	d = MaxScalar(d, DistanceClamp)
	return Sqrt(d)
}

// DoubleCentre returns A = a - mean(a, 1) - mean(a, 0)ᵀ + mean(a), broadcast exactly as the
// official code writes it: the row means (torch.mean(a, 1), shape [n]) are subtracted along the
// last axis and the column means (unsqueezed to [n, 1]) along the first.
func DoubleCentre(a *Node) *Node {
	rowMeans := ReduceMean(a, 1) // [n]
	colMeans := ReduceMean(a, 0) // [n]
	centred := Sub(a, ExpandAxes(rowMeans, 0))
	centred = Sub(centred, ExpandAxes(colMeans, 1))
	return Add(centred, ReduceAllMean(a))
}

// DistanceCorrelation returns the sample distance correlation between the rows of x ([n, dx])
// and y ([n, dy]) as a scalar, with the official formula:
//
//	a, b = PairwiseDistances(x), PairwiseDistances(y)
//	A, B = DoubleCentre(a), DoubleCentre(b)
//	dCov(x, y) = sqrt(mean(A∘B) / n²), dVar(x) = sqrt(mean(A∘A) / n²)
//	dCor(x, y) = dCov(x, y) / sqrt(dVar(x) · dVar(y))
//
// It is differentiable with respect to both inputs. Like the official code it is not defined when
// mean(A∘B) < 0, which only happens through rounding for nearly independent samples.
func DistanceCorrelation(x, y *Node) *Node {
	if x.Rank() != 2 || y.Rank() != 2 || x.Shape().Dim(0) != y.Shape().Dim(0) {
		exceptions.Panicf("mvmr.DistanceCorrelation: x and y must be [n, dx] and [n, dy], got %s and %s",
			x.Shape(), y.Shape())
	}
	if x.DType() != y.DType() {
		y = ConvertDType(y, x.DType())
	}
	n := float64(x.Shape().Dim(0))
	a := DoubleCentre(PairwiseDistances(x))
	b := DoubleCentre(PairwiseDistances(y))
	invN2 := 1 / (n * n)
	dCovXY := Sqrt(MulScalar(ReduceAllMean(Mul(a, b)), invN2))
	dVarXX := Sqrt(MulScalar(ReduceAllMean(Mul(a, a)), invN2))
	dVarYY := Sqrt(MulScalar(ReduceAllMean(Mul(b, b)), invN2))
	return Div(dCovXY, Sqrt(Mul(dVarXX, dVarYY)))
}
