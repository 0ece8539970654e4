package plotting

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// AccuracyCurve is one line of AccuracyCurves: accuracies (in [0, 1]) at training wall-clock
// times (in seconds), in time order. Group picks the colour (one per framework or run) and Probe
// the dash pattern (one per probe), so lines of the same run share a colour.
type AccuracyCurve struct {
	// Name is the legend entry, such as "kit (Go), linear probe".
	Name string
	// Group and Probe index the colour and the dash pattern.
	Group, Probe int
	// Seconds and Accuracy are the points; they have the same length.
	Seconds, Accuracy []float64
}

// AccuracyCurvesOptions configures AccuracyCurves.
type AccuracyCurvesOptions struct {
	// Title is the plot title; empty means "accuracy against training wall clock".
	Title string
}

// AccuracyCurves plots accuracy (in %) against training wall clock (in minutes), one line with
// markers per curve: time-to-accuracy of two frameworks or recipes side by side. A curve with
// no point, with lengths that differ, or with a value that is not finite is an error.
func AccuracyCurves(curves []AccuracyCurve, opts AccuracyCurvesOptions) (*plot.Plot, error) {
	if len(curves) == 0 {
		return nil, fmt.Errorf("plotting: AccuracyCurves: no curve to draw")
	}
	p := plot.New()
	p.Title.Text = opts.Title
	if p.Title.Text == "" {
		p.Title.Text = "accuracy against training wall clock"
	}
	p.X.Label.Text = "training wall clock (minutes)"
	p.Y.Label.Text = "test top-1 accuracy (%)"
	p.Legend.Top = false
	p.Legend.Left = false
	p.Add(plotter.NewGrid())
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range curves {
		xy, err := curvePoints(c)
		if err != nil {
			return nil, err
		}
		line, points, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, fmt.Errorf("plotting: AccuracyCurves: %s: %w", c.Name, err)
		}
		line.Color = SeriesColor(c.Group)
		line.Width = vg.Points(1.6)
		line.Dashes = plotutil.Dashes(c.Probe)
		points.Color = line.Color
		points.Shape = classShapes[c.Probe%len(classShapes)]
		points.Radius = vg.Points(2.2)
		p.Add(line, points)
		p.Legend.Add(c.Name, line, points)
		for _, pt := range xy {
			lo, hi = min(lo, pt.Y), max(hi, pt.Y)
		}
	}
	pad := max(0.5, 0.08*(hi-lo))
	p.Y.Min, p.Y.Max = max(0, lo-pad), min(100, hi+pad)
	p.X.Min = 0
	p.Legend.YOffs = vg.Points(4)
	p.Legend.ThumbnailWidth = vg.Points(28)
	return p, nil
}

// curvePoints checks one curve and returns its points in minutes and percent.
func curvePoints(c AccuracyCurve) (plotter.XYs, error) {
	if len(c.Seconds) == 0 || len(c.Seconds) != len(c.Accuracy) {
		return nil, fmt.Errorf("plotting: AccuracyCurves: %s has %d times and %d accuracies; expected the same positive number",
			c.Name, len(c.Seconds), len(c.Accuracy))
	}
	xy := make(plotter.XYs, len(c.Seconds))
	for i, s := range c.Seconds {
		a := c.Accuracy[i]
		if math.IsNaN(s) || math.IsInf(s, 0) || s < 0 || math.IsNaN(a) || math.IsInf(a, 0) {
			return nil, fmt.Errorf("plotting: AccuracyCurves: %s point %d is (%g s, %g); expected a finite time >= 0 and accuracy",
				c.Name, i, s, a)
		}
		xy[i] = plotter.XY{X: s / 60, Y: 100 * a}
	}
	return xy, nil
}
