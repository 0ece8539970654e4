// Command probetune fits the kit's linear probe (mvmr.LinearProbe) with a grid of settings on a
// validation split of the training features, never the test set: the first -memory training rows
// fit the probe, the rest score it. Its input is the h of a checkpoint exported by bench/knnwhiten
// (DIR/train/h.npy, rows in the order of MNIST's training images, whose labels it reads):
//
//	go run ./bench/knnwhiten -checkpoint mvmr-quickstart/checkpoint.mvmr -out /tmp/knnx/s1
//	go run ./bench/probetune /tmp/knnx/s1 [/tmp/knnx/s2 ...]
//
// It prints one line per (features, epochs, weight decay, lr) with the validation top-1.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

func main() {
	memory := flag.Int("memory", 50000, "training rows that fit the probe; the rest of the training rows score it")
	epochs := flag.String("epochs", "20,60", "epochs to try (comma-separated)")
	wds := flag.String("wd", "0,1e-4,1e-3,1e-2", "weight decays to try")
	lrs := flag.String("lr", "2e-3", "learning rates to try")
	flag.Parse()
	if err := run(flag.Args(), *memory, *epochs, *wds, *lrs); err != nil {
		fmt.Fprintln(os.Stderr, "probetune:", err)
		os.Exit(1)
	}
}

func run(dirs []string, memory int, epochList, wdList, lrList string) error {
	if len(dirs) == 0 {
		return fmt.Errorf("expected one or more folders written by bench/knnwhiten")
	}
	epochs, err := parseInts(epochList)
	if err != nil {
		return fmt.Errorf("-epochs: %w", err)
	}
	wds, err := parseFloats(wdList)
	if err != nil {
		return fmt.Errorf("-wd: %w", err)
	}
	lrs, err := parseFloats(lrList)
	if err != nil {
		return fmt.Errorf("-lr: %w", err)
	}
	backend, err := mvmr.NewBackend()
	if err != nil {
		return err
	}
	for _, dir := range dirs {
		fit, val, err := load(dir, memory)
		if err != nil {
			return err
		}
		for _, e := range epochs {
			for _, wd := range wds {
				for _, lr := range lrs {
					config := mvmr.DefaultProbeConfig()
					config.Epochs, config.WeightDecay, config.LR = e, wd, lr
					start := time.Now()
					r, err := mvmr.LinearProbe(backend, fit, val, config)
					if err != nil {
						return err
					}
					fmt.Printf("%s epochs %d wd %g lr %g: validation top-1 %.2f %% (fit rows %.2f %%), %s\n", dir, e, wd, lr,
						100*r.Top1, 100*r.TrainTop1, time.Since(start).Round(time.Second))
				}
			}
		}
	}
	return nil
}

// load reads DIR/train/h.npy with MNIST's training labels and splits the rows into the first memory and the rest.
func load(dir string, memory int) (fit, val mvmr.Features, err error) {
	h, err := npy.ReadFile(filepath.Join(dir, "train", "h.npy"))
	if err != nil {
		return fit, val, err
	}
	train, _, err := datasets.LoadMNISTTrainTest() // knnwhiten exports the rows in the data set's order
	if err != nil {
		return fit, val, err
	}
	if train.Len() != h.Rows || memory <= 0 || memory >= h.Rows {
		return fit, val, fmt.Errorf("%s: %d feature rows, %d MNIST training images, -memory %d: expected one row per image and 0 < memory < rows",
			dir, h.Rows, train.Len(), memory)
	}
	part := func(lo, hi int) mvmr.Features {
		f := mvmr.Features{N: hi - lo, Dim: h.Cols, NumClasses: 10, Data: make([]float32, (hi-lo)*h.Cols), Labels: make([]int32, hi-lo)}
		for i, v := range h.Data[lo*h.Cols : hi*h.Cols] {
			f.Data[i] = float32(v)
		}
		copy(f.Labels, train.Labels[lo:hi])
		return f
	}
	return part(0, memory), part(memory, h.Rows), nil
}

func parseInts(s string) ([]int, error) {
	fs, err := parseFloats(s)
	out := make([]int, len(fs))
	for i, f := range fs {
		out[i] = int(f)
	}
	return out, err
}

func parseFloats(s string) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(s, ",") {
		var f float64
		if _, err := fmt.Sscan(part, &f); err != nil {
			return nil, fmt.Errorf("%q: %w", part, err)
		}
		out = append(out, f)
	}
	return out, nil
}
