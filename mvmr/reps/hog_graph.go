package reps

import (
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
)

// GraphFeatures computes HOGRepresentation in the graph: the same features as Compute (both
// modes) for a batch of images [batch, height, width, channels], as [batch, C·nbins·(H/pool)·
// (W/pool)] in Compute's order, without gradient. It is what an XLA backend would run on the
// accelerator instead of waiting for the host.
//
// Each step follows Compute's arithmetic so that bin choices agree exactly on the pure-Go
// backend: the Sobel responses are sums of zero-padded shifted slices in float32, the magnitude
// a float32 Sqrt (correctly rounded, as float32(math.Sqrt) is), the phase Atan2 in float64
// rounded to float32 (Compute calls math.Atan2), then ·(1/π)·nbins in float32, Floor and Ceil;
// the votes go to their bins through a one-hot of floor mod nbins and ceil mod nbins, and
// pool×pool windows are averaged by a reshape and a sum. Only the summation order of the
// pooled votes differs from Compute (float32 rounding, TestHOGGraphMatchesHost).
//
// HOGRepresentation deliberately does not implement GraphRepresentation through this method:
// that would move "hog" into the graph on every backend, the pure-Go one included, where the
// host path is faster (BenchmarkHOGHostVsGraph).
func (r HOGRepresentation) GraphFeatures(images *Node) *Node {
	images = StopGradient(images)
	shape := images.Shape()
	batch, height, width, channels := shape.Dim(0), shape.Dim(1), shape.Dim(2), shape.Dim(3)
	bins, pool := r.Bins, r.Pool
	ph, pw := height/pool, width/pool
	hh, ww := ph*pool, pw*pool // the pooled area; Compute drops the rest
	zero := ScalarZero(images.Graph(), images.DType())
	padded := Pad(images, zero, compute.PadAxis{}, compute.PadAxis{Start: 1, End: 1}, compute.PadAxis{Start: 1, End: 1})
	// at(di, dj) is the image shifted by (di, dj) ∈ {−1, 0, 1}², over the pooled area.
	at := func(di, dj int) *Node {
		return Slice(padded, AxisRange(), AxisRange(1+di, 1+di+hh), AxisRange(1+dj, 1+dj+ww), AxisRange())
	}
	two := func(x *Node) *Node { return MulScalar(x, 2) }
	// Cross-correlation with [[1,0,-1],[2,0,-2],[1,0,-1]] and its transpose, in Compute's order.
	gx := Sub(Add(Sub(Add(Sub(at(-1, -1), at(-1, 1)), two(at(0, -1))), two(at(0, 1))), at(1, -1)), at(1, 1))
	gy := Sub(Sub(Sub(Add(Add(at(-1, -1), two(at(-1, 0))), at(-1, 1)), at(1, -1)), two(at(1, 0))), at(1, 1))
	magnitude := Sqrt(Add(Mul(gx, gx), Mul(gy, gy)))
	phase := ConvertDType(Atan2(ConvertDType(gx, dtypes.Float64), ConvertDType(gy, dtypes.Float64)), images.DType())
	position := MulScalar(DivScalar(phase, float32(math.Pi)), float32(bins))
	lower, upper := Floor(position), Ceil(position)
	var lowerVote, upperVote *Node
	if r.Mode == HOGInterpolated {
		f := Sub(position, lower)
		lowerVote, upperVote = Mul(OneMinus(f), magnitude), Mul(f, magnitude)
	} else {
		lowerVote, upperVote = magnitude, OneMinus(magnitude)
	}
	binOf := func(v *Node) *Node { // ((int(v) mod bins) + bins) mod bins, as a one-hot [..., bins]
		i := ConvertDType(v, dtypes.Int32)
		i = ModScalar(AddScalar(ModScalar(i, int32(bins)), int32(bins)), int32(bins))
		return OneHot(i, bins, images.DType())
	}
	votes := Add(Mul(InsertAxes(lowerVote, -1), binOf(lower)), Mul(InsertAxes(upperVote, -1), binOf(upper)))
	// [B, hh, ww, C, bins] → windows [B, ph, pool, pw, pool, C, bins] → averaged [B, ph, pw, C, bins].
	votes = Reshape(votes, batch, ph, pool, pw, pool, channels, bins)
	hist := MulScalar(ReduceSum(votes, 2, 4), 1/float32(pool*pool))
	// Compute's layout: channel, bin, row, column.
	return Reshape(TransposeAllAxes(hist, 0, 3, 4, 1, 2), batch, -1)
}
