package mvmr

import (
	"slices"
	"testing"
)

func TestDataFeaturesEqualsTheWholeDataSetComputation(t *testing.T) {
	train, _ := testMNIST(t, 2*dataFeaturesChunk+37, 0) // two full chunks and a partial one
	rep, err := NewRepresentation("hog", nil)
	if err != nil {
		t.Fatal(err)
	}
	host, ok := AsHost(rep)
	if !ok {
		t.Fatal("hog is not a host representation")
	}
	got, err := DataFeatures(host, train)
	if err != nil {
		t.Fatal(err)
	}
	want := ComputeHostFeatures(host, train.NormalizedImages(), train.Len(), train.Height, train.Width, train.Channels)
	if !slices.Equal(got, want) {
		t.Errorf("chunked features differ from the whole-data-set computation (%d vs %d values)", len(got), len(want))
	}
}
