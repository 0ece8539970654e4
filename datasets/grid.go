package datasets

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Grid layout constants: images are enlarged by an integer factor to at least GridMinCell
// pixels, with a GridLabelHeight-pixel caption strip under each.
const (
	GridMinCell     = 64
	GridLabelHeight = 14
	gridGap         = 2
)

// Histogram returns the number of images of each class.
func (d *Dataset) Histogram() []int {
	h := make([]int, max(d.NumClasses, 1))
	for _, l := range d.Labels {
		if int(l) < len(h) {
			h[l]++
		}
	}
	return h
}

// ClassName returns class c's name, or its index when the data set has no names.
func (d *Dataset) ClassName(c int) string {
	if c >= 0 && c < len(d.ClassNames) {
		return d.ClassNames[c]
	}
	return fmt.Sprint(c)
}

// SampleIndices picks up to perClass images of each class, in data set order, grouped by
// class (for an unlabeled set, its first perClass images).
func (d *Dataset) SampleIndices(perClass int) []int {
	taken := make([]int, max(d.NumClasses, 1))
	byClass := make([][]int, len(taken))
	for i, l := range d.Labels {
		if int(l) < len(taken) && taken[l] < perClass {
			byClass[l] = append(byClass[l], i)
			taken[l]++
		}
	}
	var out []int
	for _, idx := range byClass {
		out = append(out, idx...)
	}
	return out
}

// GridImage draws images indices of d in a grid of cols columns, each enlarged by an integer
// factor (nearest neighbour) to at least GridMinCell pixels and captioned with its label
// (class name) unless the data set is unlabeled.
func GridImage(d *Dataset, indices []int, cols int) *image.RGBA {
	cols = max(1, min(cols, len(indices)))
	rows := (len(indices) + cols - 1) / cols
	scale := max(1, (GridMinCell+max(d.Height, d.Width)-1)/max(d.Height, d.Width))
	cellW, cellH := d.Width*scale, d.Height*scale+GridLabelHeight
	img := image.NewRGBA(image.Rect(0, 0, cols*(cellW+gridGap)+gridGap, rows*(cellH+gridGap)+gridGap))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	face := basicfont.Face7x13
	for k, idx := range indices {
		x0 := gridGap + (k%cols)*(cellW+gridGap)
		y0 := gridGap + (k/cols)*(cellH+gridGap)
		pix := d.Image(idx)
		for y := range d.Height * scale {
			for x := range d.Width * scale {
				o := ((y/scale)*d.Width + x/scale) * d.Channels
				c := color.RGBA{pix[o], pix[o], pix[o], 255}
				if d.Channels >= 3 {
					c.G, c.B = pix[o+1], pix[o+2]
				}
				img.SetRGBA(x0+x, y0+y, c)
			}
		}
		if d.Unlabeled {
			continue
		}
		label := d.ClassName(int(d.Labels[idx]))
		for len(label) > 1 && font.MeasureString(face, label).Ceil() > cellW {
			label = label[:len(label)-1]
		}
		dr := font.Drawer{Dst: img, Src: image.Black, Face: face,
			Dot: fixed.P(x0+1, y0+d.Height*scale+GridLabelHeight-3)}
		dr.DrawString(label)
	}
	return img
}

// WriteGridPNG writes GridImage(d, indices, cols) as a PNG.
func WriteGridPNG(w io.Writer, d *Dataset, indices []int, cols int) error {
	return png.Encode(w, GridImage(d, indices, cols))
}
