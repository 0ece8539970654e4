package reps

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

func TestFeatureCacheMemoryAndDisk(t *testing.T) {
	train, _ := testutil.MNIST(t, 300, 0)
	dir := t.TempDir()
	rep := HOGRepresentation{Bins: 9, Pool: 4, Mode: HOGOfficial}
	direct := hostFeatures(t, rep, train.NormalizedImages(), train.Len(), 28, 28, 1)

	cache := NewFeatureCache(dir)
	got, err := cache.Features(rep, train)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, direct) {
		t.Fatal("cached features differ from a direct computation")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.feat"))
	if len(files) != 1 {
		t.Fatalf("%d cache files, want 1", len(files))
	}
	// A new cache reads the file: rewrite it with recognisable values (valid checksum) and
	// check that they come back.
	raw, _ := os.ReadFile(files[0])
	_, rest, _ := bytes.Cut(raw, []byte("\n"))
	headerLine, _, _ := bytes.Cut(rest, []byte("\n"))
	var header featureFileHeader
	if err := json.Unmarshal(headerLine, &header); err != nil {
		t.Fatal(err)
	}
	marked := slices.Clone(direct)
	marked[0] = 12345
	if err := writeFeatureFile(files[0], header.Key, marked, header.Rows, header.Dim); err != nil {
		t.Fatal(err)
	}
	again, err := NewFeatureCache(dir).Features(rep, train)
	if err != nil || again[0] != 12345 || !slices.Equal(again[1:], direct[1:]) {
		t.Fatalf("a new cache did not read the file (%v)", err)
	}
	raw, _ = os.ReadFile(files[0])
	// A damaged file is detected by its checksum and recomputed.
	raw[len(raw)-1] ^= 0xff
	os.WriteFile(files[0], raw, 0o644)
	repaired, err := NewFeatureCache(dir).Features(rep, train)
	if err != nil || !slices.Equal(repaired, direct) {
		t.Fatalf("features from a damaged file: %v", err)
	}
	// Other parameters are another entry.
	other := HOGRepresentation{Bins: 12, Pool: 4, Mode: HOGOfficial}
	if _, err := cache.Features(other, train); err != nil {
		t.Fatal(err)
	}
	files, _ = filepath.Glob(filepath.Join(dir, "*.feat"))
	if len(files) != 2 || original(rep).Key() == original(other).Key() {
		t.Errorf("%d cache files for two parameter sets", len(files))
	}
	// Another data set (other pixels) is another entry too.
	if _, err := cache.Features(rep, train.Subset(200)); err != nil {
		t.Fatal(err)
	}
	if files, _ = filepath.Glob(filepath.Join(dir, "*.feat")); len(files) != 3 {
		t.Errorf("%d cache files for three (data set, parameters) pairs", len(files))
	}
}

// TestFeatureCacheFingerprintsStreamedPixels checks that two streamed data sets of the same
// shape and size but different pixels get different cache keys.
func TestFeatureCacheFingerprintsStreamedPixels(t *testing.T) {
	open := func(fill byte) *datasets.Dataset {
		dir := t.TempDir()
		data := make([]byte, 2*datasets.STL10RecordSize)
		for i := range data {
			data[i] = fill
		}
		if err := os.WriteFile(filepath.Join(dir, "unlabeled_X.bin"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := datasets.LoadSTL10(dir, "unlabeled")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	c := NewFeatureCache("")
	a, b, a2 := open(1), open(2), open(1)
	if c.fingerprint(a) == c.fingerprint(b) {
		t.Error("streamed data sets with different pixels share a fingerprint")
	}
	if c.fingerprint(a) != c.fingerprint(a2) {
		t.Error("streamed data sets with equal pixels get different fingerprints")
	}
}
