package plotting

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DependenceGridOptions labels DependenceGrid's rows and columns.
type DependenceGridOptions struct {
	// Title is drawn above the grid; empty draws none.
	Title string
	// RowNames label the rows on the left (one per row, e.g. the relation); nil labels none.
	RowNames []string
	// ColNames label the columns on top (one per column, e.g. the noise level); nil labels none.
	ColNames []string
}

// dependenceCell is the side of one DependenceGrid panel on the page.
const dependenceCell = 1.35 * vg.Inch

// DependenceGrid draws small multiples of 2-D samples: panels[i][j] in row i, column j, each
// scaled to its own unit square with its Caption under it (for instance Pearson's r and dCor
// measured on it). Every row has one colour, the i-th of Palette as in Dependence, so a row of
// one relation at several noise levels reads as one series.
func DependenceGrid(panels [][]DependencePanel, opts DependenceGridOptions) (*Panels, error) {
	if len(panels) == 0 || len(panels[0]) == 0 {
		return nil, fmt.Errorf("plotting: DependenceGrid: no panels")
	}
	rows, cols := len(panels), len(panels[0])
	if opts.RowNames != nil && len(opts.RowNames) != rows {
		return nil, fmt.Errorf("plotting: DependenceGrid: %d row names for %d rows", len(opts.RowNames), rows)
	}
	if opts.ColNames != nil && len(opts.ColNames) != cols {
		return nil, fmt.Errorf("plotting: DependenceGrid: %d column names for %d columns", len(opts.ColNames), cols)
	}
	fig := NewPanels(rows, cols)
	fig.Title = opts.Title
	fig.Width = vg.Length(cols)*dependenceCell + 0.6*vg.Inch
	fig.Height = vg.Length(rows)*dependenceCell + 0.6*vg.Inch
	for i, row := range panels {
		if len(row) != cols {
			return nil, fmt.Errorf("plotting: DependenceGrid: row %d has %d panels; expected %d like row 0", i, len(row), cols)
		}
		for j, panel := range row {
			p, err := dependenceCellPlot(panel, draw.GlyphStyle{Color: SeriesColor(i), Radius: vg.Points(1), Shape: draw.CircleGlyph{}})
			if err != nil {
				return nil, err
			}
			if j == 0 && opts.RowNames != nil {
				p.Y.Label.Text = opts.RowNames[i]
			}
			if i == 0 && opts.ColNames != nil {
				p.Title.Text = opts.ColNames[j]
			}
			fig.Plots[i][j] = p
		}
	}
	return fig, nil
}

// dependenceCellPlot is one panel of DependenceGrid: the unit-scaled scatter, no ticks, the
// caption as the x label.
func dependenceCellPlot(panel DependencePanel, c draw.GlyphStyle) (*plot.Plot, error) {
	if len(panel.X) != len(panel.Y) || len(panel.X) == 0 {
		return nil, fmt.Errorf("plotting: DependenceGrid: panel %q has %d x and %d y values; expected the same non-zero number", panel.Name, len(panel.X), len(panel.Y))
	}
	xs, ys := unitScale(panel.X), unitScale(panel.Y)
	xy := make(plotter.XYs, len(xs))
	for k := range xs {
		xy[k] = plotter.XY{X: xs[k], Y: ys[k]}
	}
	scatter, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, fmt.Errorf("plotting: DependenceGrid: panel %q: %w", panel.Name, err)
	}
	scatter.GlyphStyle = c
	p := plot.New()
	p.Add(scatter)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -0.05, 1.05, -0.05, 1.05
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.ConstantTicks(nil), plot.ConstantTicks(nil)
	p.X.Label.Text = panel.Caption
	p.X.Label.TextStyle.Font.Size = vg.Points(8)
	p.Title.TextStyle.Font.Size = vg.Points(10)
	return p, nil
}
