package plotting

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// CollapseOptions configures Collapse. The zero value finds the series by the statistic their
// names end with, as the trainer's collapse monitor logs them (history.ZStdMin, ...; also in a
// merged history, "variant: collapse/z_std_min"): names containing history.CollapseStdMin or
// CollapseStdMean ("std_min", "std_mean") go to the std panel, names containing
// history.CollapseRankMe ("rankme") to the rank panel and names containing
// history.CollapseBelowMargin ("below_margin") to a third panel.
type CollapseOptions struct {
	// Std are the per-dimension standard deviation series (min, mean, of z and h) of the upper
	// panel; nil picks the names containing "std_min" or "std_mean".
	Std []string
	// Rank are the effective-rank series (RankMe) of the second panel; nil picks the names
	// containing "rankme".
	Rank []string
	// Below are the series of the fraction of dimensions whose std is below the margin, in a
	// third panel on a [0, 1] axis; nil picks the names containing "below_margin".
	Below []string
	// Margin, when positive, draws the variance hinge's target (γ, 1 in the official code) as a
	// dashed line in the upper panel: dimensions whose std falls below it are collapsing.
	Margin float64
	// Dim, when positive, draws the embedding dimension (the largest possible rank) as a dashed
	// line in the lower panel.
	Dim int
	// LogStd uses a logarithmic std axis (collapse shows as a fall by decades).
	LogStd bool
	// Title is the figure title; empty means "Collapse monitors".
	Title string
}

// Collapse draws the collapse monitors over the training steps in panels sharing the step axis
// (steps applied when measured, history.Updates: 0 is the initialised encoder):
// the per-dimension std of the embeddings (min and mean) on top, their effective rank below, and
// the fraction of dimensions below the variance margin at the bottom when it was logged.
// A healthy run keeps the min std near the margin and the rank high; a collapsing one sees the
// min std fall towards 0 and the rank drop. Each embedding (z, h), or each run of a merged
// history, has one colour in every panel; the std panel draws the min solid and the mean dashed.
// Each panel has its own legend beside it, naming in words what that panel draws ("z
// (embedding), min std", "mse only", "margin γ = 1"), never an internal series name.
func Collapse(h *history.History, opts CollapseOptions) (*Panels, error) {
	if h == nil || h.Len() == 0 {
		return nil, fmt.Errorf("plotting: Collapse: the history is empty; train some steps first")
	}
	stdNames := pickSeries(h, opts.Std, history.CollapseStdMin, history.CollapseStdMean)
	rankNames := pickSeries(h, opts.Rank, history.CollapseRankMe)
	belowNames := pickSeries(h, opts.Below, history.CollapseBelowMargin)
	if len(stdNames) == 0 && len(rankNames) == 0 && len(belowNames) == 0 {
		return nil, fmt.Errorf("plotting: Collapse: no std, rank or below-margin series in the history (it has %v); turn the collapse monitors on or name the series in CollapseOptions", h.Names())
	}
	c := &collapsePanels{h: h, steps: monitorSteps(h.Steps()), fig: NewPanels(1, 1), colours: map[string]int{},
		legends: map[*plot.Plot]*plot.Legend{}, xMin: math.Inf(1), xMax: math.Inf(-1)}
	c.fig.Title = cmp.Or(opts.Title, "Collapse monitors")
	stdPlot, err := c.panel(stdNames, "per-dimension std", opts.LogStd, false)
	if err != nil {
		return nil, err
	}
	rankPlot, err := c.panel(rankNames, "effective rank", false, true)
	if err != nil {
		return nil, err
	}
	belowPlot, err := c.panel(belowNames, "dims below margin", false, false)
	if err != nil {
		return nil, err
	}
	if belowPlot != nil {
		belowPlot.Y.Min, belowPlot.Y.Max = 0, 1
		belowPlot.Y.Tick.Marker = percentTicks{}
	}
	if err := c.reference(stdPlot, opts.Margin, fmt.Sprintf("margin γ = %g", opts.Margin)); err != nil {
		return nil, err
	}
	if err := c.reference(rankPlot, float64(opts.Dim), fmt.Sprintf("dimension = %d", opts.Dim)); err != nil {
		return nil, err
	}
	if !c.stack(stdPlot, rankPlot, belowPlot) {
		return nil, fmt.Errorf("plotting: Collapse: %v have no finite values", slices.Concat(stdNames, rankNames, belowNames))
	}
	return c.fig, nil
}

// pickSeries returns given, or when it is nil the names of h that contain one of the statistics
// (history.CollapseStdMin, ...), in the history's order.
func pickSeries(h *history.History, given []string, statistics ...string) []string {
	if given != nil {
		return given
	}
	var out []string
	for _, n := range h.Names() {
		for _, k := range statistics {
			if strings.Contains(n, k) {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// collapseFamily maps a collapse series to its family: the series of one embedding share a colour
// ("z_std_min", "z_std_mean", "z_rank"); the min std is solid, the mean dashed.
var collapseFamily = strings.NewReplacer(history.CollapseStdMin, "", history.CollapseStdMean, "", history.CollapseBelowMargin, "",
	history.CollapseRankMe, "", "rank", "")

// collapsePanels builds the panels of Collapse, which share the legend, the colour of each
// series family and the step range.
type collapsePanels struct {
	h          *history.History
	steps      []int64
	fig        *Panels
	colours    map[string]int
	legends    map[*plot.Plot]*plot.Legend // each panel's legend
	xMin, xMax float64
}

// familyLabel is the legend text of a family of collapse series: "z (embedding)" and
// "h (encoder features)" for one run's monitors, the run's name ("mse only") for a merged history.
func familyLabel(key string) string {
	key = strings.TrimSuffix(strings.Replace(key, "collapse/", "", 1), "_")
	// A run's own name may hold ": " ("all: image+std+hog"): the embedding follows the last one.
	run, emb, merged := key, key, false
	if i := strings.LastIndex(key, ": "); i >= 0 {
		run, emb, merged = key[:i], key[i+2:], true
	}
	human := map[string]string{"z": "z (embedding)", "h": "h (encoder features)"}[emb]
	switch {
	case merged && emb == "z":
		return run
	case merged:
		return run + ": " + emb
	case human != "":
		return human
	}
	return key
}

// seriesLabel is the legend text of one collapse series: its family's (familyLabel), with
// ", min std" or ", mean std" when the std panel draws both.
func seriesLabel(name string, bothStd bool) string {
	label := familyLabel(collapseFamily.Replace(name))
	switch {
	case bothStd && strings.Contains(name, history.CollapseStdMin):
		return label + ", min std"
	case bothStd && strings.Contains(name, history.CollapseStdMean):
		return label + ", mean std"
	}
	return label
}

// panel draws the named series in a panel of their own; nil when none has a finite value (or
// names is empty).
func (c *collapsePanels) panel(names []string, yLabel string, logY, integerY bool) (*plot.Plot, error) {
	if len(names) == 0 {
		return nil, nil
	}
	p := plot.New()
	legend := plot.NewLegend()
	c.legends[p] = &legend
	p.Y.Label.Text = yLabel
	p.X.Tick.Marker = stepTicks{}
	if integerY {
		p.Y.Tick.Marker = integerTicks{}
	}
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
	p.Add(plotter.NewGrid())
	floor := math.Inf(1)
	if logY {
		floor = c.logFloor(names)
	}
	yMax, drawn := 0.0, 0
	hasStat := func(stat string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, stat) })
	}
	bothStd := hasStat(history.CollapseStdMin) && hasStat(history.CollapseStdMean)
	for _, name := range names {
		values := c.h.Series(name)
		if values == nil {
			return nil, fmt.Errorf("plotting: Collapse: no series %q in the history (it has %v)", name, c.h.Names())
		}
		xy := points(c.steps, values, false)
		if xy.Len() == 0 {
			continue // never logged (a merged run without this monitor)
		}
		if logY {
			for i := range xy {
				xy[i].Y = max(xy[i].Y, floor)
			}
		}
		line, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("plotting: Collapse: %s: %w", name, err)
		}
		key := collapseFamily.Replace(name)
		if _, ok := c.colours[key]; !ok {
			c.colours[key] = len(c.colours) // one colour per embedding or run, in every panel
		}
		line.Color = SeriesColor(c.colours[key])
		line.Width = vg.Points(1.5)
		if strings.Contains(name, history.CollapseStdMean) && bothStd {
			line.Dashes = plotutil.Dashes(1) // dashed only beside a solid min line
		}
		p.Add(line)
		legend.Add(seriesLabel(name, bothStd), line)
		drawn++
		for _, pt := range xy {
			c.xMin, c.xMax, yMax = min(c.xMin, pt.X), max(c.xMax, pt.X), max(yMax, pt.Y)
		}
	}
	if drawn == 0 {
		return nil, nil
	}
	if !logY {
		p.Y.Min = 0
		p.Y.Max = yMax * 1.08
	}
	return p, nil
}

// logFloor is where a log axis draws the values ≤ 0 of the named series (a fully collapsed
// dimension has std 0): a decade below the smallest positive value, so that collapse shows as a
// line pinned to the bottom rather than a gap.
func (c *collapsePanels) logFloor(names []string) float64 {
	floor := math.Inf(1)
	for _, name := range names {
		for _, v := range c.h.Series(name) {
			if v > 0 && !math.IsInf(v, 0) {
				floor = min(floor, v/10)
			}
		}
	}
	if math.IsInf(floor, 1) {
		floor = 1e-6
	}
	return floor
}

// reference draws a dashed horizontal line at y > 0 across the steps of panel p, with its legend.
func (c *collapsePanels) reference(p *plot.Plot, y float64, label string) error {
	if p == nil || y <= 0 {
		return nil
	}
	line, err := plotter.NewLine(plotter.XYs{{X: c.xMin, Y: y}, {X: c.xMax, Y: y}})
	if err != nil {
		return fmt.Errorf("plotting: Collapse: %s: %w", label, err)
	}
	line.Color = Palette[7]
	line.Width = vg.Points(1)
	line.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(line)
	c.legends[p].Add(label, line)
	p.Y.Max = max(p.Y.Max, y*1.08)
	return nil
}

// stack puts the panels drawn (not nil) one above the other on the shared step axis, which only
// the lowest one labels, and sizes the figure; false when there is none.
func (c *collapsePanels) stack(panels ...*plot.Plot) bool {
	c.fig.Plots = nil
	for _, p := range panels {
		if p != nil {
			p.X.Min, p.X.Max = c.xMin, c.xMax
			c.fig.Plots = append(c.fig.Plots, []*plot.Plot{p})
			c.fig.RowLegends = append(c.fig.RowLegends, *c.legends[p])
		}
	}
	if len(c.fig.Plots) == 0 {
		return false
	}
	c.fig.Plots[len(c.fig.Plots)-1][0].X.Label.Text = monitorAxis
	c.fig.Height = []vg.Length{DefaultHeight, 6 * vg.Inch, 7.5 * vg.Inch}[len(c.fig.Plots)-1]
	return true
}

// monitorAxis labels the x axis of monitor series (monitorSteps).
const monitorAxis = "step"

// monitorSteps returns the x of monitor records: the updates applied when each was measured
// (history.Updates), 0 for the record before training (history.InitialStep).
func monitorSteps(steps []int64) []int64 {
	out := make([]int64, len(steps))
	for i, s := range steps {
		out[i] = history.Updates(s)
	}
	return out
}
