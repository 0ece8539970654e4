package plotting

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// EmbeddingPanel is one map of EmbeddingSeries: a 2-D embedding (x0 y0 x1 y1 ...) of points with
// classes Labels, titled for instance by its training step.
type EmbeddingPanel[F Float, L Label] struct {
	Title  string
	XY     []F
	Labels []L
}

// EmbeddingSeries draws 2-D embeddings side by side as small multiples (one panel each, in
// order, titled by the panel's Title), coloured by class as Embedding2D colours them, with one
// class legend for all: how the same points' map changes, for instance over training steps.
// opts.Title is the figure's title (empty: "<Method> maps by class"); the panels share no axis
// range and show no tick labels, since each map's coordinates are its own (t-SNE is defined up
// to rotation and scale).
func EmbeddingSeries[F Float, L Label](panels []EmbeddingPanel[F, L], opts Embedding2DOptions) (*Panels, error) {
	if len(panels) == 0 {
		return nil, fmt.Errorf("plotting: EmbeddingSeries: no panel to draw")
	}
	fig := NewPanels(1, len(panels))
	var first *embeddingScatter
	for i, panel := range panels {
		o := opts
		if o.MarkerRadius <= 0 {
			o.MarkerRadius = vg.Points(1.3) // small panels: smaller markers than one large map
		}
		sc, err := newEmbeddingScatter(panel.XY, panel.Labels, o)
		if err != nil {
			return nil, fmt.Errorf("plotting: EmbeddingSeries: panel %d (%s): %w", i, panel.Title, err)
		}
		if first != nil && sc.classes != first.classes {
			return nil, fmt.Errorf("plotting: EmbeddingSeries: panel %d (%s) has %d classes, panel 0 %d; expected the same classes in every panel", i, panel.Title, sc.classes, first.classes)
		}
		if first == nil {
			first = sc
		}
		sc.plot.Title.Text = panel.Title
		// A map's coordinates mean nothing on their own (t-SNE is defined up to rotation and
		// scale): no tick labels.
		sc.plot.X.Tick.Marker = plot.ConstantTicks(nil)
		sc.plot.Y.Tick.Marker = plot.ConstantTicks(nil)
		if i > 0 {
			sc.plot.Y.Label.Text = ""
		}
		fig.Plots[0][i] = sc.plot
	}
	fig.Title = opts.Title
	if fig.Title == "" {
		fig.Title = first.method + " maps by class"
	}
	fig.Width, fig.Height = vg.Length(3.2*float64(len(panels))+1.3)*vg.Inch, 3.9*vg.Inch
	first.addLegend(&fig.Legend, opts)
	return fig, nil
}
