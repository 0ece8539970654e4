package reps

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

func TestDataFeaturesEqualsTheWholeDataSetComputation(t *testing.T) {
	train, _ := testutil.MNIST(t, 2*dataFeaturesChunk+37, 0) // two full chunks and a partial one
	rep, err := Known.New("hog", nil)
	if err != nil {
		t.Fatal(err)
	}
	host, ok := rep.Host()
	if !ok {
		t.Fatal("hog is not a host representation")
	}
	got, err := DataFeatures(host, train)
	if err != nil {
		t.Fatal(err)
	}
	want := hostFeatures(t, host, train.NormalizedImages(), train.Len(), train.Height, train.Width, train.Channels)
	if !slices.Equal(got, want) {
		t.Errorf("chunked features differ from the whole-data-set computation (%d vs %d values)", len(got), len(want))
	}
}

// Computing host features reports where it stands: one line per chunk of dataFeaturesChunk
// images with the interval at 0 (none for the last chunk: the trainer then prints "ready"), and
// the features equal those computed without progress.
func TestFeatureProgressLines(t *testing.T) {
	train, _ := testutil.MNIST(t, 2*dataFeaturesChunk+100, 0)
	rep, err := Known.New("hog", nil)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	cache := NewFeatureCache("")
	got, err := cache.RepresentationFeaturesProgress(testutil.Backend(t), rep, train, &out, 0)
	if err != nil {
		t.Fatal(err)
	}
	host, _ := rep.Host()
	want, err := DataFeatures(host, train)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Error("features computed with progress differ from DataFeatures")
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	total := train.Len()
	if len(lines) != 2 {
		t.Fatalf("progress lines %q; want 2 (after the first two chunks)", lines)
	}
	for i, line := range lines {
		prefix := fmt.Sprintf("representation hog: %d/%d images, ", (i+1)*dataFeaturesChunk, total)
		if !strings.HasPrefix(line, prefix) || !strings.Contains(line, "images/s") || !strings.HasSuffix(line, "left") {
			t.Errorf("progress line %q; want %q… images/s, … left", line, prefix)
		}
	}
	out.Reset()
	if _, err := cache.RepresentationFeaturesProgress(testutil.Backend(t), rep, train, &out, 0); err != nil || out.Len() != 0 {
		t.Errorf("cached features: %v, progress %q; want no work and no line", err, out.String())
	}
}
