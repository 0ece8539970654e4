package main

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
	"github.com/mvmr-ssl/mvmr-go/plotting"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

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
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	paths := fs.Args()
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
	rows, missing, err := mergeResultFiles(dir, title, paths)
	if err != nil {
		return err
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

// mergeCollected, when set (by a test), is called between collecting the rows and writing the
// merged files: where another shard's merge can slip in.
var mergeCollected func()

// maxMergeRounds bounds how often mergeResultFiles rewrites the files while the rows keep
// changing under it.
const maxMergeRounds = 20

// mergeResultFiles collects the rows under paths and writes them to results.{jsonl,csv,md,html}
// in dir, each file atomically. Two shards of a sweep that finish at the same moment merge at
// the same time, and the one that collected first can write last, dropping the other's run; so
// after writing, the rows are collected again and the files rewritten until they hold what was
// collected after they were written. The last files written are then those of a merge that
// collected after every other merge wrote, which holds every finished run.
func mergeResultFiles(dir, title string, paths []string) (rows []runs.Row, missing []string, err error) {
	var written []byte
	for round := 0; ; round++ {
		rows, missing, err = runs.CollectRows(paths...)
		if err != nil {
			return nil, nil, usageError{err}
		}
		if len(rows) == 0 {
			return nil, nil, badInput("no finished run under %v (%d unfinished)", paths, len(missing))
		}
		var jsonl bytes.Buffer
		if err := runs.WriteJSONL(&jsonl, rows); err != nil {
			return nil, nil, err
		}
		if written != nil && bytes.Equal(jsonl.Bytes(), written) {
			return rows, missing, nil
		}
		if round == maxMergeRounds {
			return nil, nil, fmt.Errorf("the results under %v changed during each of %d merges; run mvmr report again once the shards are done", paths, maxMergeRounds)
		}
		if mergeCollected != nil {
			mergeCollected()
		}
		writers := []struct {
			name  string
			write func(io.Writer) error
		}{
			{"results.jsonl", func(w io.Writer) error { _, err := w.Write(jsonl.Bytes()); return err }},
			{"results.csv", func(w io.Writer) error { return runs.WriteCSV(w, rows) }},
			{"results.md", func(w io.Writer) error { return runs.WriteMarkdown(w, rows) }},
			{"results.html", func(w io.Writer) error { return runs.WriteHTML(w, title, rows) }},
		}
		for _, wr := range writers {
			if err := atomicfile.Write(filepath.Join(dir, wr.name), wr.write); err != nil {
				return nil, nil, err
			}
		}
		written = jsonl.Bytes()
	}
}

// ablationResults groups the rows of one protocol (with its variant) by every axis except the
// seed: one bar per configuration, its scores the seeds' top-1. The bar is named by the varying
// axis values, or by the representations when the rows come from lone runs.
func ablationResults(rows []runs.Row, protocol string) []plotting.AblationResult {
	var keys []string
	for _, r := range rows {
		for k := range r.Axes {
			if k != "seed" && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	var results []plotting.AblationResult
	index := map[string]int{}
	for _, r := range rows {
		if r.ProtocolLabel() != protocol {
			continue
		}
		var parts []string
		for _, k := range keys {
			parts = append(parts, r.Axes[k])
		}
		name := strings.Join(parts, " ")
		if len(keys) == 0 {
			name = r.Representations
		}
		i, ok := index[name]
		if !ok {
			i = len(results)
			index[name] = i
			results = append(results, plotting.AblationResult{Name: name})
		}
		results[i].Score = append(results[i].Score, r.Top1)
	}
	return results
}

// ablationFigure draws the top-1 accuracy of each configuration (mean ± std over seeds) under
// the linear probe, or the first protocol, with the run without L3 term ("none") as baseline.
func ablationFigure(title string, rows []runs.Row) (plotting.Figure, error) {
	protocol := rows[0].ProtocolLabel()
	if slices.ContainsFunc(rows, func(r runs.Row) bool { return r.ProtocolLabel() == mvmr.ProtocolLinear }) {
		protocol = mvmr.ProtocolLinear
	}
	results := ablationResults(rows, protocol)
	opts := plotting.AblationOptions{Spread: plotting.SpreadStd, Percent: true, Metric: protocol + " top-1",
		Title: fmt.Sprintf("%s: %s top-1 (mean ± std over seeds)", title, protocol)}
	if slices.ContainsFunc(results, func(r plotting.AblationResult) bool { return r.Name == runs.NoRepresentations }) {
		opts.Baseline = runs.NoRepresentations
	}
	return plotting.Ablation(results, opts)
}

// dcorTracesFigure draws dCor(z, representation) over the steps of every run, one line per run
// and representation ("image+std seed 1 dcor/hog"), from each run's history.csv: the held-out
// diagnostics dcor_diag/<rep> when the run logged them (monitor_every), else its L3 terms (a
// term in maximize mode logs 1 − dCor, one in official mode dCor).
func dcorTracesFigure(title string, rows []runs.Row, paths []string) (plotting.Figure, error) {
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
		loaded, err := runs.LoadRunConfig(filepath.Join(dir, runs.FileConfig))
		if err != nil {
			return nil, err
		}
		modes := map[string]string{}
		for _, rep := range loaded.Config.Representations {
			modes[rep.Name] = cmp.Or(rep.Mode, loaded.Config.L3Mode)
		}
		h, err := runs.ReadHistoryCSV(filepath.Join(dir, runs.FileHistory))
		if err != nil {
			return nil, err
		}
		// The dCor diagnostics on held-out images (monitor_every > 0) when the run logged them,
		// else the L3 terms of the loss, turned into dCor.
		prefix := history.DCorTermPrefix
		if slices.ContainsFunc(h.Names(), func(n string) bool { return strings.HasPrefix(n, history.DCorDiagPrefix) }) {
			prefix = history.DCorDiagPrefix
		}
		for _, n := range h.Names() {
			rep, isL3 := strings.CutPrefix(n, prefix)
			if !isL3 {
				continue
			}
			series := runLabel(r) + " " + n
			names = append(names, series)
			for i, step := range h.Steps() {
				if perStep[step] == nil {
					perStep[step] = map[string]float64{}
				}
				v := h.Series(n)[i]
				if prefix == history.DCorTermPrefix && modes[rep] != string(mvmr.ModeOfficial) {
					v = 1 - v
				}
				perStep[step][series] = v
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
	return plotting.DCorTraces(merged, plotting.DCorTracesOptions{Names: names,
		Title: title + ": dCor(z~, representation) per run"})
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
