package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/internal/finite"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// paramFlags collects repeated -param key=value flags.
type paramFlags struct{ params reps.Params }

func (p *paramFlags) String() string { return fmt.Sprint(p.params) }

func (p *paramFlags) Set(kv string) error {
	key, value, err := reps.ParseParam(kv)
	if err != nil {
		return err
	}
	if p.params == nil {
		p.params = reps.Params{}
	}
	p.params[key] = value
	return nil
}

func runRep(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rep", flag.ContinueOnError)
	var params paramFlags
	fs.Var(&params, "param", "representation parameter key=value (repeatable), e.g. -param nbins=9 -param mode=interpolated")
	list := fs.Bool("list", false, "list the registered representations and their output sizes")
	shape := fs.String("shape", "28x28x1", "image shape HxWxC for -list")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr rep [-param k=v ...] NAME IN.npy OUT.npy\n       mvmr rep -list [-shape HxWxC]\n\n"+
			"Computes representation NAME of the (B, C, H, W) float32/float64 images in IN.npy (normalised, the official\n"+
			"code's layout) and writes it to OUT.npy as float32 in the official layout, e.g. (B, C*nbins, H/pool, W/pool) for hog.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *list {
		h, w, c, err := parseShape(*shape)
		if err != nil {
			return err
		}
		return mvmr.Representations().WriteTable(stdout, h, w, c)
	}
	if fs.NArg() != 3 {
		return badInput("expected NAME IN.npy OUT.npy, got %d arguments", fs.NArg())
	}
	rep, err := mvmr.Representations().New(fs.Arg(0), params.params)
	if err != nil {
		return usageError{err}
	}
	images, err := npy.ReadArrayFile(fs.Arg(1))
	if err != nil {
		return usageError{err}
	}
	if err := finite.Check(fs.Arg(1)+" (images, C-order index)", images.Shape, images.Data); err != nil {
		return usageError{err}
	}
	backend, err := mvmr.NewBackend()
	if err != nil {
		return err
	}
	features, err := reps.ComputeRepresentation(backend, rep, images)
	if err != nil {
		return badInput("%s: %v", fs.Arg(1), err)
	}
	var buf bytes.Buffer
	if err := npy.WriteArray(&buf, features.Data, features.Shape, false); err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(fs.Arg(2), buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %v -> %s %v\n", fs.Arg(0), images.Shape, fs.Arg(2), features.Shape)
	return nil
}

// parseShape parses "HxWxC".
func parseShape(s string) (h, w, c int, err error) {
	parts := strings.Split(s, "x")
	if len(parts) != 3 {
		return 0, 0, 0, badInput("-shape %q; expected HxWxC such as 28x28x1", s)
	}
	var dims [3]int
	for i, p := range parts {
		dims[i], err = strconv.Atoi(p)
		if err != nil || dims[i] < 1 {
			return 0, 0, 0, badInput("-shape %q; expected HxWxC with positive integers", s)
		}
	}
	return dims[0], dims[1], dims[2], nil
}
