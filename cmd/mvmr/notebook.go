package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/internal/nbexec"
)

func runNotebook(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("notebook", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "run the notebook's quick settings ("+nbexec.QuickEnv+"=1)")
	timeout := fs.Duration("timeout", 15*time.Minute, "the longest one cell may run")
	executed := fs.String("executed", "", "also keep the executed notebook (.ipynb) at this path")
	report := fs.Bool("report", false, "leave the code cells out of the page (as nbconvert --no-input): markdown, outputs and figures only")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr notebook [-quick] [-report] [-timeout D] [-executed RUN.ipynb] NOTEBOOK.ipynb OUT.html\n\n"+
			"Executes the notebook headless on the GoNB kernel (jupyter nbconvert --execute; install both with\n"+
			"scripts/setup-notebooks.sh), fails on a cell's error, panic or `exit status`, and writes OUT.html with\n"+
			"every figure embedded; -report leaves the code cells out. The page is written even when a cell failed,\n"+
			"to show where.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return badInput("expected NOTEBOOK.ipynb OUT.html, got %d arguments", fs.NArg())
	}
	in, out := fs.Arg(0), fs.Arg(1)
	if !strings.EqualFold(filepath.Ext(in), ".ipynb") {
		return badInput("notebook %s: expected a .ipynb file", in)
	}
	if !strings.EqualFold(filepath.Ext(out), ".html") {
		return badInput("output %s: expected a .html file", out)
	}
	if info, err := os.Stat(in); err != nil {
		return badInput("notebook %s: %v", in, err)
	} else if info.IsDir() {
		return badInput("notebook %s is a directory; expected a .ipynb file", in)
	}
	if *timeout <= 0 {
		return badInput("-timeout %s; expected a positive duration", *timeout)
	}
	if err := nbexec.Require(); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "mvmr-notebook-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var env []string
	if *quick {
		env = append(env, nbexec.QuickEnv+"=1")
	}
	start := time.Now()
	fmt.Fprintf(stdout, "executing %s on the GoNB kernel ...\n", in)
	ctx := context.Background()
	raw, err := nbexec.Execute(ctx, in, dir, *timeout, env...)
	if err != nil {
		return err
	}
	problems, err := nbexec.Check(raw, nbexec.Expectation{})
	if err != nil {
		return fmt.Errorf("executed %s: %w", in, err)
	}
	executedPath := filepath.Join(dir, filepath.Base(in))
	if *executed != "" {
		if err := atomicfile.WriteBytes(*executed, raw); err != nil {
			return fmt.Errorf("saving the executed notebook: %w", err)
		}
	}
	html, err := nbexec.ToHTML(ctx, executedPath, nbexec.HTMLOptions{Report: *report})
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(out, html); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d KiB) in %s\n", out, len(html)/1024, time.Since(start).Round(time.Second))
	if len(problems) > 0 {
		return fmt.Errorf("%s failed (see %s): %w", in, out, problems)
	}
	return nil
}
