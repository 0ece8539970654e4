package mvmr

import (
	"fmt"
	"math"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// HOG binning modes.
const (
	// HOGOfficial reproduces the official HOGLayer exactly: with p = phase/π·nbins, the gradient
	// magnitude is written into bin floor(p) mod nbins and 1 − magnitude added to bin
	// ceil(p) mod nbins (so a pixel whose p is an integer contributes exactly 1).
	HOGOfficial = "official"
	// HOGInterpolated splits the magnitude linearly between the two bins: (1 − f)·magnitude into
	// floor(p) and f·magnitude into ceil(p), with f = p − floor(p) — the usual HOG vote.
	HOGInterpolated = "interpolated"
)

// HOGRepresentation is a histogram of oriented gradients of each channel of the original image
// ("hog"; the official 'full_img_hog' with HOGLayer(nbins, pool); "aug_hog" on a fresh
// augmented view):
//
//  1. gx, gy: cross-correlation with the Sobel kernel [[1,0,−1],[2,0,−2],[1,0,−1]] and its
//     transpose, zero padding 1;
//  2. magnitude sqrt(gx²+gy²) and phase atan2(gx, gy) (HOGLayer's argument order), so bins
//     cover orientations over [−π, π] folded into nbins bins of width π/nbins;
//  3. binning by Mode (HOGOfficial by default);
//  4. average pooling pool×pool with stride pool, dropping incomplete windows (AvgPool2d with
//     ceil_mode=False).
//
// Features are flattened as the official (B, C·nbins, H/pool, W/pool) tensor: channel, bin, row,
// column.
//
// Agreement with the official HOGLayer (TestOfficialHOG, fixtures from the official code): equal
// to 1e-5 relative, except at pixels whose bin position is an exact boundary (gradients along an
// axis or a diagonal, frequent in digits): there the official split between bins follows the
// last bit of PyTorch's float32 atan2 (its CPU atan2 returns π/4 one ulp low, so 6.0 becomes
// 5.9999995 and floor ≠ ceil), which is platform-dependent; this implementation then behaves as
// exact arithmetic does for its own atan2, and both put the pixel's vote on the two bins around
// the boundary.
type HOGRepresentation struct {
	Bins, Pool int
	Mode       string
}

func init() {
	for _, name := range []string{"hog", "aug_hog"} {
		RegisterRepresentation(name, func(params Params) (Representation, error) {
			if err := params.check(name, "nbins", "pool", "mode"); err != nil {
				return nil, err
			}
			bins, err := params.Int(name, "nbins", 24, 1, 360)
			if err != nil {
				return nil, err
			}
			pool, err := params.Int(name, "pool", 8, 1, 1024)
			if err != nil {
				return nil, err
			}
			mode, err := params.Choice(name, "mode", HOGOfficial, HOGOfficial, HOGInterpolated)
			if err != nil {
				return nil, err
			}
			rep := HOGRepresentation{Bins: bins, Pool: pool, Mode: mode}
			if name == "aug_hog" {
				return OnFreshView(name, rep), nil
			}
			return rep, nil
		})
	}
}

// Name implements Representation.
func (HOGRepresentation) Name() string { return "hog" }

// Shape implements Representation: (C·nbins, H/pool, W/pool).
func (r HOGRepresentation) Shape(height, width, channels int) ([]int, error) {
	if height < r.Pool || width < r.Pool {
		return nil, fmt.Errorf("hog: pool %d is larger than the %dx%d image", r.Pool, height, width)
	}
	return []int{channels * r.Bins, height / r.Pool, width / r.Pool}, nil
}

// Features implements Representation: [batch, C·nbins·(H/pool)·(W/pool)].
func (r HOGRepresentation) Features(images *Node) *Node {
	x := StopGradient(images)
	batch, height, width, channels := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	if _, err := r.Shape(height, width, channels); err != nil {
		exceptions.Panicf("mvmr: %v", err)
	}
	hist := HOGHistogram(x, r.Bins, r.Mode) // [B, H, W, C, bins]
	// Average pooling pool×pool, stride pool, incomplete windows dropped.
	ph, pw := height/r.Pool, width/r.Pool
	hist = Slice(hist, AxisRange(), AxisRange(0, ph*r.Pool), AxisRange(0, pw*r.Pool))
	hist = Reshape(hist, batch, ph, r.Pool, pw, r.Pool, channels, r.Bins)
	pooled := ReduceMean(hist, 2, 4) // [B, ph, pw, C, bins]
	pooled = TransposeAllAxes(pooled, 0, 3, 4, 1, 2)
	return Reshape(pooled, batch, -1)
}

// HOGHistogram returns the per-pixel orientation votes of x ([batch, height, width, channels])
// as [batch, height, width, channels, bins], before pooling.
func HOGHistogram(x *Node, bins int, mode string) *Node {
	g := x.Graph()
	height, width := x.Shape().Dim(1), x.Shape().Dim(2)
	padded := Pad(x, ScalarZero(g, x.DType()),
		PadAxis{}, PadAxis{Start: 1, End: 1}, PadAxis{Start: 1, End: 1}, PadAxis{})
	at := func(di, dj int) *Node { // x[i+di-1, j+dj-1]
		return Slice(padded, AxisRange(), AxisRange(di, di+height), AxisRange(dj, dj+width), AxisRange())
	}
	sobel := [3][3]float64{{1, 0, -1}, {2, 0, -2}, {1, 0, -1}}
	var gx, gy *Node
	for a := range 3 {
		for b := range 3 {
			if w := sobel[a][b]; w != 0 { // the kernel
				gx = addTerm(gx, MulScalar(at(a, b), w))
			}
			if w := sobel[b][a]; w != 0 { // its transpose
				gy = addTerm(gy, MulScalar(at(a, b), w))
			}
		}
	}
	magnitude := Sqrt(Add(Square(gx), Square(gy)))
	// phase / max_angle · nbins, in this order as HOGLayer: gradients along an axis then land
	// exactly on integer positions (±nbins/2), where floor = ceil.
	position := MulScalar(DivScalar(Atan2(gx, gy), math.Pi), float64(bins))
	lower := Floor(position)
	upper := Ceil(position)
	full := append(append([]int(nil), x.Shape().Dimensions...), bins) // [B, H, W, C, bins]
	binIDs := Iota(g, shapeOf(x.DType(), full...), x.Rank())
	isBin := func(bin *Node) *Node {
		return ConvertDType(Equal(BroadcastToDims(ExpandAxes(bin, -1), full...), binIDs), x.DType())
	}
	isLower, isUpper := isBin(positiveMod(lower, bins)), isBin(positiveMod(upper, bins))
	mag := ExpandAxes(magnitude, -1)
	if mode == HOGInterpolated {
		frac := ExpandAxes(Sub(position, lower), -1)
		return Add(Mul(isLower, Mul(mag, OneMinus(frac))), Mul(isUpper, Mul(mag, frac)))
	}
	// Official: out.scatter_(1, floor, norm) then out.scatter_add_(1, ceil, 1 - norm).
	return Add(Mul(isLower, mag), Mul(isUpper, OneMinus(mag)))
}

// positiveMod returns x mod n in [0, n) for integer-valued x (Python's % semantics).
func positiveMod(x *Node, n int) *Node {
	return Sub(x, MulScalar(Floor(DivScalar(x, float64(n))), float64(n)))
}

func addTerm(sum, term *Node) *Node {
	if sum == nil {
		return term
	}
	return Add(sum, term)
}
