package mvmr

import (
	"slices"
	"testing"
)

func TestSampleLabelledPerClass(t *testing.T) {
	// 10 classes of unequal sizes: class c has 100 + 30·c images, interleaved.
	var labels []int32
	for c := range 10 {
		for range 100 + 30*c {
			labels = append(labels, int32(c))
		}
	}
	slices.Reverse(labels)
	for _, fraction := range []float64{0.01, 0.1} {
		got, err := SampleLabelled(labels, 10, fraction, SamplePerClass, 5)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := SampleLabelled(labels, 10, fraction, SamplePerClass, 5)
		if !slices.Equal(got, again) {
			t.Errorf("fraction %g: not reproducible for a seed", fraction)
		}
		other, _ := SampleLabelled(labels, 10, fraction, SamplePerClass, 6)
		if slices.Equal(got, other) {
			t.Errorf("fraction %g: seeds 5 and 6 drew the same subset", fraction)
		}
		counts := make([]int, 10)
		for i, idx := range got {
			if i > 0 && idx <= got[i-1] {
				t.Fatalf("fraction %g: index %d repeated or unsorted", fraction, idx)
			}
			counts[labels[idx]]++
		}
		for c, n := range counts {
			want := max(1, int(fraction*float64(100+30*c)+0.5))
			if n != want {
				t.Errorf("fraction %g: class %d has %d labelled images; want %d", fraction, c, n, want)
			}
		}
	}
}

func TestSampleLabelledOfficial(t *testing.T) {
	labels := make([]int32, 1000)
	for i := range labels {
		labels[i] = int32(i % 10)
	}
	got, err := SampleLabelled(labels, 10, 0.1, SampleOfficial, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 101 {
		t.Errorf("official sampling drew %d indices; want int(0.1·1000)+1 = 101", len(got))
	}
	seen := map[int]bool{}
	dup := false
	for _, i := range got {
		dup = dup || seen[i]
		seen[i] = true
	}
	// 101 draws with replacement from 1000: P(no duplicate) = Π(1 − k/1000) ≈ 0.6 %.
	if !dup {
		t.Error("official sampling never repeated an index (it samples with replacement)")
	}
	if _, err := SampleLabelled(labels, 10, 0, SamplePerClass, 1); err == nil {
		t.Error("fraction 0 accepted")
	}
	if _, err := SampleLabelled(labels, 10, 0.1, "uniform", 1); err == nil {
		t.Error("unknown sampling accepted")
	}
}
