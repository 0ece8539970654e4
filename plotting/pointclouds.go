package plotting

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Cloud is one 2-D point cloud of PointClouds: XY holds its n points row-major, x0 y0 x1 y1 ...
type Cloud struct {
	// Name is the panel's title ("step 0").
	Name string
	// Caption is drawn under the panel, e.g. "dCor = 0.21".
	Caption string
	// XY are the points.
	XY []float64
}

// PointCloudsOptions configures PointClouds.
type PointCloudsOptions struct {
	// Title is drawn above the panels; empty draws none.
	Title string
	// Shade, when given, holds one value per point (the same points in every cloud): point i is
	// drawn in the colour of Shade[i] on a dark-to-light scale in every panel, so that a reader
	// can follow each point from one cloud to the next. nil draws every point in one colour.
	Shade []float64
	// Cols is the number of panels per row; 0 puts them all on one row.
	Cols int
}

// cloudCell is the side of one PointClouds panel on the page.
const cloudCell = 1.6 * vg.Inch

// PointClouds draws 2-D point clouds side by side, each in its own square panel with equal
// scales on both axes (a circle stays a circle: what a rotation or a uniform scaling does to a
// cloud is seen undistorted). Points of the same index share a colour across panels when
// opts.Shade is given.
func PointClouds(clouds []Cloud, opts PointCloudsOptions) (*Panels, error) {
	if len(clouds) == 0 {
		return nil, fmt.Errorf("plotting: PointClouds: no clouds")
	}
	n := len(clouds[0].XY) / 2
	for _, c := range clouds {
		if len(c.XY) == 0 || len(c.XY)%2 != 0 || len(c.XY)/2 != n {
			return nil, fmt.Errorf("plotting: PointClouds: cloud %q has %d values; expected 2 per point and %d points like the first cloud", c.Name, len(c.XY), n)
		}
		for _, v := range c.XY {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("plotting: PointClouds: cloud %q has a value %v; expected finite values", c.Name, v)
			}
		}
	}
	if opts.Shade != nil && len(opts.Shade) != n {
		return nil, fmt.Errorf("plotting: PointClouds: %d shade values for %d points; expected one per point", len(opts.Shade), n)
	}
	colours, err := cloudColours(opts.Shade, n)
	if err != nil {
		return nil, err
	}
	cols := opts.Cols
	if cols <= 0 || cols > len(clouds) {
		cols = len(clouds)
	}
	rows := (len(clouds) + cols - 1) / cols
	fig := NewPanels(rows, cols)
	fig.Title = opts.Title
	fig.Width = vg.Length(cols)*cloudCell + 0.2*vg.Inch
	fig.Height = vg.Length(rows)*(cloudCell+0.35*vg.Inch) + 0.4*vg.Inch
	for k, c := range clouds {
		p, err := cloudPlot(c, colours)
		if err != nil {
			return nil, err
		}
		fig.Plots[k/cols][k%cols] = p
	}
	return fig, nil
}

// cloudColours returns the colour of each of n points: a dark-to-light scale over shade's range,
// or the first Palette colour for all when shade is nil.
func cloudColours(shade []float64, n int) ([]draw.GlyphStyle, error) {
	styles := make([]draw.GlyphStyle, n)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range shade {
		lo, hi = min(lo, v), max(hi, v)
	}
	scale := moreland.Kindlmann()
	scale.SetMin(0)
	scale.SetMax(1)
	for i := range styles {
		styles[i] = draw.GlyphStyle{Color: SeriesColor(0), Radius: vg.Points(1.6), Shape: draw.CircleGlyph{}}
		if shade == nil {
			continue
		}
		t := 0.5
		if hi > lo {
			t = (shade[i] - lo) / (hi - lo)
		}
		c, err := scale.At(0.15 + 0.65*t) // clear of the scale's black and near-white ends
		if err != nil {
			return nil, fmt.Errorf("plotting: PointClouds: shade %v: %w", shade[i], err)
		}
		styles[i].Color = c
	}
	return styles, nil
}

// cloudPlot is one square panel of PointClouds, its axes spanning the same length.
func cloudPlot(c Cloud, styles []draw.GlyphStyle) (*plot.Plot, error) {
	n := len(c.XY) / 2
	xy := make(plotter.XYs, n)
	loX, hiX, loY, hiY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range n {
		xy[i] = plotter.XY{X: c.XY[2*i], Y: c.XY[2*i+1]}
		loX, hiX = min(loX, xy[i].X), max(hiX, xy[i].X)
		loY, hiY = min(loY, xy[i].Y), max(hiY, xy[i].Y)
	}
	scatter, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, fmt.Errorf("plotting: PointClouds: cloud %q: %w", c.Name, err)
	}
	scatter.GlyphStyleFunc = func(i int) draw.GlyphStyle { return styles[i] }
	p := plot.New()
	p.Add(scatter)
	half := 0.55 * max(hiX-loX, hiY-loY, 1e-12)
	cx, cy := (loX+hiX)/2, (loY+hiY)/2
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = cx-half, cx+half, cy-half, cy+half
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.ConstantTicks(nil), plot.ConstantTicks(nil)
	p.Title.Text = c.Name
	p.Title.TextStyle.Font.Size = vg.Points(10)
	p.X.Label.Text = c.Caption
	p.X.Label.TextStyle.Font.Size = vg.Points(8)
	return p, nil
}
