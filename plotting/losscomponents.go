package plotting

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// NotLossNames are History names that LossComponents leaves out by default: they are not loss
// terms (history.LR, the learning rate).
var NotLossNames = []string{history.LR}

// LossComponentsOptions configures LossComponents. The zero value draws every loss term, raw
// and smoothed, on a logarithmic axis.
type LossComponentsOptions struct {
	// Names are the History series to draw, in legend order; nil means every name but NotLossNames.
	Names []string
	// Span is the exponential moving average's span in steps (α = 2/(span+1)); 0 picks one
	// twentieth of the steps, 1 disables smoothing.
	Span int
	// HideRaw draws only the smoothed lines.
	HideRaw bool
	// LinearY uses a linear loss axis from 0; by default the axis is logarithmic (values ≤ 0 are
	// left out), so that terms of different sizes all show their fall.
	LinearY bool
	// Title is the plot title; empty means "MV-MR loss components".
	Title string
}

// LossComponents plots every named loss term of h over the training steps: for each name a faint
// line of the raw values and a solid line of their exponential moving average, in the term's
// fixed colour (Terms), whose legend entry carries its human name and logged name (TermLabel). NaN and Inf values (a logged-only term of weight 0 can be non-finite)
// are left out of the lines and the axis range; a series with no finite value is left out of the
// figure and its legend.
func LossComponents(h *history.History, opts LossComponentsOptions) (*plot.Plot, error) {
	if h == nil || h.Len() == 0 {
		return nil, fmt.Errorf("plotting: LossComponents: the history is empty; train some steps first")
	}
	names := opts.Names
	if names == nil {
		for _, n := range h.Names() {
			if !slices.Contains(NotLossNames, n) {
				names = append(names, n)
			}
		}
	}
	span := opts.Span
	if span <= 0 {
		span = max(1, h.Len()/20)
	}
	p := plot.New()
	p.Title.Text = opts.Title
	if p.Title.Text == "" {
		p.Title.Text = "MV-MR loss components"
	}
	p.X.Label.Text = "step"
	p.Y.Label.Text = "loss term"
	logY := !opts.LinearY
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
		p.Y.Label.Text = "loss term (log scale)"
	}
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	p.X.Tick.Marker = stepTicks{}
	steps := h.Steps()
	maxY, minY := math.Inf(-1), math.Inf(1)
	for _, name := range names {
		values := h.Series(name)
		if values == nil {
			return nil, fmt.Errorf("plotting: LossComponents: no series %q in the history (it has %v)", name, h.Names())
		}
		raw := points(steps, values, logY)
		if raw.Len() == 0 {
			continue
		}
		c := TermColor(name)
		if !opts.HideRaw && span > 1 {
			line, err := plotter.NewLine(raw)
			if err != nil {
				return nil, fmt.Errorf("plotting: LossComponents: %s: %w", name, err)
			}
			line.Color = withAlpha(c, 0x50)
			line.Width = vg.Points(0.6)
			p.Add(line)
		}
		for _, pt := range raw {
			maxY, minY = max(maxY, pt.Y), min(minY, pt.Y)
		}
		smooth, err := plotter.NewLine(ema(raw, span))
		if err != nil {
			return nil, fmt.Errorf("plotting: LossComponents: %s: %w", name, err)
		}
		smooth.Color = c
		smooth.Width = vg.Points(1.6)
		if name == "total" {
			smooth.Dashes = plotutil.Dashes(1)
		}
		p.Add(smooth)
		p.Legend.Add(TermLabel(name), smooth)
	}
	switch {
	case logY && maxY > minY:
		// Headroom for the legend, the same share of the axis as on a linear one.
		p.Y.Min = minY
		p.Y.Max = maxY * math.Pow(maxY/minY, 0.045*float64(len(names)))
	case !logY && maxY > 0:
		p.Y.Min = 0
		p.Y.Max = maxY * (1 + 0.06*float64(len(names))) // headroom for the legend
	}
	return p, nil
}

// points returns the finite (and, for a log axis, positive) values with their steps.
func points(steps []int64, values []float64, positive bool) plotter.XYs {
	xy := make(plotter.XYs, 0, len(values))
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) || (positive && v <= 0) {
			continue
		}
		xy = append(xy, plotter.XY{X: float64(steps[i]), Y: v})
	}
	return xy
}

// ema returns the exponential moving average of the Y values with the given span, started at
// the first value.
func ema(xy plotter.XYs, span int) plotter.XYs {
	alpha := 2 / (float64(span) + 1)
	out := make(plotter.XYs, len(xy))
	var avg float64
	for i, p := range xy {
		if i == 0 {
			avg = p.Y
		} else {
			avg = alpha*p.Y + (1-alpha)*avg
		}
		out[i] = plotter.XY{X: p.X, Y: avg}
	}
	return out
}
