package plotting

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// DCorTracesOptions configures DCorTraces. The zero value draws every History series whose name
// starts with history.DCorDiagPrefix (the dCor diagnostics, history.DCorDiag).
type DCorTracesOptions struct {
	// Names are the series to draw, in legend order; nil means every name with Prefix.
	Names []string
	// Prefix selects the series when Names is nil; empty means history.DCorDiagPrefix.
	Prefix string
	// InLoss lists the representations (by name without the prefix, as in the config, e.g.
	// "hog") whose dCor term is in the loss: their lines are solid and thick, the others dashed.
	// Nil reads them from the history's loss terms (history.DCorTerm(name)); when it has none,
	// every line is solid. Unused with Compare.
	InLoss []string
	// Compare, when not nil, is a second run's history drawn over the first: each representation
	// keeps its colour (Terms), the first run's lines are solid and Compare's dashed, and the
	// legend names the runs Name and CompareName.
	Compare           *history.History
	Name, CompareName string
	// Title is the plot title; empty means "dCor(embedding, representation) during training".
	Title string
}

// DCorTraces plots the distance correlation between the embedding and each representation over
// the training steps (a monitor's at the updates applied when it measured, history.Updates: from
// 0, the initialised encoder, when the history holds the record before training), one line (with a marker per logged step) per History series in the
// representation's fixed colour (Terms), on a fixed [0, 1] axis; the legend, beside the plot,
// names the representations (TermLabel). With opts.Compare, a second run's lines are drawn
// dashed over the first's. Steps where a series was not logged (NaN) are skipped.
func DCorTraces(h *history.History, opts DCorTracesOptions) (*Panels, error) {
	if h == nil || h.Len() == 0 {
		return nil, fmt.Errorf("plotting: DCorTraces: the history is empty; train some steps first")
	}
	prefix := opts.Prefix
	if prefix == "" {
		prefix = history.DCorDiagPrefix
	}
	names := opts.Names
	if names == nil {
		names = withPrefix(h, prefix)
		if len(names) == 0 {
			return nil, fmt.Errorf("plotting: DCorTraces: no series named %s<representation> in the history (it has %v); turn the dCor diagnostics on", prefix, h.Names())
		}
	}
	inLoss := opts.InLoss
	if inLoss == nil && opts.Compare == nil {
		for _, n := range h.Names() {
			if rep, ok := strings.CutPrefix(n, history.DCorTermPrefix); ok {
				inLoss = append(inLoss, rep)
			}
		}
	}
	p := plot.New()
	fig := NewPanels(1, 1)
	fig.Plots[0][0] = p
	fig.Title = opts.Title
	if fig.Title == "" {
		fig.Title = "dCor(embedding, representation) during training"
		if inLoss != nil && opts.Compare == nil {
			fig.Title += "; solid: in the loss"
		}
	}
	p.X.Label.Text = "step"
	if !strings.HasPrefix(prefix, history.DCorTermPrefix) {
		p.X.Label.Text = monitorAxis
	}
	p.Y.Label.Text = "distance correlation"
	p.Y.Min, p.Y.Max = 0, 1
	p.X.Tick.Marker = stepTicks{}
	p.Add(plotter.NewGrid())
	solid := func(string) []vg.Length { return nil }
	dashed := func(string) []vg.Length { return []vg.Length{vg.Points(4), vg.Points(2.5)} }
	style := solid
	if opts.Compare == nil && inLoss != nil {
		style = func(name string) []vg.Length {
			if slices.Contains(inLoss, strings.TrimPrefix(name, prefix)) {
				return nil
			}
			return dashed(name)
		}
	}
	drawn, err := addTraces(p, fig, h, names, style, true)
	if err != nil {
		return nil, err
	}
	if opts.Compare != nil {
		compareNames := names
		if opts.Names == nil {
			compareNames = withPrefix(opts.Compare, prefix)
		}
		more, err := addTraces(p, fig, opts.Compare, compareNames, dashed, false)
		if err != nil {
			return nil, err
		}
		drawn += more
		for i, run := range []string{cmp.Or(opts.Name, "first run"), cmp.Or(opts.CompareName, "second run")} {
			key, _ := plotter.NewLine(plotter.XYs{})
			key.Color = color.Gray{Y: 0x40}
			key.Width = vg.Points(1.6)
			if i == 1 {
				key.Dashes = dashed("")
			}
			fig.Legend.Add(run, key)
		}
	}
	if drawn == 0 {
		return nil, fmt.Errorf("plotting: DCorTraces: %v have no finite values", names)
	}
	return fig, nil
}

// withPrefix returns the names of h that start with prefix.
func withPrefix(h *history.History, prefix string) []string {
	var names []string
	for _, n := range h.Names() {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	return names
}

// addTraces draws the named series of h on p in their Terms colours with the dashes style gives
// them, adding a legend entry per series when legend is set (once per representation when two
// runs share the figure), and returns how many it drew.
func addTraces(p *plot.Plot, fig *Panels, h *history.History, names []string, style func(string) []vg.Length, legend bool) (int, error) {
	drawn := 0
	for _, name := range names {
		steps := h.Steps() // a loss term's step: computed before that update
		if !lossTermSeries(name) {
			steps = monitorSteps(steps) // a monitor's: after it, 0 before training
		}
		values := h.Series(name)
		if values == nil {
			return 0, fmt.Errorf("plotting: DCorTraces: no series %q in the history (it has %v)", name, h.Names())
		}
		xy := points(steps, values, false)
		if xy.Len() == 0 {
			continue
		}
		for _, pt := range xy {
			if pt.Y < -1e-6 || pt.Y > 1+1e-6 {
				return 0, fmt.Errorf("plotting: DCorTraces: %s is %v at step %v; a distance correlation lies in [0, 1]", name, pt.Y, pt.X)
			}
		}
		line, scatter, err := plotter.NewLinePoints(xy)
		if err != nil {
			return 0, fmt.Errorf("plotting: DCorTraces: %s: %w", name, err)
		}
		c := TermColor(name)
		line.Color = c
		line.Width = vg.Points(1.6)
		line.Dashes = style(name)
		if line.Dashes != nil {
			line.Width = vg.Points(1.1)
		}
		scatter.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(1.8), Shape: draw.CircleGlyph{}}
		if xy.Len() > 60 {
			scatter.GlyphStyle.Radius = 0 // dense logging: the line alone reads better
		}
		p.Add(line, scatter)
		if legend {
			fig.Legend.Add(TermLabel(name), line, scatter)
		}
		drawn++
	}
	return drawn, nil
}

// lossTermSeries says whether a series is an L3 loss term (history.DCorTermPrefix), alone or
// after a run's label ("image+std 1 dcor/hog", as `mvmr report` merges runs), rather than a
// monitor's series.
func lossTermSeries(name string) bool {
	return strings.HasPrefix(name[strings.LastIndexAny(name, " ")+1:], history.DCorTermPrefix)
}
