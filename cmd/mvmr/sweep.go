package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// sweepFlags are the sweep command's flags; deploy/ manifests are tested against them.
type sweepFlags struct {
	shard    string
	out      string
	progress time.Duration
	list     bool
	fs       *flag.FlagSet
}

func newSweepFlags(stderr io.Writer) *sweepFlags {
	f := &sweepFlags{fs: flag.NewFlagSet("sweep", flag.ContinueOnError)}
	f.fs.StringVar(&f.shard, "shard", "0/1", "run the i-th of n disjoint slices of the runs, i/n with 0 <= i < n (Slurm: $SLURM_ARRAY_TASK_ID/N, Kubernetes: $(JOB_COMPLETION_INDEX)/N)")
	f.fs.StringVar(&f.out, "out", "", "sweep folder, shared by all shards (default: the sweep file's out, relative to the file)")
	f.fs.BoolVar(&f.list, "list", false, "list the shard's runs and whether they are finished, and exit")
	f.fs.DurationVar(&f.progress, "progress", 30*time.Second, "interval between progress lines")
	f.fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr sweep [flags] SWEEP.yaml\n\nRuns the shard's runs one after the other in SWEEP_OUT/<run id>/ (run ids are stable), skipping\n"+
			"finished ones and resuming interrupted ones, then merges the results of every finished run of the\n"+
			"sweep (all shards) into SWEEP_OUT/results.{jsonl,csv,md,html}. A run that fails (a NaN loss) is\n"+
			"reported and the sweep goes on; the exit status is then 1.\n\nflags:")
		f.fs.PrintDefaults()
	}
	return f
}

func runSweep(args []string, stdout, stderr io.Writer) error {
	f := newSweepFlags(stderr)
	if err := parseFlags(f.fs, args, stderr); err != nil {
		return err
	}
	positional := f.fs.Args()
	if len(positional) != 1 {
		return badInput("expected one sweep file, got %q", positional)
	}
	shard, err := runs.ParseShard(f.shard)
	if err != nil {
		return usageError{err}
	}
	sweep, err := runs.LoadSweep(positional[0])
	if err != nil {
		return usageError{err}
	}
	if f.out != "" {
		sweep.Out = f.out
	}
	all, err := sweep.Runs()
	if err != nil {
		return usageError{err}
	}
	mine := shard.Select(all)
	fmt.Fprintf(stdout, "sweep %s: %d runs, shard %d/%d runs %d, in %s\n", sweep.Name, len(all), shard.Index, shard.Count, len(mine), sweep.OutDir())
	if f.list {
		for _, r := range mine {
			state := "to do"
			if s, err := runs.ReadStatus(filepath.Join(sweep.OutDir(), r.ID)); err == nil {
				state = s.State
			}
			fmt.Fprintf(stdout, "%-60s %s\n", r.ID, state)
		}
		return nil
	}
	ctx, stop := signalContext()
	defer stop()
	var failed []string
	start := time.Now()
	trained := 0 // runs trained (not skipped) by this process, for the time left
	for k, r := range mine {
		dir := filepath.Join(sweep.OutDir(), r.ID)
		left := ""
		if trained > 0 {
			perRun := time.Since(start) / time.Duration(trained)
			left = fmt.Sprintf(" (%s elapsed, about %s left)", time.Since(start).Round(time.Second), (perRun * time.Duration(len(mine)-k)).Round(time.Second))
		}
		fmt.Fprintf(stdout, "\n[%d/%d] %s%s\n", k+1, len(mine), r.ID, left)
		for _, n := range r.Notices {
			fmt.Fprintf(stdout, "note: %s\n", n)
		}
		outcome, err := runs.Run(ctx, r.Config, dir, runs.Options{Resume: true, Progress: stdout, Log: stdout, ProgressEvery: f.progress,
			Sweep: sweep.Name, RunID: r.ID, Axes: r.Axes})
		if err == nil && !outcome.Skipped {
			trained++
		}
		var interrupted *runs.InterruptedError
		var nonFinite *mvmr.NonFiniteLossError
		switch {
		case err == nil:
		case errors.As(err, &interrupted):
			return err
		case errors.As(err, &nonFinite):
			fmt.Fprintf(stderr, "mvmr sweep: %v\n", err)
			failed = append(failed, r.ID)
		default:
			return fmt.Errorf("run %s: %w", r.ID, err)
		}
	}
	if err := writeMergedResults(sweep.OutDir(), sweep.OutDir(), stdout, []string{sweep.OutDir()}); err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d runs failed: %v", len(failed), failed)
	}
	return nil
}
