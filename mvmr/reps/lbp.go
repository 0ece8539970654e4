package reps

import (
	"fmt"
	"math/bits"
)

// LBPBins is the number of bins of a uniform LBP histogram with 8 neighbours: the 58 uniform
// codes (at most two 0/1 transitions around the circle) and one bin for all other codes.
const LBPBins = 59

// LBPRepresentation is a grid of uniform local binary pattern histograms of each channel
// ("lbp", beyond the paper; Ojala, Pietikäinen and Mäenpää 2002): every interior pixel gets the
// 8-bit code of its 3×3 neighbours (bit k set when neighbour k, clockwise from the top-left, is
// >= the centre), mapped to one of LBPBins bins; each cell of a Grid×Grid split of the image
// (the remainder rows and columns join the last cell) holds the normalised histogram of its
// pixels' bins. Features: (C, Grid·Grid, LBPBins), each histogram summing to 1. Border pixels,
// which lack a neighbour, are not counted.
type LBPRepresentation struct {
	Grid int
}

// newLBP creates the "lbp" representation from its parameters.
func newLBP(name string, params Params) (Representation, error) {
	if err := params.Check(name, "grid"); err != nil {
		return nil, err
	}
	grid, err := params.Int(name, "grid", 4, 1, 64)
	if err != nil {
		return nil, err
	}
	return LBPRepresentation{Grid: grid}, nil
}

// lbpBinOfCode maps the 256 codes to bins: uniform codes get 0..57 in increasing code order,
// the others bin 58.
var lbpBinOfCode = func() [256]uint8 {
	var table [256]uint8
	next := uint8(0)
	for code := range 256 {
		if LBPUniform(uint8(code)) {
			table[code] = next
			next++
		} else {
			table[code] = LBPBins - 1
		}
	}
	return table
}()

// LBPUniform reports whether an 8-bit circular pattern has at most two 0/1 transitions.
func LBPUniform(code uint8) bool {
	return bits.OnesCount8(code^bits.RotateLeft8(code, 1)) <= 2
}

// Name implements Representation.
func (LBPRepresentation) Name() string { return "lbp" }

// Shape implements Representation: (C, Grid², LBPBins).
func (r LBPRepresentation) Shape(height, width, channels int) ([]int, error) {
	if height < r.Grid+2 || width < r.Grid+2 {
		return nil, fmt.Errorf("lbp: a %dx%d grid of interior pixels does not fit %dx%d images", r.Grid, r.Grid, height, width)
	}
	return []int{channels, r.Grid * r.Grid, LBPBins}, nil
}

// Compute implements HostRepresentation.
func (r LBPRepresentation) Compute(dst, image []float32, height, width, channels int) {
	clear(dst)
	g := r.Grid
	// Interior pixels [1, height-1) × [1, width-1) split into g×g cells.
	ih, iw := height-2, width-2
	cellOf := func(i, n int) int { return min((i-1)*g/n, g-1) }
	counts := make([]int, g*g)
	for i := 1; i < height-1; i++ {
		for j := 1; j < width-1; j++ {
			counts[cellOf(i, ih)*g+cellOf(j, iw)]++
		}
	}
	offsets := [8][2]int{{-1, -1}, {-1, 0}, {-1, 1}, {0, 1}, {1, 1}, {1, 0}, {1, -1}, {0, -1}}
	for ch := range channels {
		hist := dst[ch*g*g*LBPBins : (ch+1)*g*g*LBPBins]
		at := func(i, j int) float32 { return image[(i*width+j)*channels+ch] }
		for i := 1; i < height-1; i++ {
			for j := 1; j < width-1; j++ {
				centre := at(i, j)
				var code uint8
				for k, o := range offsets {
					if at(i+o[0], j+o[1]) >= centre {
						code |= 1 << k
					}
				}
				cell := cellOf(i, ih)*g + cellOf(j, iw)
				hist[cell*LBPBins+int(lbpBinOfCode[code])]++
			}
		}
		for cell := range g * g {
			inv := 1 / float32(counts[cell])
			for b := range LBPBins {
				hist[cell*LBPBins+b] *= inv
			}
		}
	}
}
