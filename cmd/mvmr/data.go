package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
)

func runData(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "export" {
		return runDataExport(args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "inspect" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stderr, "usage: mvmr data inspect NAME [DIR] [flags]\n       mvmr data export NAME [DIR] -out OUTDIR")
			return flag.ErrHelp
		}
		return badInput("expected the subcommand inspect or export: mvmr data inspect NAME DIR [-out grid.png], mvmr data export NAME [DIR] -out OUTDIR")
	}
	fs := flag.NewFlagSet("data inspect", flag.ContinueOnError)
	split := fs.String("split", "", "split: train or test; stl10 also unlabeled and train+unlabeled (empty: check every split's files, describe train)")
	size := fs.Int("size", datasets.DefaultFolderSize, "image side for the folder data set")
	resizeTo := fs.Int("resize-to", 0, "folder: shorter side before the centre crop (0: -size; the ImageNet view is 256 with -size 224)")
	subset := fs.String("subset", "", "class list file for the folder data set (official imagenet_{50,100,200}.txt format)")
	out := fs.String("out", "", "write a PNG grid of sample images with their labels to this file")
	perClass := fs.Int("per-class", 8, "sample images per class in the grid")
	policy := fs.String("policy", "", "with -out: preview an augmentation policy ("+strings.Join(datasets.PolicyNames, ", ")+
		"): each sampled image is a row, followed by -views augmented views")
	views := fs.Int("views", 7, "augmented views per image with -policy")
	seed := fs.Uint64("seed", 1, "seed of the -policy views")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: mvmr data inspect NAME [DIR] [flags]\n\nNAME is one of %s; DIR holds its standard files\n"+
			"(mnist without DIR reads the embedded copy).\n\nflags:\n", strings.Join(datasets.Names, ", "))
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args[1:], stderr); err != nil {
		return err
	}
	pos := fs.Args()
	if len(pos) < 1 || len(pos) > 2 || (len(pos) == 1 && pos[0] != "mnist") {
		return badInput("expected NAME DIR (DIR optional for mnist), got %d arguments", len(pos))
	}
	if *perClass < 1 {
		return badInput("-per-class = %d; expected >= 1", *perClass)
	}
	dir := ""
	if len(pos) == 2 {
		dir = pos[1]
	}
	opts := datasets.OpenOptions{Split: *split, Size: *size, ResizeTo: *resizeTo, SubsetFile: *subset}
	every := *split == ""
	if every {
		opts.Split = datasets.SplitTrain
	}
	d, err := datasets.Open(pos[0], dir, opts)
	if err != nil {
		return usageError{err}
	}
	defer d.Close()
	if every {
		if err := checkSplits(d, pos[0], dir, opts, stdout); err != nil {
			return err
		}
	}
	storage := fmt.Sprintf("in memory, %.1f MB", float64(len(d.Images))/1e6)
	if d.Stream != nil && d.Images == nil {
		storage = fmt.Sprintf("streamed from disk (%.1f MB of files), read on demand", float64(d.Len())*float64(d.ImageSize())/1e6)
	}
	fmt.Fprintf(stdout, "data set  %s\nimages    %d\nshape     %dx%dx%d (height x width x channels, uint8)\nstorage   %s\n",
		d.Name, d.Len(), d.Height, d.Width, d.Channels, storage)
	fmt.Fprintf(stdout, "normalise mean %v std %v\n", d.Mean, d.Std)
	fmt.Fprintf(stdout, "classes   %d\n", d.NumClasses)
	if d.Unlabeled {
		fmt.Fprintln(stdout, "labels    placeholders (unlabeled images carry label 0): no class histogram")
	} else {
		for c, n := range d.Histogram() {
			fmt.Fprintf(stdout, "  %3d %-24s %7d  %5.1f%%\n", c, d.ClassName(c), n, 100*float64(n)/float64(max(d.Len(), 1)))
		}
	}
	if *out != "" {
		indices := d.SampleIndices(*perClass)
		grid, cols := d, *perClass
		if *policy != "" {
			if grid, err = policyViews(d, *policy, indices, *views, *seed); err != nil {
				return err
			}
			indices, cols = make([]int, grid.Len()), *views+1
			for i := range indices {
				indices[i] = i
			}
		}
		err := atomicfile.Write(*out, func(w io.Writer) error { return datasets.WriteGridPNG(w, grid, indices, cols) })
		if err != nil {
			return fmt.Errorf("writing %s: %w", *out, err)
		}
		if err := d.Err(); err != nil {
			return err
		}
		if *policy != "" {
			fmt.Fprintf(stdout, "grid      %s (%d images, %d per class, each followed by %d views of policy %s)\n",
				*out, len(indices)/(*views+1), *perClass, *views, *policy)
		} else {
			fmt.Fprintf(stdout, "grid      %s (%d images, %d per class)\n", *out, len(indices), *perClass)
		}
	} else if *policy != "" {
		return badInput("-policy %s previews views in the -out grid; expected -out FILE.png", *policy)
	}
	return nil
}

// checkSplits opens every other split of the data set than d's (datasets.Splits), so that a
// missing or truncated file of any split is reported, and prints one line with each split's size.
func checkSplits(d *datasets.Dataset, name, dir string, opts datasets.OpenOptions, stdout io.Writer) error {
	sizes := []string{fmt.Sprintf("%s %d", opts.Split, d.Len())}
	described := opts.Split
	for _, split := range datasets.Splits(name) {
		if split == described {
			continue
		}
		opts.Split = split
		other, err := datasets.Open(name, dir, opts)
		if err != nil {
			return usageError{fmt.Errorf("split %s: %w", split, err)}
		}
		sizes = append(sizes, fmt.Sprintf("%s %d", split, other.Len()))
		other.Close()
	}
	fmt.Fprintf(stdout, "splits    %s (every split's files read; -split S describes S)\n", strings.Join(sizes, ", "))
	return nil
}

// policyViews builds the -policy preview of data inspect: the sampled images, each followed by
// views augmented copies.
func policyViews(d *datasets.Dataset, policy string, indices []int, views int, seed uint64) (*datasets.Dataset, error) {
	if views < 1 {
		return nil, badInput("-views = %d; expected >= 1", views)
	}
	if d.Height != d.Width {
		return nil, badInput("-policy %s needs square images; %s holds %d×%d", policy, d.Name, d.Height, d.Width)
	}
	a, err := datasets.NewPolicy(policy, d.Height)
	if err != nil {
		return nil, badInput("-policy: %v", err)
	}
	return datasets.AugmentedViews(d, a, indices, views, seed)
}
