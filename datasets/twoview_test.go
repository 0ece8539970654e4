package datasets

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// smallDataset returns n 6×5 single-channel images whose pixel values encode the image index.
func smallDataset(n int) *Dataset {
	d := &Dataset{Name: "small", Height: 6, Width: 5, Channels: 1, NumClasses: 10,
		Mean: []float32{0.5}, Std: []float32{0.25}}
	for i := range n {
		for p := range 30 {
			d.Images = append(d.Images, uint8((i*7+p*13)%256))
		}
		d.Labels = append(d.Labels, int32(i%10))
	}
	return d
}

func TestTwoViewSourceIsReproducibleAndCoversEpochs(t *testing.T) {
	data := smallDataset(103)
	source, err := NewTwoViewSource(data, 10, 42, DefaultDigitAugment())
	if err != nil {
		t.Fatal(err)
	}
	if got := source.StepsPerEpoch(); got != 10 {
		t.Fatalf("StepsPerEpoch = %d, want 10 (103 images, batch 10, last partial batch dropped)", got)
	}
	// Each epoch visits 100 distinct images; two epochs use different orders.
	for epoch := range int64(2) {
		seen := map[int]bool{}
		for s := range int64(10) {
			for _, idx := range source.Indices(epoch*10 + s) {
				if seen[idx] {
					t.Fatalf("epoch %d: image %d visited twice", epoch, idx)
				}
				seen[idx] = true
			}
		}
		if len(seen) != 100 {
			t.Fatalf("epoch %d visited %d images, want 100", epoch, len(seen))
		}
	}
	if slices.Equal(source.Indices(0), source.Indices(10)) {
		t.Error("epochs 0 and 1 start with the same images")
	}

	// Batch(step) is a pure function of the step, whatever the number of cores building it.
	a := source.Batch(13)
	prev := runtime.GOMAXPROCS(1)
	b := source.Batch(13)
	runtime.GOMAXPROCS(prev)
	other, _ := NewTwoViewSource(data, 10, 42, DefaultDigitAugment())
	c := other.Batch(13)
	for _, x := range []*TwoViewBatch{b, c} {
		if !slices.Equal(a.Original, x.Original) || !slices.Equal(a.Augmented, x.Augmented) || !slices.Equal(a.Indices, x.Indices) {
			t.Fatal("Batch(13) differs between calls, core counts or sources with the same seed")
		}
	}
	// The original view is the normalised image; the augmented one differs from it.
	for j, idx := range a.Indices {
		for p := range 30 {
			want := (float32(data.Images[idx*30+p])/255 - 0.5) / 0.25
			if got := a.Original[j*30+p]; math.Abs(float64(got-want)) > 1e-6 {
				t.Fatalf("original view of image %d, pixel %d = %g, want %g", idx, p, got, want)
			}
		}
		if a.Labels[j] != data.Labels[idx] {
			t.Fatalf("label of batch row %d = %d, want %d", j, a.Labels[j], data.Labels[idx])
		}
	}
	if slices.Equal(a.Original, a.Augmented) {
		t.Error("augmented view equals the original view")
	}
	// Another seed gives another augmentation of the same step.
	d, _ := NewTwoViewSource(data, 10, 43, DefaultDigitAugment())
	if slices.Equal(d.Batch(13).Augmented, a.Augmented) {
		t.Error("seeds 42 and 43 give the same augmented batch")
	}
}

func TestPrefetcherReturnsTheSameBatches(t *testing.T) {
	source, err := NewTwoViewSource(smallDataset(64), 8, 7, DefaultDigitAugment())
	if err != nil {
		t.Fatal(err)
	}
	p := NewPrefetcher(source, 2)
	defer p.Close()
	for _, step := range []int64{0, 1, 2, 3, 9, 10, 4, 5} { // consecutive, then jumps
		got := p.Batch(step)
		want := source.Batch(step)
		if got.Step != step || !slices.Equal(got.Augmented, want.Augmented) {
			t.Fatalf("Prefetcher.Batch(%d) differs from Source.Batch(%d)", step, step)
		}
	}
}

func TestNewTwoViewSourceRejectsBadArguments(t *testing.T) {
	data := smallDataset(10)
	if _, err := NewTwoViewSource(data, 11, 1, DefaultDigitAugment()); err == nil {
		t.Error("batch larger than the data set accepted")
	}
	bad := *data
	bad.Labels = append([]int32(nil), data.Labels...)
	for _, label := range []int32{10, -1} {
		bad.Labels[3] = label
		if _, err := NewTwoViewSource(&bad, 4, 1, DefaultDigitAugment()); err == nil {
			t.Errorf("label %d out of range accepted", label)
		}
	}
}

func TestWarpAffineIdentityAndRotation(t *testing.T) {
	const h, w = 5, 5
	src := make([]uint8, h*w)
	for i := range src {
		src[i] = uint8(i * 10)
	}
	dst := make([]float32, h*w)
	identity := AffineParams{Height: h, Width: w}
	WarpAffine(dst, src, h, w, 1, identity)
	for i := range src {
		if math.Abs(float64(dst[i])-float64(src[i])/255) > 1e-6 {
			t.Fatalf("identity warp: pixel %d = %g, want %g", i, dst[i], float64(src[i])/255)
		}
	}
	// A 90° rotation about the centre maps pixel (row r, column c) to a pixel of the source at
	// a rotated position: every output value is exactly one of the source values.
	WarpAffine(dst, src, h, w, 1, AffineParams{Height: h, Width: w, Rotation: 90})
	rotated := make([]float32, h*w)
	for r := range h {
		for c := range w {
			// Output (u=c, v=r) reads source (x, y) = (cx + (v-cy), cy - (u-cx)) for θ=90°.
			x, y := r, w-1-c
			rotated[r*w+c] = float32(src[y*w+x]) / 255
		}
	}
	for i := range dst {
		if math.Abs(float64(dst[i]-rotated[i])) > 1e-5 {
			t.Fatalf("90° rotation: pixel %d = %g, want %g", i, dst[i], rotated[i])
		}
	}
	// Shifting by a whole image width reads only outside the source: all black.
	WarpAffine(dst, src, h, w, 1, AffineParams{Height: h, Width: w, TranslateX: w + 1})
	for i, v := range dst {
		if v != 0 {
			t.Fatalf("translated out of the image: pixel %d = %g, want 0", i, v)
		}
	}
}

func TestGaussianBlurKeepsConstantsAndMass(t *testing.T) {
	const h, w = 6, 7
	img := make([]float32, h*w)
	for i := range img {
		img[i] = 0.3
	}
	GaussianBlur(img, h, w, 1, 3, 1.0)
	for i, v := range img {
		if math.Abs(float64(v)-0.3) > 1e-6 {
			t.Fatalf("blurred constant image: pixel %d = %g, want 0.3", i, v)
		}
	}
	// An impulse away from the border spreads with the normalised kernel: total mass 1, centre
	// weight (1/(1+2e^{-1/2}))² for σ=1.
	impulse := make([]float32, h*w)
	impulse[3*w+3] = 1
	GaussianBlur(impulse, h, w, 1, 3, 1.0)
	var sum float64
	for _, v := range impulse {
		sum += float64(v)
	}
	centre := math.Pow(1/(1+2*math.Exp(-0.5)), 2)
	if math.Abs(sum-1) > 1e-5 || math.Abs(float64(impulse[3*w+3])-centre) > 1e-6 {
		t.Errorf("blurred impulse: sum %g (want 1), centre %g (want %g)", sum, impulse[3*w+3], centre)
	}
	for _, tc := range [][3]int{{-1, 5, 1}, {-2, 5, 2}, {5, 5, 3}, {6, 5, 2}, {0, 1, 0}} {
		if got := reflectIndex(tc[0], tc[1]); got != tc[2] {
			t.Errorf("reflectIndex(%d, %d) = %d, want %d", tc[0], tc[1], got, tc[2])
		}
	}
}

func TestDigitAugmentDrawsWithinRanges(t *testing.T) {
	a := DefaultDigitAugment()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		p := a.DrawAffine(28, 28, rng)
		area := p.Height * p.Width / (28 * 28)
		ratio := p.Width / p.Height
		if area < a.CropScale[0]-0.05 || area > a.CropScale[1] || ratio < a.CropRatio[0]-0.1 || ratio > a.CropRatio[1]+0.1 {
			t.Fatalf("crop %+v: area fraction %.3f, ratio %.3f outside %v, %v", p, area, ratio, a.CropScale, a.CropRatio)
		}
		if p.Top < 0 || p.Left < 0 || p.Top+p.Height > 28 || p.Left+p.Width > 28 {
			t.Fatalf("crop %+v leaves the image", p)
		}
		if math.Abs(p.Rotation) > a.MaxRotation || math.Abs(p.TranslateX) > a.MaxTranslate*28 {
			t.Fatalf("rotation %.1f / translation %.1f out of range", p.Rotation, p.TranslateX)
		}
	}
	bad := a
	bad.BlurKernel = 4
	if err := bad.Validate(); err == nil {
		t.Error("even blur kernel accepted")
	}
}
