package reps

import (
	"fmt"
	"math"
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
// augmented view), computed on the host:
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

// newHOG creates the "hog" representation ("aug_hog" on a fresh view) from its parameters.
func newHOG(name string, params Params) (Representation, error) {
	if err := params.Check(name, "nbins", "pool", "mode"); err != nil {
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
	return HOGRepresentation{Bins: bins, Pool: pool, Mode: mode}, nil
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

// Compute implements HostRepresentation, in float32 as the official layer runs: for each channel
// and each pixel of the pooled area, the Sobel responses, magnitude and bin position
// (phase/π·nbins, in that order), and the two votes added straight into the pooled histogram.
func (r HOGRepresentation) Compute(dst, image []float32, height, width, channels int) {
	bins, pool := r.Bins, r.Pool
	ph, pw := height/pool, width/pool
	clear(dst)
	inv := 1 / float32(pool*pool)
	at := func(i, j, ch int) float32 {
		if i < 0 || j < 0 || i >= height || j >= width {
			return 0
		}
		return image[(i*width+j)*channels+ch]
	}
	mod := func(v float32) int { return ((int(v) % bins) + bins) % bins }
	for ch := range channels {
		hist := dst[ch*bins*ph*pw : (ch+1)*bins*ph*pw]
		for i := range ph * pool {
			for j := range pw * pool {
				// Cross-correlation with [[1,0,-1],[2,0,-2],[1,0,-1]] and its transpose.
				gx := at(i-1, j-1, ch) - at(i-1, j+1, ch) + 2*at(i, j-1, ch) - 2*at(i, j+1, ch) + at(i+1, j-1, ch) - at(i+1, j+1, ch)
				gy := at(i-1, j-1, ch) + 2*at(i-1, j, ch) + at(i-1, j+1, ch) - at(i+1, j-1, ch) - 2*at(i+1, j, ch) - at(i+1, j+1, ch)
				magnitude := float32(math.Sqrt(float64(gx*gx + gy*gy)))
				position := float32(math.Atan2(float64(gx), float64(gy))) / float32(math.Pi) * float32(bins)
				lower := float32(math.Floor(float64(position)))
				upper := float32(math.Ceil(float64(position)))
				var lowerVote, upperVote float32
				if r.Mode == HOGInterpolated {
					f := position - lower
					lowerVote, upperVote = (1-f)*magnitude, f*magnitude
				} else {
					lowerVote, upperVote = magnitude, 1-magnitude
				}
				cell := (i/pool)*pw + j/pool
				hist[mod(lower)*ph*pw+cell] += lowerVote * inv
				hist[mod(upper)*ph*pw+cell] += upperVote * inv
			}
		}
	}
}
