package datasets

import "fmt"

// Select returns a data set holding copies of the images at the given indices of d, in that
// order, with their labels (and LabeledMask entries): the labelled subsets of a probe. An index
// out of range, or a streamed image that cannot be read, is an error.
func (d *Dataset) Select(indices []int) (*Dataset, error) {
	s := *d
	s.Stream = nil
	size := d.ImageSize()
	s.Images = make([]uint8, 0, len(indices)*size)
	s.Labels = make([]int32, 0, len(indices))
	if d.LabeledMask != nil {
		s.LabeledMask = make([]bool, 0, len(indices))
	}
	img := make([]uint8, size)
	for _, i := range indices {
		if err := d.ReadImage(img, i); err != nil {
			return nil, fmt.Errorf("datasets: Select: %w", err)
		}
		s.Images = append(s.Images, img...)
		s.Labels = append(s.Labels, d.Labels[i])
		if d.LabeledMask != nil {
			s.LabeledMask = append(s.LabeledMask, d.LabeledMask[i])
		}
	}
	s.Name = fmt.Sprintf("%s[%d selected]", d.Name, len(indices))
	return &s, nil
}
