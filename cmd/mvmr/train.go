package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mvmr-ssl/mvmr-go/runs"
)

// signalContext is cancelled by SIGINT (Ctrl-C) or SIGTERM (Slurm, Kubernetes): runs then
// finish their step, save a checkpoint and stop. A second signal kills the process.
func signalContext() (context.Context, func()) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // the default handlers again: a second Ctrl-C ends the process at once
	}()
	return ctx, stop
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	var cf runs.Flags
	cf.Register(fs)
	out := fs.String("out", "", "run folder (default mvmr-runs/<config name>)")
	resume := fs.Bool("resume", false, "continue the run from the folder's checkpoint")
	printOnly := fs.Bool("print", false, "print the config in full and exit")
	every := fs.Duration("progress", 10*time.Second, "interval between progress lines")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr train [flags] [CONFIG.yaml]\n\nTrains one run in a run folder: config.yaml (the config in full), checkpoints every\n"+
			"checkpoint_every steps, history.csv, loss_components.{png,svg}, results.jsonl (one row per eval protocol)\n"+
			"and status.json. Ctrl-C or SIGTERM saves a checkpoint and exits with status 130; --resume continues.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	positional := fs.Args()
	switch {
	case len(positional) > 1:
		return badInput("expected one config file, got %q", positional)
	case len(positional) == 1 && cf.Config != "" && cf.Config != positional[0]:
		return badInput("config given twice: %s and --config %s", positional[0], cf.Config)
	case len(positional) == 1:
		cf.Config = positional[0]
	}
	loaded, err := cf.Load()
	if err != nil {
		return usageError{err}
	}
	for _, n := range loaded.Notices {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	config := loaded.Config
	if err := config.Validate(); err != nil {
		return usageError{err}
	}
	if *printOnly {
		y, err := config.YAML()
		if err != nil {
			return err
		}
		_, err = stdout.Write(y)
		return err
	}
	dir := *out
	if dir == "" {
		name := "default"
		if cf.Config != "" {
			name = strings.TrimSuffix(filepath.Base(cf.Config), filepath.Ext(cf.Config))
		}
		dir = filepath.Join("mvmr-runs", name)
	}
	ctx, stop := signalContext()
	defer stop()
	outcome, err := runs.Run(ctx, config, dir, runs.Options{Resume: *resume, Progress: stdout, Log: stdout, ProgressEvery: *every})
	if errors.Is(err, runs.ErrNeedsResume) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	if outcome.Skipped {
		fmt.Fprintf(stdout, "%s holds a finished run; its results:\n", dir)
	}
	fmt.Fprintln(stdout)
	if err := runs.WriteMarkdown(stdout, outcome.Rows); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nwrote %s/{%s,%s,%s,%s.png,%s}\n", dir, runs.FileConfig, runs.FileHistory, runs.FileResults,
		runs.FileLossFigure, runs.FileCheckpoint)
	return nil
}
