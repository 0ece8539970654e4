package datasets

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// stl10Records builds n images in STL-10's layout: three planes, each column-major (the first
// 96 bytes are column 0 from top to bottom), holding pattern(first+i, y, x, c).
func stl10Records(first, n int) []byte {
	var out []byte
	for i := range n {
		for c := range 3 {
			for x := range STL10Side {
				for y := range STL10Side {
					out = append(out, pattern(first+i, y, x, c))
				}
			}
		}
	}
	return out
}

func TestSTL10GradientReadsBackUpright(t *testing.T) {
	// A vertical gradient: red grows with the row, green with the column, written column-major.
	rec := make([]byte, STL10RecordSize)
	plane := STL10Side * STL10Side
	for x := range STL10Side {
		for y := range STL10Side {
			rec[x*STL10Side+y] = uint8(2 * y)
			rec[plane+x*STL10Side+y] = uint8(2 * x)
			rec[2*plane+x*STL10Side+y] = 200
		}
	}
	pixels, err := DecodeSTL10Images(rec, "g.bin")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]int{{0, 0}, {0, 95}, {95, 0}, {10, 70}} {
		y, x := p[0], p[1]
		o := (y*STL10Side + x) * 3
		if pixels[o] != uint8(2*y) || pixels[o+1] != uint8(2*x) || pixels[o+2] != 200 {
			t.Errorf("pixel (y=%d, x=%d) = %v; want red %d (row gradient), green %d (column gradient), blue 200",
				y, x, pixels[o:o+3], 2*y, 2*x)
		}
	}
}

func TestLoadSTL10Splits(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, STL10Folder)
	writeFile(t, dir, stl10TrainX, stl10Records(0, 2))
	writeFile(t, dir, stl10TrainY, []byte{1, 10})
	writeFile(t, dir, stl10TestX, stl10Records(10, 1))
	writeFile(t, dir, stl10TestY, []byte{4})
	writeFile(t, dir, stl10UnlabeledX, stl10Records(20, 3))
	writeFile(t, dir, "class_names.txt", []byte("airplane\nbird\ncar\ncat\ndeer\ndog\nhorse\nmonkey\nship\ntruck\n"))

	train, err := Open("stl10", root, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkPattern(t, train, 0)
	if string(train.Labels) != string([]byte{0, 9}) || train.ClassNames[7] != "monkey" || train.Mean[0] != 0.485 {
		t.Errorf("train labels %v names %v mean %v; want [0 9] (1..10 → 0..9), STL names, ImageNet stats", train.Labels, train.ClassNames, train.Mean)
	}
	test, err := Open("stl10", dir, OpenOptions{Split: "test"})
	if err != nil {
		t.Fatal(err)
	}
	checkPattern(t, test, 10)
	if test.Labels[0] != 3 {
		t.Errorf("test label %d; want 3", test.Labels[0])
	}

	unl, err := Open("stl10", root, OpenOptions{Split: "unlabeled"})
	if err != nil {
		t.Fatal(err)
	}
	defer unl.Close()
	if unl.Images != nil || unl.Stream == nil || !unl.Unlabeled || unl.Len() != 3 {
		t.Fatalf("unlabeled: images in memory %v, streamed %v, unlabeled %v, %d images; want streamed, 3 images",
			unl.Images != nil, unl.Stream != nil, unl.Unlabeled, unl.Len())
	}
	checkPattern(t, unl, 20)

	both, err := Open("stl10", root, OpenOptions{Split: "train+unlabeled"})
	if err != nil {
		t.Fatal(err)
	}
	defer both.Close()
	if both.Len() != 5 || string(both.Labels) != string([]byte{0, 9, 0, 0, 0}) {
		t.Fatalf("train+unlabeled: %d images, labels %v; want 5, [0 9 0 0 0]", both.Len(), both.Labels)
	}
	for i, first := range []int{0, 1, 20, 21, 22} {
		img := both.Image(i)
		if img[0] != pattern(first, 0, 0, 0) || img[len(img)-1] != pattern(first, 95, 95, 2) {
			t.Errorf("train+unlabeled image %d is not source image %d", i, first)
		}
	}
	// The labelled training images keep their labels; the unlabelled ones are marked as such,
	// and every label-using step refuses the mixed set.
	for i, want := range []bool{true, true, false, false, false} {
		if both.HasLabel(i) != want {
			t.Errorf("train+unlabeled HasLabel(%d) = %v; want %v", i, both.HasLabel(i), want)
		}
	}
	if head := both.Subset(2); head.CheckLabeled("probe") != nil {
		t.Errorf("the first 2 (labelled) images of train+unlabeled: %v; want no error", head.CheckLabeled("probe"))
	}
	if err := both.CheckLabeled("probe"); err == nil || !strings.Contains(err.Error(), "image 2 has a placeholder label") {
		t.Errorf("CheckLabeled on train+unlabeled: %v; want an error naming image 2", err)
	}
	if unl.HasLabel(0) || train.CheckLabeled("probe") != nil {
		t.Errorf("unlabeled HasLabel(0) = %v, train CheckLabeled = %v; want false, nil", unl.HasLabel(0), train.CheckLabeled("probe"))
	}
	augment, err := NewPolicy(PolicyCustom, STL10Side)
	if err != nil {
		t.Fatal(err)
	}
	source, err := NewTwoViewSource(both, 5, 1, augment)
	if err != nil {
		t.Fatal(err)
	}
	batch := source.Batch(0)
	for j, idx := range batch.Indices {
		if batch.Labeled[j] != (idx < 2) {
			t.Errorf("batch row %d (image %d): Labeled %v; want %v", j, idx, batch.Labeled[j], idx < 2)
		}
	}
	// Normalised views of a streamed data set go through the same path as in memory.
	sub := unl.Subset(2)
	norm := sub.NormalizedImages()
	if got, want := norm[len(norm)-1], (float32(pattern(21, 95, 95, 2))/255-ImageNetMean[2])/ImageNetStd[2]; got != want {
		t.Errorf("last normalised value %g; want %g", got, want)
	}
	if unl.Err() != nil {
		t.Errorf("stream error %v", unl.Err())
	}
}

func TestLoadSTL10BadFiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, STL10Folder)
	writeFile(t, dir, stl10TrainX, stl10Records(0, 2))
	y := writeFile(t, dir, stl10TrainY, []byte{1, 11})
	if _, err := Open("stl10", root, OpenOptions{}); err == nil || !strings.Contains(err.Error(), y) || !strings.Contains(err.Error(), "record 1: label 11; expected 1..10") {
		t.Errorf("label 11: error %v", err)
	}
	writeFile(t, dir, stl10TrainY, []byte{1})
	if _, err := Open("stl10", root, OpenOptions{}); err == nil || !strings.Contains(err.Error(), "1 labels for 2 images") {
		t.Errorf("short labels: error %v", err)
	}
	u := writeFile(t, dir, stl10UnlabeledX, stl10Records(0, 2)[:STL10RecordSize+5])
	if _, err := Open("stl10", root, OpenOptions{Split: "unlabeled"}); err == nil || !strings.Contains(err.Error(), u) || !strings.Contains(err.Error(), "record 1 is truncated") {
		t.Errorf("truncated unlabeled file: error %v", err)
	}
	x := writeFile(t, dir, stl10TestX, stl10Records(0, 1)[:100])
	if _, err := Open("stl10", root, OpenOptions{Split: "test"}); err == nil || !strings.Contains(err.Error(), x) || !strings.Contains(err.Error(), "record 0 is truncated") {
		t.Errorf("truncated test file: error %v", err)
	}
	if _, err := Open("stl10", root, OpenOptions{Split: "extra"}); err == nil || !strings.Contains(err.Error(), "train+unlabeled") {
		t.Errorf("bad split: error %v", err)
	}
}

func TestSTL10StreamReportsReadErrors(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, stl10UnlabeledX, stl10Records(0, 2))
	unl, err := LoadSTL10(root, "unlabeled")
	if err != nil {
		t.Fatal(err)
	}
	unl.Close() // reads now fail
	img := make([]uint8, unl.ImageSize())
	if err := unl.ReadImage(img, 1); err == nil || !strings.Contains(err.Error(), "record 1") {
		t.Errorf("read after close: error %v; want one naming record 1", err)
	}
	if unl.Err() == nil {
		t.Error("Err() is nil after a failed read")
	}
	if err := unl.ReadImage(img, 2); err == nil {
		t.Error("image 2 of 2: no error")
	}
}

func FuzzDecodeSTL10(f *testing.F) {
	f.Add(stl10Records(0, 1), []byte{1, 10})
	f.Add([]byte{1, 2, 3}, []byte{0})
	f.Fuzz(func(t *testing.T, images, labels []byte) {
		pixels, err := DecodeSTL10Images(images, "x.bin")
		if err == nil {
			if len(pixels) != len(images) || len(images)%STL10RecordSize != 0 {
				t.Fatalf("%d bytes decoded to %d", len(images), len(pixels))
			}
			// Column-major: the plane's second byte is pixel (row 1, column 0).
			if pixels[STL10Side*3] != images[1] {
				t.Fatal("pixel (1, 0) misplaced")
			}
		} else if !strings.Contains(err.Error(), "x.bin") {
			t.Fatalf("error %v does not name the file", err)
		}
		l, err := DecodeSTL10Labels(labels, "y.bin")
		if err != nil {
			if !strings.Contains(err.Error(), "y.bin") {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		for i, v := range l {
			if v < 0 || v > 9 || v != int32(labels[i])-1 {
				t.Fatalf("label %d → %d", labels[i], v)
			}
		}
	})
}

// TestSTL10StreamMemoryIsBounded streams every image of a 16.6 MB unlabeled file through
// two-view batches and checks that the live heap, from before opening the file to after the
// epoch, grows by far less than the file: only the batch being built is held.
func TestSTL10StreamMemoryIsBounded(t *testing.T) {
	const n = 600
	root := t.TempDir()
	writeFile(t, root, stl10UnlabeledX, stl10Records(0, n))
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	d, err := LoadSTL10(root, "unlabeled")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	policy, _ := NewPolicy(PolicyCIFAR, STL10Side)
	source, err := NewTwoViewSource(d, 20, 1, policy)
	if err != nil {
		t.Fatal(err)
	}
	var last *TwoViewBatch
	for step := range source.StepsPerEpoch() {
		last = source.Batch(step)
	}
	grown := int64(heap()) - int64(before)
	batchBytes := int64(2 * 20 * STL10RecordSize * 4) // the batch kept in last
	if fileBytes := int64(n * STL10RecordSize); grown > batchBytes+fileBytes/8 {
		t.Errorf("heap grew by %d bytes streaming a %d-byte file (one batch is %d)", grown, fileBytes, batchBytes)
	}
	if last.Indices == nil || d.Err() != nil {
		t.Fatalf("no batch or stream error %v", d.Err())
	}
}
