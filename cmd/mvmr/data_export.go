package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// runDataExport writes a data set's train and test splits as NumPy arrays, so that another
// framework (bench/torch_quickstart.py) trains and probes on exactly the kit's images:
// OUT/{train,test}_images.npy (uint8, [N, H, W, C]) and OUT/{train,test}_labels.npy (int64, [N]).
func runDataExport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("data export", flag.ContinueOnError)
	out := fs.String("out", "", "output folder (created)")
	splits := fs.String("splits", "train,test", "comma-separated splits to write")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: mvmr data export NAME [DIR] -out OUTDIR\n\nWrites OUTDIR/SPLIT_images.npy (uint8 [N, H, W, C], the stored pixels before normalisation)\n"+
			"and OUTDIR/SPLIT_labels.npy (int64 [N]) of each split. NAME is one of %s; mnist without DIR\nreads the embedded copy.\n\nflags:\n",
			strings.Join(datasets.Names, ", "))
		fs.PrintDefaults()
	}
	var pos []string
	rest := args
	for {
		if err := parseFlags(fs, rest, stderr); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(pos) < 1 || len(pos) > 2 || (len(pos) == 1 && pos[0] != "mnist") {
		return badInput("expected NAME DIR (DIR optional for mnist), got %d arguments", len(pos))
	}
	if *out == "" {
		return badInput("-out is empty; expected the folder to write the .npy files to")
	}
	dir := ""
	if len(pos) == 2 {
		dir = pos[1]
	}
	for _, split := range strings.Split(*splits, ",") {
		d, err := datasets.Open(pos[0], dir, datasets.OpenOptions{Split: strings.TrimSpace(split)})
		if err != nil {
			return usageError{err}
		}
		files, err := exportSplit(d, *out, strings.TrimSpace(split))
		d.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s %s: %d images %dx%dx%d → %s\n", pos[0], split, d.Len(), d.Height, d.Width, d.Channels, strings.Join(files, ", "))
	}
	return nil
}

// exportSplit writes one split's images and labels; a streamed data set (no images in memory)
// or one without labels is refused rather than written with placeholders.
func exportSplit(d *datasets.Dataset, out, split string) ([]string, error) {
	if d.Images == nil {
		return nil, badInput("%s is streamed from disk; export needs a data set held in memory", d.Name)
	}
	if d.Unlabeled {
		return nil, badInput("%s has no labels (placeholders only); export writes labelled splits", d.Name)
	}
	images := filepath.Join(out, split+"_images.npy")
	labels := filepath.Join(out, split+"_labels.npy")
	shape := []int{d.Len(), d.Height, d.Width, d.Channels}
	if err := atomicfile.Write(images, func(w io.Writer) error { return npy.WriteUint8Array(w, d.Images, shape) }); err != nil {
		return nil, fmt.Errorf("writing %s: %w", images, err)
	}
	l := make([]int64, len(d.Labels))
	for i, v := range d.Labels {
		l[i] = int64(v)
	}
	if err := atomicfile.Write(labels, func(w io.Writer) error { return npy.WriteInt64Array(w, l, []int{len(l)}) }); err != nil {
		return nil, fmt.Errorf("writing %s: %w", labels, err)
	}
	return []string{images, labels}, nil
}
