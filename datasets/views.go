package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// AugmentedViews returns a data set that holds, for each of indices, image i of d followed by
// views copies augmented by a (each drawn from its own generator, seeded from seed, the row and
// the view), turned back from the normalised values into uint8 levels: a preview of a policy to
// draw with GridImage, one row of views+1 cells per index. Labels are the original's.
func AugmentedViews(d *Dataset, a Augmenter, indices []int, views int, seed uint64) (*Dataset, error) {
	if views < 0 {
		return nil, fmt.Errorf("views = %d; expected >= 0", views)
	}
	if s, ok := a.(interface{ CheckShape(*Dataset) error }); ok {
		if err := s.CheckShape(d); err != nil {
			return nil, err
		}
	}
	out := &Dataset{Name: d.Name + " views", Height: d.Height, Width: d.Width, Channels: d.Channels,
		NumClasses: d.NumClasses, ClassNames: d.ClassNames, Unlabeled: d.Unlabeled, Mean: d.Mean, Std: d.Std}
	size := d.ImageSize()
	buf := make([]float32, size)
	for row, i := range indices {
		out.Images = append(out.Images, d.Image(i)...)
		out.Labels = append(out.Labels, d.Labels[i])
		if d.LabeledMask != nil {
			out.LabeledMask = append(out.LabeledMask, d.HasLabel(i))
		}
		for v := range views {
			a.Augment(buf, d, i, rand.New(rand.NewPCG(seed, uint64(row)<<20|uint64(v))))
			for k, x := range buf {
				ch := k % d.Channels
				level := math.Round(float64(x*d.Std[ch]+d.Mean[ch]) * 255)
				out.Images = append(out.Images, uint8(min(max(level, 0), 255)))
			}
			out.Labels = append(out.Labels, d.Labels[i])
			if d.LabeledMask != nil {
				out.LabeledMask = append(out.LabeledMask, d.HasLabel(i))
			}
		}
	}
	return out, d.Err()
}
