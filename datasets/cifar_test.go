package datasets

import (
	"path/filepath"
	"strings"
	"testing"
)

// cifarRecords builds n records in the CIFAR binary layout: the label bytes, then the red,
// green and blue planes, each row-major, holding pattern(first+i, y, x, c).
func cifarRecords(first, n int, labels ...[]byte) []byte {
	var out []byte
	for i := range n {
		out = append(out, labels[i]...)
		for c := range 3 {
			for y := range CIFARSide {
				for x := range CIFARSide {
					out = append(out, pattern(first+i, y, x, c))
				}
			}
		}
	}
	return out
}

func TestLoadCIFAR10PixelOrderAndLabels(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, CIFAR10Folder)
	for b, f := range CIFAR10TrainFiles {
		writeFile(t, dir, f, cifarRecords(2*b, 2, []byte{byte(2 * b)}, []byte{byte(2*b + 1)}))
	}
	writeFile(t, dir, CIFAR10TestFile, cifarRecords(100, 1, []byte{7}))
	writeFile(t, dir, "batches.meta.txt", []byte("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n"))

	train, err := Open("cifar10", root, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 10 || train.Height != 32 || train.Channels != 3 || train.NumClasses != 10 {
		t.Fatalf("train: %d images %dx%dx%d, %d classes; want 10 images 32x32x3, 10 classes", train.Len(), train.Height, train.Width, train.Channels, train.NumClasses)
	}
	checkPattern(t, train, 0)
	for i, l := range train.Labels {
		if int(l) != i {
			t.Errorf("train label %d = %d; want %d", i, l, i)
		}
	}
	if len(train.ClassNames) != 10 || train.ClassNames[9] != "truck" {
		t.Errorf("class names %v; want the 10 names of batches.meta.txt", train.ClassNames)
	}
	if train.Mean[0] != 0.491 || train.Std[2] != 0.261 {
		t.Errorf("stats %v %v; want the official CIFAR_STATS", train.Mean, train.Std)
	}
	// The folder itself works as dir too.
	test, err := Open("cifar10", dir, OpenOptions{Split: "test"})
	if err != nil {
		t.Fatal(err)
	}
	checkPattern(t, test, 100)
	if test.Labels[0] != 7 {
		t.Errorf("test label %d; want 7", test.Labels[0])
	}
}

func TestLoadCIFAR100CoarseAndFine(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, CIFAR100Folder)
	writeFile(t, dir, CIFAR100TrainFile, cifarRecords(0, 3, []byte{19, 99}, []byte{0, 5}, []byte{7, 42}))
	fine, err := Open("cifar100", root, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	coarse, err := Open("cifar20", root, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkPattern(t, fine, 0)
	checkPattern(t, coarse, 0)
	if string(fine.Labels) != string([]byte{99, 5, 42}) || fine.NumClasses != 100 {
		t.Errorf("fine labels %v (%d classes); want [99 5 42] of 100", fine.Labels, fine.NumClasses)
	}
	if string(coarse.Labels) != string([]byte{19, 0, 7}) || coarse.NumClasses != 20 {
		t.Errorf("coarse labels %v (%d classes); want [19 0 7] of 20", coarse.Labels, coarse.NumClasses)
	}
}

func TestLoadCIFARBadFiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, CIFAR100Folder)
	good := cifarRecords(0, 3, []byte{1, 2}, []byte{3, 4}, []byte{5, 6})
	cases := []struct {
		name, want string
		data       []byte
	}{
		{"truncated", "record 2 is truncated", good[:len(good)-10]},
		{"empty", "not a positive multiple", nil},
		{"coarse label out of range", "record 1: label byte 0 = 20; expected 0..19", cifarRecords(0, 2, []byte{1, 2}, []byte{20, 4})},
		{"fine label out of range", "record 0: label byte 1 = 100; expected 0..99", cifarRecords(0, 1, []byte{1, 100})},
	}
	for _, tc := range cases {
		path := writeFile(t, dir, CIFAR100TestFile, tc.data)
		_, err := Open("cifar100", root, OpenOptions{Split: "test"})
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v; want one naming %s and %q", tc.name, err, path, tc.want)
		}
	}
	if _, err := Open("cifar10", root, OpenOptions{}); err == nil || !strings.Contains(err.Error(), "data_batch_1.bin not found") {
		t.Errorf("missing CIFAR-10: error %v; want data_batch_1.bin not found", err)
	}
	if _, err := Open("cifar100", root, OpenOptions{Split: "validation"}); err == nil || !strings.Contains(err.Error(), `split "validation"`) {
		t.Errorf("bad split: error %v", err)
	}
	if _, err := Open("voc", root, OpenOptions{}); err == nil || !strings.Contains(err.Error(), "cifar20") {
		t.Errorf("unknown data set: error %v; want the list of names", err)
	}
}

func FuzzDecodeCIFAR(f *testing.F) {
	f.Add(cifarRecords(0, 1, []byte{3, 4}), uint8(1))
	f.Add(cifarRecords(0, 1, []byte{3}), uint8(0))
	f.Add([]byte{1, 2, 3}, uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, variant uint8) {
		format := []CIFARFormat{CIFAR10Format, CIFAR100Format, CIFAR20Format}[int(variant)%3]
		pixels, labels, err := DecodeCIFAR(data, "fuzz.bin", format)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.bin") {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		recordSize := format.LabelBytes + cifarPixels
		if len(labels) != len(data)/recordSize || len(pixels) != len(labels)*cifarPixels {
			t.Fatalf("%d bytes gave %d labels and %d pixels", len(data), len(labels), len(pixels))
		}
		for i, l := range labels {
			if int(l) >= format.NumClasses[format.LabelIndex] {
				t.Fatalf("label %d of record %d out of range", l, i)
			}
			// The red value at (0, 1) is the record's second pixel byte.
			if pixels[i*cifarPixels+3] != data[i*recordSize+format.LabelBytes+1] {
				t.Fatalf("record %d: pixel (0, 1) red misplaced", i)
			}
		}
	})
}
