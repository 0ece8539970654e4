package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
	"github.com/mvmr-ssl/mvmr-go/plotting"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

func init() {
	registerCommand("report", "merge the results of runs and sweeps (all shards) into one table and figures: mvmr report [--out DIR] RUN_OR_SWEEP_DIR...", runReport)
}

func runReport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	out := fs.String("out", "", "output folder (default: the folder given, or mvmr-report for several)")
	title := fs.String("title", "", "title of the HTML table and the figures (default: the output folder's name)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr report [flags] RUN_OR_SWEEP_DIR...\n\nReads results.jsonl of run folders (or of the run folders inside sweep folders) and writes\n"+
			"results.{jsonl,csv,md,html}, ablation.{png,svg} (top-1 per configuration, mean ± std over seeds)\n"+
			"and dcor_traces.{png,svg} (every run's L3 terms) to the output folder; prints the markdown table.\n\nflags:")
		fs.PrintDefaults()
	}
	paths, err := parseInterspersed(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return badInput("expected at least one run or sweep folder")
	}
	dir := *out
	if dir == "" {
		dir = "mvmr-report"
		if len(paths) == 1 {
			dir = paths[0]
		}
	}
	name := *title
	if name == "" {
		name = filepath.Base(dir)
	}
	return writeMergedResults(dir, name, stdout, paths)
}

// writeMergedResults collects the rows under paths and writes the merged table and figures.
func writeMergedResults(dir, title string, stdout io.Writer, paths []string) error {
	rows, missing, err := runs.CollectRows(paths...)
	if err != nil {
		return usageError{err}
	}
	if len(rows) == 0 {
		return badInput("no finished run under %v (%d unfinished)", paths, len(missing))
	}
	writers := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"results.jsonl", func(w io.Writer) error { return runs.WriteJSONL(w, rows) }},
		{"results.csv", func(w io.Writer) error { return runs.WriteCSV(w, rows) }},
		{"results.md", func(w io.Writer) error { return runs.WriteMarkdown(w, rows) }},
		{"results.html", func(w io.Writer) error { return runs.WriteHTML(w, title, rows) }},
	}
	for _, wr := range writers {
		if err := atomicfile.Write(filepath.Join(dir, wr.name), wr.write); err != nil {
			return err
		}
	}
	written := []string{"results.{jsonl,csv,md,html}"}
	if fig, err := ablationFigure(title, rows); err == nil {
		if _, err := plotting.SaveAll(fig, filepath.Join(dir, "ablation"), "png", "svg"); err != nil {
			return err
		}
		written = append(written, "ablation.{png,svg}")
	} else {
		fmt.Fprintf(stdout, "no ablation figure: %v\n", err)
	}
	if fig, err := dcorTracesFigure(title, rows, paths); err == nil {
		if _, err := plotting.SaveAll(fig, filepath.Join(dir, "dcor_traces"), "png", "svg"); err != nil {
			return err
		}
		written = append(written, "dcor_traces.{png,svg}")
	} else {
		fmt.Fprintf(stdout, "no dCor traces figure: %v\n", err)
	}
	var md bytes.Buffer
	if err := runs.WriteMarkdown(&md, rows); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d result rows", len(rows))
	if len(missing) > 0 {
		fmt.Fprintf(stdout, " (%d runs not finished: %s)", len(missing), strings.Join(missing, ", "))
	}
	fmt.Fprintf(stdout, "\n\n%s\nwrote %s in %s\n", md.String(), strings.Join(written, ", "), dir)
	return nil
}

// ablationGroup is one bar: a configuration (the axes but the seed) under one protocol.
type ablationGroup struct {
	label  string
	values []float64
}

// ablationGroups groups the rows of protocol by every axis except seed; the bar label is the
// varying axis values. Without axes the runs are labelled by their representations.
func ablationGroups(rows []runs.Row, protocol string) []ablationGroup {
	var keys []string
	for _, r := range rows {
		for k := range r.Axes {
			if k != "seed" && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	var groups []ablationGroup
	index := map[string]int{}
	for _, r := range rows {
		if r.Protocol != protocol {
			continue
		}
		var parts []string
		for _, k := range keys {
			parts = append(parts, r.Axes[k])
		}
		label := strings.Join(parts, " ")
		if len(keys) == 0 {
			label = r.Representations
		}
		i, ok := index[label]
		if !ok {
			i = len(groups)
			index[label] = i
			groups = append(groups, ablationGroup{label: label})
		}
		groups[i].values = append(groups[i].values, 100*r.Top1)
	}
	return groups
}

func meanStd(v []float64) (mean, std float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) > 1 {
		for _, x := range v {
			std += (x - mean) * (x - mean)
		}
		std = math.Sqrt(std / float64(len(v)-1))
	}
	return mean, std
}

type meanErrors struct{ means, stds []float64 }

func (m meanErrors) Len() int                        { return len(m.means) }
func (m meanErrors) XY(i int) (float64, float64)     { return float64(i), m.means[i] }
func (m meanErrors) YError(i int) (float64, float64) { return m.stds[i], m.stds[i] }

// ablationFigure draws the top-1 accuracy of each configuration (mean over seeds, with the
// standard deviation as error bars) for the linear probe, or the first protocol.
// TODO(plotting): use plotting.Ablation once it is in main.
func ablationFigure(title string, rows []runs.Row) (*plot.Plot, error) {
	protocol := rows[0].Protocol
	for _, r := range rows {
		if r.Protocol == "linear" {
			protocol = "linear"
		}
	}
	groups := ablationGroups(rows, protocol)
	var m meanErrors
	var labels []string
	lo := math.Inf(1)
	for _, g := range groups {
		mean, std := meanStd(g.values)
		m.means, m.stds = append(m.means, mean), append(m.stds, std)
		labels = append(labels, g.label)
		lo = min(lo, mean-std)
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: %s top-1 (mean ± std over seeds)", title, protocol)
	p.Y.Label.Text = "top-1 %"
	bars, err := plotter.NewBarChart(plotter.Values(m.means), vg.Points(18))
	if err != nil {
		return nil, err
	}
	bars.Color = plotting.SeriesColor(0)
	errs, err := plotter.NewYErrorBars(m)
	if err != nil {
		return nil, err
	}
	p.Add(plotter.NewGrid(), bars, errs)
	p.NominalX(labels...)
	p.X.Tick.Label.Rotation = math.Pi / 6
	p.X.Tick.Label.XAlign = -1
	p.Y.Min = math.Max(0, math.Floor(lo-2))
	return p, nil
}

// dcorTracesFigure draws the L3 terms (dcor/<representation>) of every run over its steps, one
// series per run and term, named "<run> dcor/<rep>".
// TODO(plotting): use plotting.DCorTraces once it is in main.
func dcorTracesFigure(title string, rows []runs.Row, paths []string) (*plot.Plot, error) {
	perStep := map[int64]map[string]float64{}
	var names []string
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.Run] {
			continue
		}
		seen[r.Run] = true
		dir, ok := runFolder(r, paths)
		if !ok {
			continue
		}
		h, err := runs.ReadHistoryCSV(filepath.Join(dir, runs.FileHistory))
		if err != nil {
			return nil, err
		}
		for _, n := range h.Names() {
			if !strings.HasPrefix(n, mvmr.RepresentationTermPrefix) {
				continue
			}
			series := runLabel(r) + " " + n
			names = append(names, series)
			for i, step := range h.Steps() {
				if perStep[step] == nil {
					perStep[step] = map[string]float64{}
				}
				perStep[step][series] = h.Series(n)[i]
			}
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no run has an L3 (dcor/) term")
	}
	steps := make([]int64, 0, len(perStep))
	for s := range perStep {
		steps = append(steps, s)
	}
	slices.Sort(steps)
	merged := history.New()
	for _, s := range steps {
		if err := merged.Append(s, perStep[s]); err != nil {
			return nil, err
		}
	}
	return plotting.LossComponents(merged, plotting.LossComponentsOptions{Names: names, HideRaw: true,
		Title: title + ": L3 terms per run (1 − dCor or dCor)"})
}

// runLabel names a run by its axis values in key order ("image+std 1"), or by its id.
func runLabel(r runs.Row) string {
	if len(r.Axes) == 0 {
		return r.Run
	}
	keys := make([]string, 0, len(r.Axes))
	for k := range r.Axes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = r.Axes[k]
		if k == "seed" {
			parts[i] = "seed " + r.Axes[k]
		}
	}
	return strings.Join(parts, " ")
}

// runFolder finds the folder of a result row's run under the given paths.
func runFolder(r runs.Row, paths []string) (string, bool) {
	for _, p := range paths {
		for _, dir := range []string{p, filepath.Join(p, r.Run)} {
			if filepath.Base(dir) == r.Run {
				if _, err := runs.ReadStatus(dir); err == nil {
					return dir, true
				}
			}
		}
	}
	return "", false
}
