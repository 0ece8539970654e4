package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// writeCIFAR10 writes a CIFAR-10 folder whose file b holds two records labelled 2b and 2b+1
// (the test file one record labelled 3), all pixels equal to the label·20.
func writeCIFAR10(t *testing.T, root string) string {
	t.Helper()
	dir := filepath.Join(root, datasets.CIFAR10Folder)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	record := func(label byte) []byte {
		r := []byte{label}
		for range 3072 {
			r = append(r, label*20)
		}
		return r
	}
	for b, f := range append(datasets.CIFAR10TrainFiles, datasets.CIFAR10TestFile) {
		data := append(record(byte(2*b)), record(byte(2*b+1))...)
		if f == datasets.CIFAR10TestFile {
			data = record(3)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDataInspectCommand(t *testing.T) {
	root := t.TempDir()
	writeCIFAR10(t, root)
	grid := filepath.Join(t.TempDir(), "grid.png")
	code, out, errOut := runCLI("data", "inspect", "cifar10", root, "-out", grid, "-per-class", "1")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{"cifar10/train", "images    10", "shape     32x32x3", "classes   10", "    9 9       ", "grid      " + grid + " (10 images, 1 per class)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	f, err := os.Open(grid)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// One row per class, 1 image per row: 64-px cells (32 px enlarged twice) with captions.
	cellH := 64 + datasets.GridLabelHeight + 2
	if b := img.Bounds(); b.Dx() != 64+4 || b.Dy() != 10*cellH+2 {
		t.Errorf("grid %dx%d; want %dx%d", b.Dx(), b.Dy(), 68, 10*cellH+2)
	}
	// The cell of class 3 (4th row) shows the image's grey value 60.
	if r, _, _, _ := img.At(2+10, 2+3*cellH+10).RGBA(); r>>8 != 60 {
		t.Errorf("class-3 cell pixel %d; want 60", r>>8)
	}

	// -policy: each image is a row followed by -views augmented views.
	views := filepath.Join(t.TempDir(), "views.png")
	code, out, errOut = runCLI("data", "inspect", "cifar10", root, "-out", views, "-per-class", "1", "-policy", "autoaugment", "-views", "3")
	if code != 0 || !strings.Contains(out, "(10 images, 1 per class, each followed by 3 views of policy autoaugment)") {
		t.Fatalf("-policy: exit %d, stderr %s, output\n%s", code, errOut, out)
	}
	if f, err := os.Open(views); err != nil {
		t.Error(err)
	} else {
		img, err := png.Decode(f)
		f.Close()
		if b := img.Bounds(); err != nil || b.Dx() != 4*66+2 || b.Dy() != 10*cellH+2 {
			t.Errorf("views grid %v, %v; want %dx%d", b, err, 4*66+2, 10*cellH+2)
		}
	}
	for _, args := range [][]string{
		{"data", "inspect", "cifar10", root, "-policy", "autoaugment"},
		{"data", "inspect", "cifar10", root, "-out", views, "-policy", "wild"},
		{"data", "inspect", "cifar10", root, "-out", views, "-policy", "cifar", "-views", "0"},
	} {
		if code, _, errOut := runCLI(args...); code != 2 || !strings.Contains(errOut, "-") {
			t.Errorf("%v: exit %d, stderr %s; want a usage error", args, code, errOut)
		}
	}

	code, out, _ = runCLI("data", "inspect", "-split", "test", "cifar10", root)
	if code != 0 || !strings.Contains(out, "images    1\n") || !strings.Contains(out, "    3 3                              1  100.0%") {
		t.Errorf("test split: exit %d, output\n%s", code, out)
	}
	for _, args := range [][]string{
		{"data", "inspect", "cifar10", filepath.Join(root, "missing")},
		{"data", "inspect", "cifar10"},
		{"data", "inspect", "svhn", root},
		{"data", "list"},
	} {
		if code, _, errOut := runCLI(args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want status 2 and a message", args, code, errOut)
		}
	}
}

// Without -split, data inspect reads every split's files: a truncated test file is reported
// (naming it) even though the train split it describes is whole; -split train still describes
// train alone.
func TestDataInspectChecksEverySplit(t *testing.T) {
	root := t.TempDir()
	dir := writeCIFAR10(t, root)
	code, out, errOut := runCLI("data", "inspect", "cifar10", root)
	if code != 0 || !strings.Contains(out, "splits    train 10, test 1 (every split's files read") {
		t.Fatalf("whole files: exit %d, stderr %q, output\n%s", code, errOut, out)
	}
	test := filepath.Join(dir, datasets.CIFAR10TestFile)
	raw, err := os.ReadFile(test)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(test, raw[:len(raw)-100], 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI("data", "inspect", "cifar10", root)
	if code != 2 || !strings.Contains(errOut, "split test") || !strings.Contains(errOut, datasets.CIFAR10TestFile) {
		t.Errorf("truncated %s: exit %d, stderr %q; want exit 2 naming the split and the file", datasets.CIFAR10TestFile, code, errOut)
	}
	code, out, errOut = runCLI("data", "inspect", "cifar10", root, "-split", "train")
	if code != 0 || strings.Contains(out, "splits") || !strings.Contains(out, "cifar10/train") {
		t.Errorf("-split train: exit %d, stderr %q, output\n%s", code, errOut, out)
	}
}

func TestDataExportCommand(t *testing.T) {
	root := t.TempDir()
	writeCIFAR10(t, root)
	out := t.TempDir()
	code, stdout, errOut := runCLI("data", "export", "cifar10", root, "-out", out)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, split := range []string{"train", "test"} {
		d, err := datasets.Open("cifar10", root, datasets.OpenOptions{Split: split})
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(out, split+"_images.npy"))
		if err != nil {
			t.Fatal(err)
		}
		headerLen := int(binary.LittleEndian.Uint16(raw[8:]))
		header := string(raw[10 : 10+headerLen])
		wantShape := fmt.Sprintf("'shape': (%d, 32, 32, 3)", d.Len())
		if !strings.Contains(header, "'|u1'") || !strings.Contains(header, wantShape) {
			t.Errorf("%s header %q; want |u1 and %s", split, header, wantShape)
		}
		if !bytes.Equal(raw[10+headerLen:], d.Images) {
			t.Errorf("%s: the exported pixels differ from the data set's", split)
		}
		labels, err := os.ReadFile(filepath.Join(out, split+"_labels.npy"))
		if err != nil {
			t.Fatal(err)
		}
		body := labels[10+int(binary.LittleEndian.Uint16(labels[8:])):]
		if len(body) != 8*d.Len() || int32(binary.LittleEndian.Uint64(body[8*(d.Len()-1):])) != d.Labels[d.Len()-1] {
			t.Errorf("%s labels: %d bytes for %d images, or the last label differs", split, len(body), d.Len())
		}
		if !strings.Contains(stdout, "cifar10 "+split+": ") {
			t.Errorf("output lacks the %s line:\n%s", split, stdout)
		}
	}
	if code, _, errOut := runCLI("data", "export", "cifar10", root); code == 0 || !strings.Contains(errOut, "-out is empty") {
		t.Errorf("without -out: exit %d, stderr %s", code, errOut)
	}
}
