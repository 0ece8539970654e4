package mvmr

import (
	"math"
	"slices"
	"strings"
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

func TestSampleCountPerClass(t *testing.T) {
	// 10 classes of unequal sizes (50 + 10·c images), interleaved.
	var labels []int32
	for i := range 10 * 100 {
		c := int32(i % 10)
		if i/10 < 50+10*int(c) {
			labels = append(labels, c)
		}
	}
	for _, perClass := range []int{1, 10, 50} {
		got, err := SampleCountPerClass(labels, 10, perClass, 3)
		if err != nil {
			t.Fatal(err)
		}
		counts := make([]int, 10)
		for i, idx := range got {
			if i > 0 && idx <= got[i-1] {
				t.Fatalf("%d per class: index %d repeated or unsorted", perClass, idx)
			}
			counts[labels[idx]]++
		}
		for c, n := range counts {
			if n != perClass {
				t.Errorf("%d per class: class %d has %d images", perClass, c, n)
			}
		}
		again, _ := SampleCountPerClass(labels, 10, perClass, 3)
		if !slices.Equal(got, again) {
			t.Errorf("%d per class: not reproducible for a seed", perClass)
		}
		other, _ := SampleCountPerClass(labels, 10, perClass, 4)
		if perClass < 50 && slices.Equal(got, other) {
			t.Errorf("%d per class: seeds 3 and 4 drew the same subset", perClass)
		}
	}
	// Every image of class 0 is drawn equally often over many seeds (a uniform draw): with 50
	// images and 10 per class, each is drawn in a fifth of 2 000 draws (±5 standard deviations).
	hits := map[int]int{}
	for seed := range int64(2000) {
		got, _ := SampleCountPerClass(labels, 10, 10, seed)
		for _, idx := range got {
			if labels[idx] == 0 {
				hits[idx]++
			}
		}
	}
	for idx, n := range hits {
		if math.Abs(float64(n)-400) > 5*math.Sqrt(2000*0.2*0.8) {
			t.Errorf("image %d of class 0 drawn %d times in 2000 draws; expected about 400", idx, n)
		}
	}
	if len(hits) != 50 {
		t.Errorf("%d of the 50 images of class 0 were ever drawn", len(hits))
	}
	for _, bad := range []struct {
		perClass int
		want     string
	}{{0, "expected >= 1"}, {51, "class 0 has 50 images"}} {
		if _, err := SampleCountPerClass(labels, 10, bad.perClass, 1); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%d per class: error %v; want one containing %q", bad.perClass, err, bad.want)
		}
	}
	if _, err := SampleCountPerClass([]int32{0, 1, 7}, 2, 1, 1); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("a label outside the classes: error %v", err)
	}
}

func TestFeaturesRows(t *testing.T) {
	f := Features{Data: []float32{0, 1, 10, 11, 20, 21}, N: 3, Dim: 2, Labels: []int32{0, 1, 0}, NumClasses: 2}
	got := f.Rows([]int{2, 0})
	if !slices.Equal(got.Data, []float32{20, 21, 0, 1}) || !slices.Equal(got.Labels, []int32{0, 0}) || got.N != 2 || got.Dim != 2 || got.NumClasses != 2 {
		t.Errorf("Rows(2, 0) = %+v", got)
	}
}
