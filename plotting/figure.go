package plotting

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Figure is what Render, Save and Show draw: a *plot.Plot, or one of this package's composite
// figures (Panels, ImageGrid).
type Figure interface {
	Draw(c draw.Canvas)
}

// Sizer is implemented by figures that have their own natural size (a grid of images, a square
// heatmap, stacked panels); Render, Save and Show use it, and draw any other Figure at
// DefaultWidth × DefaultHeight.
type Sizer interface {
	Size() (width, height vg.Length)
}

// FigureSize returns the size Render draws f at.
func FigureSize(f Figure) (width, height vg.Length) {
	if s, ok := f.(Sizer); ok {
		if w, h := s.Size(); w > 0 && h > 0 {
			return w, h
		}
	}
	return DefaultWidth, DefaultHeight
}

// Panels is a figure of several plots on a grid whose data areas line up (plot.Align), with an
// optional legend drawn in a column of its own on the right, clear of the data.
type Panels struct {
	// Plots holds the panels row by row; every row has the same number of columns, and a nil
	// panel leaves its cell empty.
	Plots [][]*plot.Plot
	// Title is drawn above all panels; empty draws none.
	Title string
	// Legend, when it has entries, is drawn to the right of the panels.
	Legend plot.Legend
	// RowLegends, when set (one per row), are drawn in that column instead, each beside its
	// row: a legend per panel of a one-column figure, naming only what that panel draws.
	RowLegends []plot.Legend
	// Width and Height are the figure's size; zero means DefaultWidth and DefaultHeight.
	Width, Height vg.Length
}

// NewPanels returns an empty rows × cols Panels with the package's legend style.
func NewPanels(rows, cols int) *Panels {
	ps := &Panels{Plots: make([][]*plot.Plot, rows), Legend: plot.NewLegend()}
	for i := range ps.Plots {
		ps.Plots[i] = make([]*plot.Plot, cols)
	}
	ps.Legend.Top = true
	ps.Legend.Left = true
	return ps
}

// Size returns the figure's size (Sizer).
func (ps *Panels) Size() (width, height vg.Length) {
	width, height = ps.Width, ps.Height
	if width <= 0 {
		width = DefaultWidth
	}
	if height <= 0 {
		height = DefaultHeight
	}
	return width, height
}

// check reports a malformed grid, which Draw would otherwise panic on.
func (ps *Panels) check() error {
	if len(ps.Plots) == 0 || len(ps.Plots[0]) == 0 {
		return fmt.Errorf("plotting: Panels has no panels")
	}
	for i, row := range ps.Plots {
		if len(row) != len(ps.Plots[0]) {
			return fmt.Errorf("plotting: Panels row %d has %d panels; expected %d like row 0", i, len(row), len(ps.Plots[0]))
		}
	}
	return nil
}

// figurePad is the blank margin around a Panels figure.
const figurePad = vg.Length(5)

// Draw draws the title, the aligned panels and the side legend on c (Figure).
func (ps *Panels) Draw(c draw.Canvas) {
	if err := ps.check(); err != nil {
		return
	}
	c = draw.Crop(c, figurePad, -figurePad, figurePad, -figurePad)
	if ps.Title != "" {
		title := plot.New().Title
		title.TextStyle.Font.Size = vg.Points(13)
		descent := title.TextStyle.FontExtents().Descent
		c.FillText(title.TextStyle, vg.Point{X: c.Center().X, Y: c.Max.Y + descent}, ps.Title)
		c.Max.Y -= title.TextStyle.Rectangle(ps.Title).Size().Y + title.Padding
	}
	pad := vg.Points(8)
	rowLegends := len(ps.RowLegends) == len(ps.Plots)
	var column draw.Canvas // the legends' column, right of the panels
	if rowLegends {
		width := vg.Length(0)
		for i := range ps.RowLegends {
			width = max(width, ps.RowLegends[i].Rectangle(c).Size().X)
		}
		if width > 0 {
			column = draw.Crop(c, c.Size().X-width-pad, 0, 0, -pad)
			c.Max.X -= width + 2*pad
		}
	} else if r := ps.Legend.Rectangle(c); r.Size().X > 0 {
		legendC := draw.Crop(c, c.Size().X-r.Size().X-2*pad, 0, 0, -pad)
		legendC.Min.X += pad
		ps.Legend.Draw(legendC)
		c.Max.X -= r.Size().X + 2*pad
	}
	tiles := draw.Tiles{Rows: len(ps.Plots), Cols: len(ps.Plots[0]), PadX: vg.Points(12), PadY: vg.Points(10)}
	canvases := plot.Align(ps.Plots, tiles, c)
	for i, row := range ps.Plots {
		for j, p := range row {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
		if rowLegends && column.Canvas != nil {
			l := ps.RowLegends[i]
			l.Top, l.Left = true, true
			rowC := column
			rowC.Min.Y, rowC.Max.Y = canvases[i][0].Min.Y, canvases[i][0].Max.Y
			l.Draw(rowC)
		}
	}
}
