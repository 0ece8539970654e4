// Command knnwhiten exports h of a quickstart checkpoint for MNIST's training and test images as
// .npy files (OUT/train/h.npy, OUT/test/h.npy, labels beside them), the input of select.py, which
// chose the quickstart's kNN whitening (mvmr.KNNWhitenDims) on a validation split of the training
// images:
//
//	go run ./bench/knnwhiten -checkpoint mvmr-quickstart/checkpoint.mvmr -out /tmp/knnx/s1
//	/usr/bin/python3 bench/knnwhiten/select.py /tmp/knnx/s1
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

func main() {
	checkpoint := flag.String("checkpoint", "", "quickstart checkpoint (checkpoint.mvmr)")
	out := flag.String("out", "", "output folder")
	flag.Parse()
	if err := run(*checkpoint, *out); err != nil {
		fmt.Fprintln(os.Stderr, "knnwhiten:", err)
		os.Exit(1)
	}
}

func run(checkpoint, out string) error {
	if checkpoint == "" || out == "" {
		return fmt.Errorf("-checkpoint %q, -out %q: expected a checkpoint file and an output folder", checkpoint, out)
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		return err
	}
	trainer, err := mvmr.LoadTrainer(checkpoint, train)
	if err != nil {
		return err
	}
	defer trainer.Close()
	for _, split := range []struct {
		name string
		data *datasets.Dataset
	}{{"train", train}, {"test", test}} {
		paths, err := trainer.ExportEmbeddings(split.data, filepath.Join(out, split.name))
		if err != nil {
			return err
		}
		fmt.Println(paths)
	}
	return nil
}
