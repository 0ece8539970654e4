package plotting

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Float is the element type of coordinate slices the figures accept.
type Float interface{ ~float32 | ~float64 }

// Label is the element type of class-label slices the figures accept (datasets use int32).
type Label interface {
	~uint8 | ~uint16 | ~uint32 | ~int | ~int8 | ~int16 | ~int32 | ~int64
}

// Embedding2DOptions configures Embedding2D. The zero value names classes "0", "1", ... and
// picks the marker size from the number of points.
type Embedding2DOptions struct {
	// ClassNames[k] is the legend name of label k; nil names classes by their number.
	ClassNames []string
	// Method names the projection on the axes ("t-SNE" gives "t-SNE 1" and "t-SNE 2");
	// empty means "dim".
	Method string
	// Title is the figure title; empty means "<Method> embedding by class".
	Title string
	// MarkerRadius is the points' radius; 0 picks 2.2 pt up to 1 000 points, 1.4 pt up to
	// 5 000 and 1 pt beyond.
	MarkerRadius vg.Length
	// Opacity of the points in (0, 1]; 0 means 0.75 (overlaps stay visible).
	Opacity float64
	// LabelClusters prints each class name at the median of its points. It is on by default
	// beyond MaxLegendClasses classes, where the legend gives way to it.
	LabelClusters bool
}

// MaxLegendClasses is the most classes Embedding2D lists in a legend; beyond it (CIFAR-100) the
// class names are printed on the clusters instead.
const MaxLegendClasses = 40

// Embedding2D draws a 2-D embedding (t-SNE, PCA) as a scatter plot coloured by class, with a
// legend of class names beside the plot. xy holds the points row-major, x0 y0 x1 y1 ...;
// labels holds one class per point. Points are drawn in a fixed shuffled order so that no class
// hides the others; 10 000 points render to PNG in about 0.6 s (BenchmarkEmbedding2D).
func Embedding2D[F Float, L Label](xy []F, labels []L, opts Embedding2DOptions) (*Panels, error) {
	sc, err := newEmbeddingScatter(xy, labels, opts)
	if err != nil {
		return nil, fmt.Errorf("plotting: Embedding2D: %w", err)
	}
	fig := NewPanels(1, 1)
	fig.Plots[0][0] = sc.plot
	fig.Title = opts.Title
	if fig.Title == "" {
		fig.Title = sc.method + " embedding by class"
		if sc.method == "dim" {
			fig.Title = "2-D embedding by class"
		}
	}
	fig.Width, fig.Height = 7.5*vg.Inch, 6*vg.Inch
	sc.addLegend(&fig.Legend, opts)
	return fig, nil
}

// embeddingScatter is one 2-D embedding drawn by class: its plot, and what its legend needs.
type embeddingScatter struct {
	plot    *plot.Plot
	method  string
	classes int
	styles  []draw.GlyphStyle
	counts  []int
}

// newEmbeddingScatter checks one embedding and draws it as Embedding2D describes.
func newEmbeddingScatter[F Float, L Label](xy []F, labels []L, opts Embedding2DOptions) (*embeddingScatter, error) {
	n := len(labels)
	switch {
	case n == 0:
		return nil, fmt.Errorf("no points")
	case len(xy) != 2*n:
		return nil, fmt.Errorf("%d coordinates for %d labels; expected %d (x, y per point)", len(xy), n, 2*n)
	}
	classes := 0
	for i, l := range labels {
		if l < 0 || (opts.ClassNames != nil && int(l) >= len(opts.ClassNames)) {
			return nil, fmt.Errorf("label %d of point %d is out of range [0, %d)", l, i, max(1, len(opts.ClassNames)))
		}
		classes = max(classes, int(l)+1)
	}
	if opts.ClassNames != nil {
		classes = len(opts.ClassNames)
	}
	pts := make(plotter.XYs, n)
	for i := range n {
		x, y := float64(xy[2*i]), float64(xy[2*i+1])
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
			return nil, fmt.Errorf("point %d is (%v, %v); expected finite coordinates", i, x, y)
		}
		pts[i] = plotter.XY{X: x, Y: y}
	}
	radius := opts.MarkerRadius
	if radius <= 0 {
		switch {
		case n <= 1000:
			radius = vg.Points(2.2)
		case n <= 5000:
			radius = vg.Points(1.4)
		default:
			radius = vg.Points(1)
		}
	}
	opacity := opts.Opacity
	if opacity <= 0 || opacity > 1 {
		opacity = 0.75
	}
	styles := make([]draw.GlyphStyle, classes)
	for k := range styles {
		styles[k] = ClassGlyph(k, radius)
		styles[k].Color = withAlpha(styles[k].Color, uint8(math.Round(255*opacity)))
	}

	// A fixed permutation interleaves the classes, so the last class drawn does not cover the rest.
	order := rand.New(rand.NewPCG(0x5ca7, uint64(n))).Perm(n)
	shuffled := make(plotter.XYs, n)
	shuffledLabels := make([]int, n)
	counts := make([]int, classes)
	for i, j := range order {
		shuffled[i] = pts[j]
		shuffledLabels[i] = int(labels[j])
		counts[labels[j]]++
	}
	scatter, err := plotter.NewScatter(shuffled)
	if err != nil {
		return nil, err
	}
	scatter.GlyphStyleFunc = func(i int) draw.GlyphStyle { return styles[shuffledLabels[i]] }

	method := opts.Method
	if method == "" {
		method = "dim"
	}
	p := plot.New()
	p.X.Label.Text = method + " 1"
	p.Y.Label.Text = method + " 2"
	p.Add(scatter)
	if opts.LabelClusters || classes > MaxLegendClasses {
		className := func(k int) string { return embeddingClassName(opts, k) }
		labels, err := clusterLabels(pts, labels, classes, className)
		if err != nil {
			return nil, err
		}
		p.Add(labels)
	}
	return &embeddingScatter{plot: p, method: method, classes: classes, styles: styles, counts: counts}, nil
}

// embeddingClassName is the legend name of class k.
func embeddingClassName(opts Embedding2DOptions, k int) string {
	if opts.ClassNames != nil {
		return opts.ClassNames[k]
	}
	return strconv.Itoa(k)
}

// addLegend adds one marker per class to legend (none beyond MaxLegendClasses classes, whose
// names sit on the clusters).
func (sc *embeddingScatter) addLegend(legend *plot.Legend, opts Embedding2DOptions) {
	if sc.classes > MaxLegendClasses {
		return
	}
	if sc.classes > 20 {
		legend.TextStyle.Font.Size = vg.Points(8)
	}
	for k := range sc.classes {
		if sc.counts[k] == 0 && opts.ClassNames == nil {
			continue
		}
		legendStyle := sc.styles[k]
		legendStyle.Radius = vg.Points(3.5)
		legendStyle.Color = ClassGlyph(k, 0).Color
		legend.Add(embeddingClassName(opts, k), glyphThumb(legendStyle))
	}
}

// clusterLabels returns the class names placed at the coordinate-wise median of each class's
// points.
func clusterLabels[L Label](pts plotter.XYs, labels []L, classes int, name func(int) string) (*plotter.Labels, error) {
	xs, ys := make([][]float64, classes), make([][]float64, classes)
	for i, l := range labels {
		xs[l] = append(xs[l], pts[i].X)
		ys[l] = append(ys[l], pts[i].Y)
	}
	var at plotter.XYLabels
	for k := range classes {
		if len(xs[k]) == 0 {
			continue
		}
		slices.Sort(xs[k])
		slices.Sort(ys[k])
		at.XYs = append(at.XYs, plotter.XY{X: xs[k][len(xs[k])/2], Y: ys[k][len(ys[k])/2]})
		at.Labels = append(at.Labels, name(k))
	}
	text, err := plotter.NewLabels(at)
	if err != nil {
		return nil, err
	}
	for i := range text.TextStyle {
		text.TextStyle[i].Font.Size = vg.Points(9)
		text.TextStyle[i].XAlign = draw.XCenter
		text.TextStyle[i].YAlign = draw.YCenter
	}
	return text, nil
}

// glyphThumb is a legend thumbnail showing one marker.
type glyphThumb draw.GlyphStyle

// Thumbnail draws the marker at the centre of c (plot.Thumbnailer).
func (g glyphThumb) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(draw.GlyphStyle(g), c.Center())
}
