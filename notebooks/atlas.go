package notebooks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gomlx/compute"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

// AtlasReps are the representations RepresentationAtlas draws by default: the hand-crafted views
// of an image that the L3 terms can compare the embedding with.
var AtlasReps = []string{"image", "std", "hog", "dct", "gabor", "lbp", "scatnet"}

// RepresentationAtlas draws what the loss sees, one row per image for the first n images of data:
// the original, `views` augmented views (augment, drawn from seed: the second view of training),
// and each representation of reps computed on the original and drawn as a grey image. A
// representation with a spatial layout (C, H', W') shows its single channel, or the mean absolute
// value over its channels (HOG: the gradient energy of each cell; scattering and Gabor: the
// energy of their coefficients at each position); a 2-D one (LBP: patches × histogram bins) is
// drawn as it is, and a flat one is laid out row by row on a square.
// Each map is scaled to its own 1st–99th percentile and resized to the image's size, so that
// every column is readable; the captions under the first row name the columns (human names,
// plotting.Terms).
func RepresentationAtlas(backend compute.Backend, data *datasets.Dataset, augment datasets.Augmenter, n, views int, reps []string, seed uint64) (*plotting.ImageGrid, error) {
	if n < 1 || n > data.Len() || views < 0 {
		return nil, fmt.Errorf("notebooks: RepresentationAtlas: %d images and %d views of a data set of %d; expected 1 to %d images", n, views, data.Len(), data.Len())
	}
	h, w, c := data.Height, data.Width, data.Channels
	size := data.ImageSize()
	originals := make([]float32, n*size)
	for i := range n {
		data.Normalize(originals[i*size:(i+1)*size], i)
	}
	columns := []string{"original"}
	for v := range views {
		columns = append(columns, fmt.Sprintf("view %d", v+1))
	}
	maps := make([][][]float32, len(reps)) // [rep][image] → h·w grey values
	registry := mvmr.Representations()
	for k, name := range reps {
		rep, err := registry.New(name, nil)
		if err != nil {
			return nil, fmt.Errorf("notebooks: RepresentationAtlas: %w", err)
		}
		shape, err := rep.Shape(h, w, c)
		if err != nil {
			return nil, fmt.Errorf("notebooks: RepresentationAtlas: %s: %w", name, err)
		}
		features, err := rep.OnImages(backend, originals, n, h, w, c)
		if err != nil {
			return nil, fmt.Errorf("notebooks: RepresentationAtlas: %s: %w", name, err)
		}
		dim := len(features) / n
		for i := range n {
			maps[k] = append(maps[k], RepresentationMap(features[i*dim:(i+1)*dim], shape, h, w))
		}
		columns = append(columns, plotting.TermLabel("dcor_diag/"+name))
	}
	rng := rand.New(rand.NewPCG(seed, 0x61746c6173))
	view := make([]float32, size)
	var cells []float32
	var captions []string
	for i := range n {
		cells = append(cells, grey(originals[i*size:(i+1)*size], c)...)
		for range views {
			augment.Augment(view, data, i, rng)
			cells = append(cells, grey(view, c)...)
		}
		for k := range reps {
			cells = append(cells, maps[k][i]...)
		}
	}
	for i := range n {
		for _, col := range columns {
			if i == 0 {
				captions = append(captions, col)
			} else {
				captions = append(captions, "")
			}
		}
	}
	// Every cell is one grey h×w image in [0, 1].
	return plotting.Grid(cells, plotting.GridOptions{Height: h, Width: w, Channels: 1, Cols: len(columns), Captions: captions,
		Range: [2]float64{0, 1}, Title: "What the loss sees: each image, its augmented views and its representations"})
}

// grey returns an HWC image as one grey channel (the mean over channels), scaled to its own
// 1st–99th percentile.
func grey(img []float32, channels int) []float32 {
	out := make([]float32, len(img)/channels)
	for p := range out {
		var s float32
		for ch := range channels {
			s += img[p*channels+ch]
		}
		out[p] = s / float32(channels)
	}
	return stretch(out)
}

// RepresentationMap turns one image's features (laid out as shape, channel first) into an h×w
// grey image in [0, 1]: see RepresentationAtlas.
func RepresentationMap(features []float32, shape []int, h, w int) []float32 {
	for len(shape) > 2 && shape[0] == 1 {
		shape = shape[1:] // (1, C, H', W') is (C, H', W'); (1, H', W') a plane
	}
	if len(shape) > 3 { // (A, B, H', W'): A·B channels
		shape = append([]int{len(features) / (shape[len(shape)-2] * shape[len(shape)-1])}, shape[len(shape)-2:]...)
	}
	var plane []float32
	var ph, pw int
	switch len(shape) {
	case 2: // a plane: a map, or rows of histograms (LBP's patches × bins)
		plane, ph, pw = slices.Clone(features), shape[0], shape[1]
	case 3: // channels of maps: their mean absolute value
		ph, pw = shape[1], shape[2]
		plane = make([]float32, ph*pw)
		for ch := range shape[0] {
			for p := range plane {
				plane[p] += float32(math.Abs(float64(features[ch*ph*pw+p]))) / float32(shape[0])
			}
		}
	default: // flat: a square, row by row, zero-padded
		side := int(math.Ceil(math.Sqrt(float64(len(features)))))
		ph, pw = side, side
		plane = make([]float32, side*side)
		copy(plane, features)
	}
	plane = stretch(plane)
	out := make([]float32, h*w)
	for y := range h {
		for x := range w {
			out[y*w+x] = plane[(y*ph/h)*pw+x*pw/w]
		}
	}
	return out
}

// stretch maps values linearly from their 1st–99th percentile to [0, 1], clipping outside (a
// constant map becomes 0).
func stretch(v []float32) []float32 {
	sorted := slices.Clone(v)
	slices.Sort(sorted)
	lo := sorted[len(sorted)/100]
	hi := sorted[len(sorted)-1-len(sorted)/100]
	out := make([]float32, len(v))
	if !(hi > lo) {
		return out
	}
	for i, x := range v {
		out[i] = min(1, max(0, (x-lo)/(hi-lo)))
	}
	return out
}
