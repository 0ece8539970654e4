package plotting

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DependencePanel is one 2-D sample (x, y) with its caption, for Dependence.
type DependencePanel struct {
	// Name labels the panel ("parabola").
	Name string
	// X and Y are the points.
	X, Y []float64
	// Caption is printed under the name, e.g. "r = -0.04, dCor = 0.48".
	Caption string
}

// dependenceGap is the horizontal gap between panels, as a fraction of a panel's width.
const dependenceGap = 0.25

// Dependence draws each panel's scatter side by side, each scaled to its own unit square, with
// the panel's name and caption under it: the figure of notebook 02 comparing Pearson's
// correlation with the distance correlation.
func Dependence(panels []DependencePanel, title string) (*plot.Plot, error) {
	if len(panels) == 0 {
		return nil, fmt.Errorf("plotting: Dependence: no panels")
	}
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "y (scaled)"
	p.Y.Min, p.Y.Max = -0.05, 1.05
	p.X.Min, p.X.Max = -dependenceGap/2, float64(len(panels))*(1+dependenceGap)-dependenceGap/2
	p.Y.Tick.Marker = plot.ConstantTicks(nil)
	var ticks []plot.Tick
	for i, panel := range panels {
		if len(panel.X) != len(panel.Y) || len(panel.X) == 0 {
			return nil, fmt.Errorf("plotting: Dependence: panel %q has %d x and %d y values; expected the same non-zero number", panel.Name, len(panel.X), len(panel.Y))
		}
		offset := float64(i) * (1 + dependenceGap)
		xs, ys := unitScale(panel.X), unitScale(panel.Y)
		xy := make(plotter.XYs, len(xs))
		for j := range xs {
			xy[j] = plotter.XY{X: offset + xs[j], Y: ys[j]}
		}
		scatter, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, fmt.Errorf("plotting: Dependence: panel %q: %w", panel.Name, err)
		}
		scatter.GlyphStyle = draw.GlyphStyle{Color: SeriesColor(i), Radius: vg.Points(1.2), Shape: draw.CircleGlyph{}}
		p.Add(scatter)
		frame, err := plotter.NewLine(plotter.XYs{{X: offset, Y: 0}, {X: offset + 1, Y: 0}, {X: offset + 1, Y: 1}, {X: offset, Y: 1}, {X: offset, Y: 0}})
		if err != nil {
			return nil, err
		}
		frame.Color = withAlpha(SeriesColor(i), 0x60)
		frame.Width = vg.Points(0.5)
		p.Add(frame)
		label := panel.Name
		if panel.Caption != "" {
			label += "\n" + panel.Caption
		}
		ticks = append(ticks, plot.Tick{Value: offset + 0.5, Label: label})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	return p, nil
}

// unitScale maps v linearly onto [0, 1] (a constant maps to 0.5).
func unitScale(v []float64) []float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	out := make([]float64, len(v))
	for i, x := range v {
		if hi > lo {
			out[i] = (x - lo) / (hi - lo)
		} else {
			out[i] = 0.5
		}
	}
	return out
}
