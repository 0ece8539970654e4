package plotting

import (
	"fmt"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
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
	// every line is solid.
	InLoss []string
	// Title is the plot title; empty means "dCor(embedding, representation) during training".
	Title string
}

// DCorTraces plots the distance correlation between the embedding and each representation over
// the training steps, one line (with a marker per logged step) per History series, on a fixed
// [0, 1] axis; the legend, beside the plot, carries the series names. Steps where a series was not logged (NaN) are skipped.
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
		for _, n := range h.Names() {
			if strings.HasPrefix(n, prefix) {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("plotting: DCorTraces: no series named %s<representation> in the history (it has %v); turn the dCor diagnostics on", prefix, h.Names())
		}
	}
	inLoss := opts.InLoss
	if inLoss == nil {
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
		if inLoss != nil {
			fig.Title += "; solid: in the loss"
		}
	}
	p.X.Label.Text = "step"
	p.Y.Label.Text = "distance correlation"
	p.Y.Min, p.Y.Max = 0, 1
	p.X.Tick.Marker = integerTicks{}
	p.Add(plotter.NewGrid())
	steps := h.Steps()
	drawn := 0
	for i, name := range names {
		values := h.Series(name)
		if values == nil {
			return nil, fmt.Errorf("plotting: DCorTraces: no series %q in the history (it has %v)", name, h.Names())
		}
		xy := points(steps, values, false)
		if xy.Len() == 0 {
			continue
		}
		for _, pt := range xy {
			if pt.Y < -1e-6 || pt.Y > 1+1e-6 {
				return nil, fmt.Errorf("plotting: DCorTraces: %s is %v at step %v; a distance correlation lies in [0, 1]", name, pt.Y, pt.X)
			}
		}
		line, scatter, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, fmt.Errorf("plotting: DCorTraces: %s: %w", name, err)
		}
		c := SeriesColor(i)
		line.Color = c
		line.Width = vg.Points(1.6)
		line.Dashes = plotutil.Dashes(i / len(Palette))
		scatter.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(1.8), Shape: classShapes[(i/len(Palette))%len(classShapes)]}
		if inLoss != nil && !slices.Contains(inLoss, strings.TrimPrefix(name, prefix)) {
			line.Width = vg.Points(1)
			line.Dashes = []vg.Length{vg.Points(4), vg.Points(2.5)}
		}
		if xy.Len() > 60 {
			scatter.GlyphStyle.Radius = 0 // dense logging: the line alone reads better
		}
		p.Add(line, scatter)
		fig.Legend.Add(name, line, scatter)
		drawn++
	}
	if drawn == 0 {
		return nil, fmt.Errorf("plotting: DCorTraces: %v have no finite values", names)
	}
	return fig, nil
}
