package datasets

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeSmallMNIST writes a 3-image test split of 2x2 pixels with the given labels to dir.
func writeSmallMNIST(t *testing.T, dir string, pixels []byte, labels []byte) {
	t.Helper()
	writeGzip(t, filepath.Join(dir, MNISTTestImages), idxImages(3, 2, 2, pixels))
	writeGzip(t, filepath.Join(dir, MNISTTestLabels), idxLabels(labels))
}

func TestLoadMNISTCachedReadsTheDecodedCopy(t *testing.T) {
	src, cache := t.TempDir(), t.TempDir()
	pixels := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255}
	writeSmallMNIST(t, src, pixels, []byte{7, 0, 9})
	want, err := LoadMNISTFrom(src, SplitTest)
	if err != nil {
		t.Fatal(err)
	}
	load := func(wantHit bool, what string) *Dataset {
		t.Helper()
		got, hit, err := loadMNISTCached(src, SplitTest, cache)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if hit != wantHit {
			t.Fatalf("%s: decoded copy used %v; want %v", what, hit, wantHit)
		}
		return got
	}
	if got := load(false, "first load"); !reflect.DeepEqual(got, want) {
		t.Fatalf("first load: %+v; want %+v", got, want)
	}
	copies, _ := filepath.Glob(filepath.Join(cache, "mnist-test-*.bin"))
	if len(copies) != 1 {
		t.Fatalf("decoded copies after the first load: %v; want one", copies)
	}
	if got := load(true, "second load"); !reflect.DeepEqual(got, want) {
		t.Fatalf("second load, from the decoded copy: %+v; want %+v", got, want)
	}

	// A damaged copy (one pixel changed, checksum kept) is decoded again and replaced.
	raw, err := os.ReadFile(copies[0])
	if err != nil {
		t.Fatal(err)
	}
	raw[mnistCacheHeader+5] ^= 0xff
	if err := os.WriteFile(copies[0], raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := load(false, "load after damage"); !reflect.DeepEqual(got, want) {
		t.Fatalf("load after damage: %+v; want %+v", got, want)
	}
	load(true, "load after the copy was replaced")

	// A truncated copy too.
	if err := os.WriteFile(copies[0], raw[:len(raw)-1], 0o644); err != nil {
		t.Fatal(err)
	}
	load(false, "load after truncation")

	// New .gz files are new data: the old copy is not used, and is removed once the new one is written.
	pixels[0] = 200
	writeSmallMNIST(t, src, pixels, []byte{1, 2, 3})
	got := load(false, "load of changed files")
	if got.Images[0] != 200 || !reflect.DeepEqual(got.Labels, []int32{1, 2, 3}) {
		t.Fatalf("load of changed files: pixel 0 %d, labels %v; want 200 and [1 2 3]", got.Images[0], got.Labels)
	}
	if now, _ := filepath.Glob(filepath.Join(cache, "mnist-test-*.bin")); len(now) != 1 || now[0] == copies[0] {
		t.Fatalf("decoded copies after the files changed: %v; want one, not %s", now, copies[0])
	}
	load(true, "second load of changed files")
}

func TestLoadMNISTCachedKeepsTheErrorsOfBadFiles(t *testing.T) {
	src, cache := t.TempDir(), t.TempDir()
	writeSmallMNIST(t, src, make([]byte, 12), []byte{1, 12, 3})
	_, err := LoadMNISTCached(src, SplitTest, cache)
	if err == nil || !strings.Contains(err.Error(), MNISTTestLabels) || !strings.Contains(err.Error(), "label 12 of record 1") {
		t.Fatalf("error %v; want the labels file and the bad label named", err)
	}
	if copies, _ := filepath.Glob(filepath.Join(cache, "*")); len(copies) != 0 {
		t.Fatalf("bad files left decoded copies: %v", copies)
	}
	if _, err := LoadMNISTCached(src, "validation", cache); err == nil || !strings.Contains(err.Error(), `"validation"`) {
		t.Fatalf("split validation: error %v; want it named", err)
	}
}

func TestLoadMNISTCachedWithoutAFolderDecodes(t *testing.T) {
	src := t.TempDir()
	writeSmallMNIST(t, src, make([]byte, 12), []byte{1, 2, 3})
	data, hit, err := loadMNISTCached(src, SplitTest, "")
	if err != nil || hit || data.Len() != 3 {
		t.Fatalf("no cache folder: %d images, copy used %v, error %v; want 3, false, nil", data.Len(), hit, err)
	}
}

func TestMNISTCacheDir(t *testing.T) {
	t.Setenv(CacheDirEnvVar, "/some/cache")
	if got := MNISTCacheDir(); got != filepath.Join("/some/cache", "mnist") {
		t.Errorf("MNISTCacheDir with $%s=/some/cache: %q", CacheDirEnvVar, got)
	}
	t.Setenv(CacheDirEnvVar, "off")
	if got := MNISTCacheDir(); got != "" {
		t.Errorf("MNISTCacheDir with $%s=off: %q; want none", CacheDirEnvVar, got)
	}
}

// BenchmarkLoadMNIST times reading the 60 000 training images: decoding the .gz files (what
// every notebook cell did) and through the decoded copy (what LoadMNIST does after the first).
func BenchmarkLoadMNIST(b *testing.B) {
	dir, err := MNISTDir()
	if err != nil {
		b.Skip(err)
	}
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := LoadMNISTFrom(dir, SplitTrain); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		cache := b.TempDir()
		if _, err := LoadMNISTCached(dir, SplitTrain, cache); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, hit, err := loadMNISTCached(dir, SplitTrain, cache); err != nil || !hit {
				b.Fatalf("copy used %v, error %v", hit, err)
			}
		}
	})
}
