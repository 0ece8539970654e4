package plotting

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// AblationResult is one bar of an ablation chart: a configuration (for instance the subset of
// representations in the loss, "image+hog") and its accuracy for each seed.
type AblationResult struct {
	Name  string
	Score []float64
}

// Spread is how Ablation draws the variation over seeds.
type Spread int

const (
	// SpreadMinMax draws error bars from the lowest to the highest seed.
	SpreadMinMax Spread = iota
	// SpreadStd draws error bars of ± one (sample) standard deviation.
	SpreadStd
)

// AblationOptions configures Ablation. The zero value sorts the bars by mean, draws min/max
// error bars, and zooms the value axis onto the results.
type AblationOptions struct {
	// Spread selects min/max (default) or ± std error bars.
	Spread Spread
	// Baseline names the result drawn as a dashed reference line across the chart (for instance
	// "none", the loss without representation terms); empty draws none unless BaselineLabel is set.
	Baseline string
	// BaselineLabel and BaselineValue give a reference from outside the results (for instance
	// "raw pixels" and its probe accuracy); used when Baseline is empty and BaselineLabel is not.
	BaselineLabel string
	BaselineValue float64
	// Unsorted keeps the results' order (top to bottom); by default the best mean is on top.
	Unsorted bool
	// FromZero starts the value axis at 0 instead of just below the lowest result.
	FromZero bool
	// Metric labels the value axis; empty means "accuracy".
	Metric string
	// Percent prints the values in the bar labels and on the axis as percentages (the scores
	// are fractions).
	Percent bool
	// Title is the plot title; empty means "Ablation".
	Title string
}

// Ablation draws one horizontal bar per result at its mean score over seeds, with error bars
// over the seeds, the mean (and its spread) printed beside each bar, the configuration names on
// the axis, and an optional baseline line. Bars are sorted by mean, best on top.
func Ablation(results []AblationResult, opts AblationOptions) (*plot.Plot, error) {
	bars, err := ablationBars(results, opts)
	if err != nil {
		return nil, err
	}
	baselineName, baselineValue, err := ablationBaseline(bars, opts)
	if err != nil {
		return nil, err
	}
	// Index 0 is drawn at the bottom: sort ascending so that the best is on top.
	if opts.Unsorted {
		slices.Reverse(bars)
	} else {
		slices.SortStableFunc(bars, func(a, b ablationBar) int { return cmp.Compare(a.mean, b.mean) })
	}
	p := newAblationPlot(opts)
	lo, hi, err := addAblationBars(p, bars, opts)
	if err != nil {
		return nil, err
	}
	if baselineName != "" {
		if err := addAblationBaseline(p, baselineName, baselineValue, len(bars), opts); err != nil {
			return nil, err
		}
		lo, hi = min(lo, baselineValue), max(hi, baselineValue)
	}
	setAblationAxes(p, bars, lo, hi, opts.FromZero, baselineName != "")
	return p, nil
}

// ablationBar is one result of an ablation chart, summarised over its seeds: lo and hi are the
// ends of its error bar (min and max, or mean ± std).
type ablationBar struct {
	name         string
	mean, lo, hi float64
	std          float64
	seeds        int
	isBaseline   bool
}

// ablationBars checks the results (named, each name once, finite scores) and summarises each.
func ablationBars(results []AblationResult, opts AblationOptions) ([]ablationBar, error) {
	if len(results) == 0 {
		return nil, fmt.Errorf("plotting: Ablation: no results")
	}
	bars := make([]ablationBar, len(results))
	names := map[string]bool{}
	for i, r := range results {
		if r.Name == "" {
			return nil, fmt.Errorf("plotting: Ablation: result %d has no name", i)
		}
		if names[r.Name] {
			return nil, fmt.Errorf("plotting: Ablation: two results are named %q", r.Name)
		}
		names[r.Name] = true
		if len(r.Score) == 0 {
			return nil, fmt.Errorf("plotting: Ablation: result %q has no scores", r.Name)
		}
		b := ablationBar{name: r.Name, lo: math.Inf(1), hi: math.Inf(-1), seeds: len(r.Score), isBaseline: r.Name == opts.Baseline}
		for j, s := range r.Score {
			if math.IsNaN(s) || math.IsInf(s, 0) {
				return nil, fmt.Errorf("plotting: Ablation: result %q, seed %d: score %v; expected a finite number", r.Name, j, s)
			}
			b.lo, b.hi = min(b.lo, s), max(b.hi, s)
		}
		b.mean = stat.Mean(r.Score, nil)
		if len(r.Score) > 1 {
			_, b.std = stat.MeanStdDev(r.Score, nil) // sample std (n − 1)
		}
		if opts.Spread == SpreadStd {
			b.lo, b.hi = b.mean-b.std, b.mean+b.std
		}
		bars[i] = b
	}
	return bars, nil
}

// ablationBaseline returns the reference line's label and value: the mean of the result named
// opts.Baseline, or opts.BaselineLabel and BaselineValue; an empty name means no line.
func ablationBaseline(bars []ablationBar, opts AblationOptions) (string, float64, error) {
	if opts.Baseline != "" {
		i := slices.IndexFunc(bars, func(b ablationBar) bool { return b.isBaseline })
		if i < 0 {
			names := make([]string, len(bars))
			for j, b := range bars {
				names[j] = b.name
			}
			slices.Sort(names)
			return "", 0, fmt.Errorf("plotting: Ablation: baseline %q is not among the results (%s)", opts.Baseline, strings.Join(names, ", "))
		}
		return opts.Baseline, bars[i].mean, nil
	}
	if v := opts.BaselineValue; opts.BaselineLabel != "" && (math.IsNaN(v) || math.IsInf(v, 0)) {
		return "", 0, fmt.Errorf("plotting: Ablation: baseline %q has value %v; expected a finite number", opts.BaselineLabel, v)
	}
	return opts.BaselineLabel, opts.BaselineValue, nil
}

// formatValue prints a score as the bar labels and the baseline's legend show it.
func (opts AblationOptions) formatValue(v float64) string {
	if opts.Percent {
		return fmt.Sprintf("%.2f%%", 100*v)
	}
	return fmt.Sprintf("%.4g", v)
}

// formatSpread prints a standard deviation over seeds.
func (opts AblationOptions) formatSpread(v float64) string {
	if opts.Percent {
		return fmt.Sprintf("%.2f%%", 100*v)
	}
	return fmt.Sprintf("%.2g", v)
}

// newAblationPlot returns the chart with its title, value-axis label and vertical grid lines.
func newAblationPlot(opts AblationOptions) *plot.Plot {
	p := plot.New()
	p.Title.Text = cmp.Or(opts.Title, "Ablation")
	p.X.Label.Text = cmp.Or(opts.Metric, "accuracy")
	spreadName := map[Spread]string{SpreadMinMax: "min–max", SpreadStd: "± std"}[opts.Spread]
	p.X.Label.Text += fmt.Sprintf(" (mean over seeds; bars: %s)", spreadName)
	if opts.Percent {
		p.X.Tick.Marker = percentTicks{}
	}
	grid := plotter.NewGrid()
	grid.Horizontal.Color = nil
	p.Add(grid)
	return p
}

// addAblationBars adds the bars (the baseline's own in grey), their error bars and the value
// labels beside them, and returns the range of values drawn.
func addAblationBars(p *plot.Plot, bars []ablationBar, opts AblationOptions) (lo, hi float64, err error) {
	values := make(plotter.Values, len(bars))
	errs := make(barErrors, len(bars))
	labels := plotter.XYLabels{XYs: make(plotter.XYs, len(bars)), Labels: make([]string, len(bars))}
	lo, hi = math.Inf(1), math.Inf(-1)
	for i, b := range bars {
		values[i] = b.mean
		errs[i] = barError{y: float64(i), x: b.mean, lo: b.mean - b.lo, hi: b.hi - b.mean}
		label := opts.formatValue(b.mean)
		if b.seeds > 1 {
			if opts.Spread == SpreadStd {
				label += " ± " + opts.formatSpread(b.std)
			} else {
				label += " [" + opts.formatValue(b.lo) + ", " + opts.formatValue(b.hi) + "]"
			}
		}
		labels.XYs[i] = plotter.XY{X: b.hi, Y: float64(i)}
		labels.Labels[i] = fmt.Sprintf("%s  n=%d", label, b.seeds)
		lo, hi = min(lo, b.lo), max(hi, b.hi)
	}
	barWidth := vg.Points(max(6, min(22, 220/float64(len(bars)))))
	chart, err := plotter.NewBarChart(values, barWidth)
	if err != nil {
		return 0, 0, fmt.Errorf("plotting: Ablation: %w", err)
	}
	chart.Horizontal = true
	chart.Color = withAlpha(Palette[0], 0xc0)
	chart.LineStyle.Width = 0
	p.Add(chart)
	for i, b := range bars {
		if b.isBaseline { // the baseline's own bar in grey
			only := make(plotter.Values, len(bars))
			only[i] = b.mean
			grey, _ := plotter.NewBarChart(only, barWidth)
			grey.Horizontal = true
			grey.Color = Palette[7]
			grey.LineStyle.Width = 0
			p.Add(grey)
		}
	}
	eb, err := plotter.NewXErrorBars(errs)
	if err != nil {
		return 0, 0, fmt.Errorf("plotting: Ablation: %w", err)
	}
	eb.LineStyle.Width = vg.Points(1.2)
	eb.CapWidth = barWidth * 0.6
	p.Add(eb)
	text, err := plotter.NewLabels(labels)
	if err != nil {
		return 0, 0, fmt.Errorf("plotting: Ablation: %w", err)
	}
	for i := range text.TextStyle {
		text.TextStyle[i].Font.Size = vg.Points(9)
		text.TextStyle[i].YAlign = draw.YCenter
	}
	text.Offset = vg.Point{X: vg.Points(4)}
	p.Add(text)
	return lo, hi, nil
}

// addAblationBaseline draws the baseline as a dashed line across the nBars bars, with its legend.
func addAblationBaseline(p *plot.Plot, name string, value float64, nBars int, opts AblationOptions) error {
	line, err := plotter.NewLine(plotter.XYs{{X: value, Y: -0.6}, {X: value, Y: float64(nBars) - 0.4}})
	if err != nil {
		return fmt.Errorf("plotting: Ablation: baseline: %w", err)
	}
	line.Color = Palette[3]
	line.Width = vg.Points(1.4)
	line.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(line)
	p.Legend.Add("baseline: "+name+" ("+opts.formatValue(value)+")", line)
	p.Legend.Top = true
	p.Legend.Left = true
	return nil
}

// setAblationAxes names the bars on the category axis and fits the value axis to [lo, hi], with
// room for the value labels (and the legend, with a baseline).
func setAblationAxes(p *plot.Plot, bars []ablationBar, lo, hi float64, fromZero, baseline bool) {
	axisNames := make([]string, len(bars))
	for i, b := range bars {
		axisNames[i] = b.name
	}
	p.NominalY(axisNames...)
	span := hi - lo
	if span == 0 {
		span = math.Max(math.Abs(hi), 1) * 0.01
	}
	p.X.Min = lo - 0.15*span
	if fromZero || (lo >= 0 && p.X.Min < 0) {
		p.X.Min = min(0, lo)
	}
	p.X.Max = hi + 0.45*span // room for the value labels
	p.Y.Min, p.Y.Max = -0.6, float64(len(bars))-0.4
	if baseline {
		p.Y.Max += 0.8 // room for the legend
	}
}

// barError is one horizontal error bar: centre (x, y), extents lo below and hi above.
type barError struct{ x, y, lo, hi float64 }

type barErrors []barError

func (e barErrors) Len() int                        { return len(e) }
func (e barErrors) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e barErrors) XError(i int) (float64, float64) { return e[i].lo, e[i].hi }
