package plotting

import (
	"image/color"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Palette is the series colour cycle (Tableau 10): distinct hues that stay apart on screen and
// in print.
var Palette = []color.Color{
	color.RGBA{0x1f, 0x77, 0xb4, 0xff}, color.RGBA{0xff, 0x7f, 0x0e, 0xff}, color.RGBA{0x2c, 0xa0, 0x2c, 0xff},
	color.RGBA{0xd6, 0x27, 0x28, 0xff}, color.RGBA{0x94, 0x67, 0xbd, 0xff}, color.RGBA{0x8c, 0x56, 0x4b, 0xff},
	color.RGBA{0xe3, 0x77, 0xc2, 0xff}, color.RGBA{0x7f, 0x7f, 0x7f, 0xff}, color.RGBA{0xbc, 0xbd, 0x22, 0xff},
	color.RGBA{0x17, 0xbe, 0xcf, 0xff},
}

// SeriesColor returns the i-th colour of Palette, cycling.
func SeriesColor(i int) color.Color { return Palette[i%len(Palette)] }

// ClassPalette colours classes in scatter plots: Palette (Tableau 10) followed by its ten lighter
// companions (Tableau 20), so up to 20 classes get distinct colours; ClassGlyph varies the
// marker shape beyond that.
var ClassPalette = append(append([]color.Color{}, Palette...),
	color.RGBA{0xae, 0xc7, 0xe8, 0xff}, color.RGBA{0xff, 0xbb, 0x78, 0xff}, color.RGBA{0x98, 0xdf, 0x8a, 0xff},
	color.RGBA{0xff, 0x98, 0x96, 0xff}, color.RGBA{0xc5, 0xb0, 0xd5, 0xff}, color.RGBA{0xc4, 0x9c, 0x94, 0xff},
	color.RGBA{0xf7, 0xb6, 0xd2, 0xff}, color.RGBA{0xc7, 0xc7, 0xc7, 0xff}, color.RGBA{0xdb, 0xdb, 0x8d, 0xff},
	color.RGBA{0x9e, 0xda, 0xe5, 0xff},
)

// classShapes are the marker shapes, changed every len(ClassPalette) classes.
var classShapes = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PlusGlyph{}, draw.CrossGlyph{}, draw.RingGlyph{},
}

// ClassGlyph returns the marker of class k: colour ClassPalette[k mod 20], and a shape that
// changes every 20 classes, so up to 120 classes stay distinguishable.
func ClassGlyph(k int, radius vg.Length) draw.GlyphStyle {
	n := len(ClassPalette)
	return draw.GlyphStyle{Color: ClassPalette[k%n], Radius: radius, Shape: classShapes[(k/n)%len(classShapes)]}
}

// integerTicks labels the default tick positions without decimals (steps are integers).
type integerTicks struct{}

func (integerTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'f', 0, 64)
		}
	}
	return ticks
}

// percentTicks labels the default tick positions of a fraction axis as percentages
// (0.95 → "95%").
type percentTicks struct{}

func (percentTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label == "" {
			continue
		}
		decimals := 0
		if dot := strings.IndexByte(ticks[i].Label, '.'); dot >= 0 {
			decimals = len(ticks[i].Label) - dot - 1
		}
		ticks[i].Label = strconv.FormatFloat(100*ticks[i].Value, 'f', max(0, decimals-2), 64) + "%"
	}
	return ticks
}

func withAlpha(c color.Color, alpha uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: alpha}
}
