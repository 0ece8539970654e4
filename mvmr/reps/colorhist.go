package reps

import "fmt"

// ColorHistRange is the span of normalised intensities (z-scores) the colour histograms cover:
// bins split [−ColorHistRange, +ColorHistRange] evenly and values outside fall into the edge bins.
const ColorHistRange = 2.5

// ColorHistRepresentation is a grid of per-channel intensity histograms ("colorhist", beyond
// the paper): each cell of a Grid×Grid split of the image (remainders join the last cell) holds,
// for every channel, the normalised histogram (summing to 1) of its pixels' normalised values in
// Bins bins over [−ColorHistRange, ColorHistRange]. Features: (C, Grid², Bins). Representations
// see normalised images, so histograms are of z-scores; an HSV variant needs raw RGB and is not
// offered.
type ColorHistRepresentation struct {
	Bins, Grid int
}

// newColorHist creates the "colorhist" representation from its parameters.
func newColorHist(name string, params Params) (Representation, error) {
	if err := params.Check(name, "bins", "grid"); err != nil {
		return nil, err
	}
	bins, err := params.Int(name, "bins", 16, 2, 256)
	if err != nil {
		return nil, err
	}
	grid, err := params.Int(name, "grid", 2, 1, 64)
	if err != nil {
		return nil, err
	}
	return ColorHistRepresentation{Bins: bins, Grid: grid}, nil
}

// Name implements Representation.
func (ColorHistRepresentation) Name() string { return "colorhist" }

// Shape implements Representation: (C, Grid², Bins).
func (r ColorHistRepresentation) Shape(height, width, channels int) ([]int, error) {
	if height < r.Grid || width < r.Grid {
		return nil, fmt.Errorf("colorhist: a %dx%d grid does not fit %dx%d images", r.Grid, r.Grid, height, width)
	}
	return []int{channels, r.Grid * r.Grid, r.Bins}, nil
}

// Compute implements HostRepresentation.
func (r ColorHistRepresentation) Compute(dst, image []float32, height, width, channels int) {
	clear(dst)
	g := r.Grid
	cellOf := func(i, n int) int { return min(i*g/n, g-1) }
	counts := make([]int, g*g)
	for i := range height {
		for j := range width {
			counts[cellOf(i, height)*g+cellOf(j, width)]++
		}
	}
	scale := float32(r.Bins) / (2 * ColorHistRange)
	for i := range height {
		for j := range width {
			cell := cellOf(i, height)*g + cellOf(j, width)
			for ch := range channels {
				v := image[(i*width+j)*channels+ch]
				bin := int((v + ColorHistRange) * scale)
				bin = min(max(bin, 0), r.Bins-1)
				dst[(ch*g*g+cell)*r.Bins+bin]++
			}
		}
	}
	for ch := range channels {
		for cell := range g * g {
			inv := 1 / float32(counts[cell])
			for b := range r.Bins {
				dst[(ch*g*g+cell)*r.Bins+b] *= inv
			}
		}
	}
}
