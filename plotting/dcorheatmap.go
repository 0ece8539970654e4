package plotting

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DCorHeatmapOptions configures DCorHeatmap.
type DCorHeatmapOptions struct {
	// Title is the plot title; empty means "Distance correlation between representations".
	Title string
	// Digits is the number of decimals printed in each cell; 0 means 2, negative prints none.
	Digits int
	// ColumnNames names the columns when they differ from the rows (a rectangular matrix, for
	// instance embeddings × representations); nil means the row names.
	ColumnNames []string
}

// DCorHeatmap draws a matrix of distance correlations (matrix[i][j] = dCor(i, j), each in
// [0, 1]) as a heatmap with a white-to-blue scale, the row names down the left side, the column
// names along the bottom, and each value printed in its cell. Row 0 is at the top, as in a table.
func DCorHeatmap(matrix [][]float64, names []string, opts DCorHeatmapOptions) (*Panels, error) {
	rows := len(matrix)
	colNames := opts.ColumnNames
	if colNames == nil {
		colNames = names
	}
	switch {
	case rows == 0:
		return nil, fmt.Errorf("plotting: DCorHeatmap: the matrix is empty")
	case len(names) != rows:
		return nil, fmt.Errorf("plotting: DCorHeatmap: %d names for %d rows; expected one name per row", len(names), rows)
	}
	cols := len(colNames)
	for i, row := range matrix {
		if len(row) != cols {
			return nil, fmt.Errorf("plotting: DCorHeatmap: row %d (%s) has %d values; expected %d, one per column name", i, names[i], len(row), cols)
		}
		for j, v := range row {
			if math.IsNaN(v) || v < -1e-6 || v > 1+1e-6 {
				return nil, fmt.Errorf("plotting: DCorHeatmap: dCor(%s, %s) = %v; expected a value in [0, 1]", names[i], colNames[j], v)
			}
		}
	}
	// A blue scale of rising luminance (ColorBrewer "Blues"), reversed: 0 is light, 1 dark.
	darkToLight, err := moreland.NewLuminance([]color.Color{
		color.NRGBA{0x08, 0x30, 0x6b, 0xff}, color.NRGBA{0x6b, 0xae, 0xd6, 0xff}, color.NRGBA{0xf7, 0xfb, 0xff, 0xff},
	})
	if err != nil {
		return nil, fmt.Errorf("plotting: DCorHeatmap: colour scale: %w", err)
	}
	colours := palette.Reverse(darkToLight)
	colours.SetMin(0)
	colours.SetMax(1)
	const levels = 256
	heat := plotter.NewHeatMap(dcorGrid{matrix: matrix, cols: cols}, colours.Palette(levels))
	heat.Min, heat.Max = 0, 1

	p := plot.New()
	p.Add(heat)
	digits := opts.Digits
	if digits == 0 {
		digits = 2
	}
	if digits > 0 {
		var dark, light plotter.XYLabels
		for i, row := range matrix {
			for j, v := range row {
				label := &light // white text on dark cells
				if v < 0.55 {
					label = &dark
				}
				label.XYs = append(label.XYs, plotter.XY{X: float64(j), Y: float64(rows - 1 - i)})
				label.Labels = append(label.Labels, fmt.Sprintf("%.*f", digits, v))
			}
		}
		fontSize := vg.Points(max(7, min(12, 90/float64(max(rows, cols)))))
		for _, l := range []struct {
			xy    plotter.XYLabels
			color color.Color
		}{{dark, color.Black}, {light, color.White}} {
			if len(l.xy.Labels) == 0 {
				continue
			}
			labels, err := plotter.NewLabels(l.xy)
			if err != nil {
				return nil, fmt.Errorf("plotting: DCorHeatmap: %w", err)
			}
			for i := range labels.TextStyle {
				labels.TextStyle[i].Color = l.color
				labels.TextStyle[i].Font.Size = fontSize
				labels.TextStyle[i].XAlign = draw.XCenter
				labels.TextStyle[i].YAlign = draw.YCenter
			}
			p.Add(labels)
		}
	}
	p.NominalX(colNames...)
	reversed := make([]string, rows)
	for i, n := range names {
		reversed[rows-1-i] = n
	}
	p.NominalY(reversed...)
	longest := 0
	for _, n := range colNames {
		longest = max(longest, len(n))
	}
	if longest*cols > 40 { // slanted column names when they would not fit side by side
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YTop
	}
	p.X.Padding, p.Y.Padding = vg.Points(3), vg.Points(3)
	p.X.Min, p.X.Max = -0.5, float64(cols)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(rows)-0.5
	p.X.Tick.Label.Font.Size = vg.Points(10)
	p.Y.Tick.Label.Font.Size = vg.Points(10)

	fig := NewPanels(1, 1)
	fig.Plots[0][0] = p
	fig.Title = opts.Title
	if fig.Title == "" {
		fig.Title = "Distance correlation between representations"
	}
	cell := vg.Length(min(0.9, max(0.45, 6/float64(max(rows, cols))))) * vg.Inch
	fig.Width = max(5*vg.Inch, vg.Length(cols)*cell+2.2*vg.Inch)
	fig.Height = max(4*vg.Inch, vg.Length(rows)*cell+2*vg.Inch)
	return fig, nil
}

// dcorGrid adapts a row-major matrix to plotter.GridXYZ, row 0 at the top.
type dcorGrid struct {
	matrix [][]float64
	cols   int
}

func (g dcorGrid) Dims() (c, r int) { return g.cols, len(g.matrix) }

// Z clamps into [0, 1] the values DCorHeatmap accepted within rounding of it.
func (g dcorGrid) Z(c, r int) float64 { return min(1, max(0, g.matrix[len(g.matrix)-1-r][c])) }
func (g dcorGrid) X(c int) float64    { return float64(c) }
func (g dcorGrid) Y(r int) float64    { return float64(r) }
