package datasets

import (
	"slices"
	"testing"
)

func TestGridSamplesHistogramAndCaptions(t *testing.T) {
	d := colourDataset(25, 8) // labels i % 10
	d.ClassNames = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	if h := d.Histogram(); !slices.Equal(h, []int{3, 3, 3, 3, 3, 2, 2, 2, 2, 2}) {
		t.Errorf("histogram %v", h)
	}
	idx := d.SampleIndices(2)
	if len(idx) != 20 || !slices.Equal(idx[:4], []int{0, 10, 1, 11}) {
		t.Errorf("samples %v; want two per class, grouped by class", idx)
	}
	img := GridImage(d, idx[:4], 2)
	// 8-px images are enlarged 8 times to 64-px cells.
	if b := img.Bounds(); b.Dx() != 2*(64+gridGap)+gridGap || b.Dy() != 2*(64+GridLabelHeight+gridGap)+gridGap {
		t.Fatalf("grid size %v", b)
	}
	// Cell 1 (row 0, column 1) is image 10; its pixel (y=3, x=5) covers 8×8 grid pixels.
	x0, y0 := gridGap+64+gridGap, gridGap
	src := d.Image(10)[(3*8+5)*3:]
	for _, off := range [][2]int{{0, 0}, {7, 7}} {
		c := img.RGBAAt(x0+5*8+off[0], y0+3*8+off[1])
		if c.R != src[0] || c.G != src[1] || c.B != src[2] {
			t.Errorf("grid pixel %v; want %v", c, src[:3])
		}
	}
	dark := func(g int) int { // dark pixels in the caption strip of cell g
		n := 0
		cx, cy := gridGap+(g%2)*(64+gridGap), gridGap+(g/2)*(64+GridLabelHeight+gridGap)+64
		for y := cy; y < cy+GridLabelHeight; y++ {
			for x := cx; x < cx+64; x++ {
				if img.RGBAAt(x, y).R < 128 {
					n++
				}
			}
		}
		return n
	}
	if dark(0) == 0 || dark(3) == 0 {
		t.Error("labelled grid has no caption text")
	}
	d.Unlabeled = true
	img = GridImage(d, idx[:4], 2)
	if dark(0) != 0 {
		t.Error("unlabeled grid has captions")
	}
}
