package plotting

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// LabelEfficiencyCurve is one line of LabelEfficiency: a kind of features (raw pixels, an
// encoder) probed with PerClass[i] labels per class, Top1[i] holding the test top-1 (in %) of
// each label draw at that count.
type LabelEfficiencyCurve struct {
	Name     string
	PerClass []int
	Top1     [][]float64
}

// LabelEfficiencyOptions configures LabelEfficiency.
type LabelEfficiencyOptions struct {
	// Title is the plot title; empty means "linear probe accuracy against labels per class".
	Title string
}

// LabelEfficiency plots test top-1 (in %) against the number of labels per class on a
// logarithmic axis ticked at the counts, the legend beside the plot: one line per curve through
// the mean over label draws, with a bar from the lowest to the highest draw (the spread), the
// curves a little apart sideways so that their bars do not hide each other. A curve without
// points, with lengths that differ, with a count below 1 or a value that is not finite is an
// error.
func LabelEfficiency(curves []LabelEfficiencyCurve, opts LabelEfficiencyOptions) (*Panels, error) {
	if len(curves) == 0 {
		return nil, fmt.Errorf("plotting: LabelEfficiency: no curve to draw")
	}
	fig := NewPanels(1, 1)
	fig.Title = opts.Title
	if fig.Title == "" {
		fig.Title = "linear probe accuracy against labels per class"
	}
	fig.Width, fig.Height = 8*vg.Inch, 4.5*vg.Inch
	p := plot.New()
	fig.Plots[0][0] = p
	p.X.Label.Text = "labelled training images per class (log scale)"
	p.Y.Label.Text = "test top-1 accuracy (%)"
	p.Y.Tick.Marker = stepTicks{} // 1, 2 or 5 × 10^k points apart
	p.X.Scale = plot.LogScale{}
	p.Add(plotter.NewGrid())
	fig.Legend.ThumbnailWidth = vg.Points(24)
	var ticks []plot.Tick
	seen := map[int]bool{}
	lo, hi := math.Inf(1), math.Inf(-1)
	xlo, xhi := math.Inf(1), math.Inf(-1)
	for i, c := range curves {
		if len(c.PerClass) == 0 || len(c.PerClass) != len(c.Top1) {
			return nil, fmt.Errorf("plotting: LabelEfficiency: %s has %d counts and %d sets of accuracies; expected the same positive number", c.Name, len(c.PerClass), len(c.Top1))
		}
		// Curve i of n sits a few per cent of a decade off its count, so the bars stay apart.
		shift := math.Pow(10, 0.025*(float64(i)-float64(len(curves)-1)/2))
		mean := make(plotter.XYs, len(c.PerClass))
		bars := make(plotter.YErrors, len(c.PerClass))
		for k, count := range c.PerClass {
			values := c.Top1[k]
			if count < 1 || len(values) == 0 {
				return nil, fmt.Errorf("plotting: LabelEfficiency: %s point %d has %d labels per class and %d accuracies; expected at least 1 of each", c.Name, k, count, len(values))
			}
			vlo, vhi, sum := math.Inf(1), math.Inf(-1), 0.0
			for _, v := range values {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("plotting: LabelEfficiency: %s at %d labels per class has accuracy %g; expected finite values", c.Name, count, v)
				}
				vlo, vhi, sum = min(vlo, v), max(vhi, v), sum+v
			}
			m := sum / float64(len(values))
			mean[k] = plotter.XY{X: float64(count) * shift, Y: m}
			bars[k].Low, bars[k].High = m-vlo, vhi-m
			lo, hi = min(lo, vlo), max(hi, vhi)
			xlo, xhi = min(xlo, float64(count)), max(xhi, float64(count))
			if !seen[count] {
				seen[count] = true
				ticks = append(ticks, plot.Tick{Value: float64(count), Label: strconv.Itoa(count)})
			}
		}
		line, points, err := plotter.NewLinePoints(mean)
		if err != nil {
			return nil, fmt.Errorf("plotting: LabelEfficiency: %s: %w", c.Name, err)
		}
		line.Color, line.Width = SeriesColor(i), vg.Points(1.8)
		points.Color, points.Shape, points.Radius = line.Color, classShapes[i%len(classShapes)], vg.Points(3)
		errBars, err := plotter.NewYErrorBars(struct {
			plotter.XYer
			plotter.YErrorer
		}{mean, bars})
		if err != nil {
			return nil, fmt.Errorf("plotting: LabelEfficiency: %s: %w", c.Name, err)
		}
		errBars.Color, errBars.Width, errBars.CapWidth = line.Color, vg.Points(1.2), vg.Points(6)
		p.Add(line, errBars, points)
		fig.Legend.Add(c.Name, line, points)
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = xlo/1.4, xhi*1.4
	pad := max(0.5, 0.06*(hi-lo))
	p.Y.Min, p.Y.Max = max(0, lo-pad), min(100, hi+pad)
	return fig, nil
}
