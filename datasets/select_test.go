package datasets

import (
	"slices"
	"strings"
	"testing"
)

func TestSelect(t *testing.T) {
	d := &Dataset{Name: "toy", Height: 1, Width: 2, Channels: 1, Images: []uint8{0, 1, 10, 11, 20, 21, 30, 31},
		Labels: []int32{0, 1, 2, 0}, NumClasses: 3, Mean: []float32{0}, Std: []float32{1},
		Unlabeled: true, LabeledMask: []bool{true, false, true, true}}
	s, err := d.Select([]int{3, 0, 3})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Images, []uint8{30, 31, 0, 1, 30, 31}) || !slices.Equal(s.Labels, []int32{0, 0, 0}) ||
		!slices.Equal(s.LabeledMask, []bool{true, true, true}) || s.Len() != 3 || s.NumClasses != 3 {
		t.Errorf("Select(3, 0, 3) = images %v labels %v mask %v", s.Images, s.Labels, s.LabeledMask)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("the selection is not a valid data set: %v", err)
	}
	s.Images[0] = 99
	if d.Images[6] != 30 {
		t.Error("Select shares the pixels of the data set; want a copy")
	}
	if _, err := d.Select([]int{4}); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("an index past the end: error %v", err)
	}
}
