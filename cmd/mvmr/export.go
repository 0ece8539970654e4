package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// Formats of mvmr export.
const (
	exportONNX = "onnx"
	exportNpy  = "npy"
)

func runExport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	checkpoint := fs.String("checkpoint", "", "checkpoint file, or a run folder holding "+checkpointFile)
	format := fs.String("format", exportONNX, "onnx: the encoder as an ONNX model (OUT.onnx); npy: h, z, labels and indices of a split as .npy files (OUT folder)")
	withZ := fs.Bool("z", false, "onnx: add the embedding z (the projector's output) as a second output next to h")
	dataName := fs.String("data", "mnist", "npy: the data set to encode ("+strings.Join(datasets.Names, ", ")+")")
	dataDir := fs.String("dir", "", "npy: folder of the data set's files (empty: the embedded MNIST)")
	split := fs.String("split", datasets.SplitTest, "npy: the split to encode")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr export -checkpoint RUN [-format onnx] [-z] OUT.onnx\n       mvmr export -checkpoint RUN -format npy [-data NAME -dir DIR -split S] OUT_DIR\n\n"+
			"onnx writes the trained backbone (h, and z with -z) as a standard ONNX model (opset 13) taking float32\n"+
			"(N, C, H, W) images normalised as in training (the model's metadata records the mean and std);\n"+
			"npy writes the h and z the kit computes for a split's images, as mvmr eval -export does.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return badInput("expected one output path, got %d arguments", fs.NArg())
	}
	ckpt, err := checkpointPath(*checkpoint)
	if err != nil {
		return err
	}
	out := fs.Arg(0)
	switch *format {
	case exportONNX:
		e, err := mvmr.ExportONNX(ckpt, out, mvmr.ONNXExportOptions{Z: *withZ})
		if err != nil {
			return usageError{err}
		}
		outputs := fmt.Sprintf("h (N, %d)", e.HDim)
		if e.ZDim > 0 {
			outputs += fmt.Sprintf(", z (N, %d)", e.ZDim)
		}
		fmt.Fprintf(stdout, "wrote %s (%.1f MB): step %d encoder, input images (N, %d, %d, %d) normalised with mean %v std %v; outputs %s\n",
			e.Path, float64(e.Bytes)/1e6, e.Step, e.Channels, e.Height, e.Width, e.Mean, e.Std, outputs)
		return nil
	case exportNpy:
		data, err := datasets.Open(*dataName, *dataDir, datasets.OpenOptions{Split: *split})
		if err != nil {
			return usageError{err}
		}
		defer data.Close()
		trainer, err := mvmr.LoadTrainer(ckpt, data)
		if err != nil {
			return usageError{err}
		}
		defer trainer.Close()
		paths, err := trainer.ExportEmbeddings(data, out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%d images of %s)\n", strings.Join(paths, ", "), data.Len(), data.Name)
		return nil
	}
	return badInput("-format = %q; expected %s or %s", *format, exportONNX, exportNpy)
}

// checkpointPath checks -checkpoint: a file, or a run folder holding checkpointFile.
func checkpointPath(path string) (string, error) {
	if path == "" {
		return "", badInput("-checkpoint is required (a file written by Trainer.Save, or a run folder such as mvmr-quickstart)")
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", badInput("-checkpoint: %v", err)
	}
	if info.IsDir() {
		path = filepath.Join(path, checkpointFile)
		if _, err := os.Stat(path); err != nil {
			return "", badInput("-checkpoint: the folder holds no %s: %v", checkpointFile, err)
		}
	}
	return path, nil
}
