package plotting

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

// blobImages returns n 28×28 grey images (uint8, NHWC): for label k a bright blob at a position
// set by k, over faint noise, and their labels.
func blobImages(n int, seed uint64) ([]uint8, []int) {
	rng := rand.New(rand.NewPCG(seed, 9))
	images := make([]uint8, n*28*28)
	labels := make([]int, n)
	for i := range n {
		k := rng.IntN(10)
		labels[i] = k
		cx, cy := 8+float64(k%5)*3+rng.Float64()*2, 9+float64(k/5)*10
		for y := range 28 {
			for x := range 28 {
				d := math.Hypot(float64(x)-cx, float64(y)-cy)
				v := 255*math.Exp(-d*d/18) + 20*rng.Float64()
				images[i*784+y*28+x] = uint8(min(255, v))
			}
		}
	}
	return images, labels
}

// mnistMean and mnistStd are MNIST's normalisation statistics.
var mnistMean, mnistStd = []float32{0.1307}, []float32{0.3081}

// augmentedViews shifts each image by two pixels and normalises both views as training does.
func augmentedViews(images []uint8) (orig, aug []float32) {
	orig, aug = make([]float32, len(images)), make([]float32, len(images))
	for i, v := range images {
		n, y, x := i/784, i%784/28, i%28
		orig[i] = (float32(v)/255 - mnistMean[0]) / mnistStd[0]
		src := float32(0)
		if sx, sy := x-2, y+2; sx >= 0 && sy < 28 {
			src = float32(images[n*784+sy*28+sx]) / 255 * 0.8
		}
		aug[i] = (src - mnistMean[0]) / mnistStd[0]
	}
	return orig, aug
}

func ExampleGrid() {
	images, labels := blobImages(20, 1)
	captions := make([]string, len(labels))
	for i, l := range labels {
		captions[i] = digitNames[l]
	}
	fig, err := Grid(images, GridOptions{Height: 28, Width: 28, Channels: 1, Captions: captions, Title: "samples"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(fig, "samples.png"), fig.Len(), "images")
	// Output: samples.png 20 images
}

func ExamplePairs() {
	images, labels := blobImages(8, 2)
	orig, aug := augmentedViews(images)
	captions := make([]string, len(labels))
	for i, l := range labels {
		captions[i] = digitNames[l]
	}
	fig, err := Pairs(orig, aug, GridOptions{Height: 28, Width: 28, Channels: 1, Mean: mnistMean, Std: mnistStd, Captions: captions, Title: "two views"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(fig, "pairs.png"), fig.Len(), "images")
	// Output: pairs.png 16 images
}

// pixelAt returns the grey level of the rendered PNG at (x, y) dots from the top left.
func pixelAt(t *testing.T, pngBytes []byte, x, y int) (r, g, b uint8) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	r32, g32, b32, _ := img.At(x, y).RGBA()
	return uint8(r32 >> 8), uint8(g32 >> 8), uint8(b32 >> 8)
}

func TestGridFigure(t *testing.T) {
	images, labels := blobImages(20, 3)
	captions := make([]string, len(labels))
	for i, l := range labels {
		captions[i] = digitNames[l]
	}
	fig, err := Grid(images, GridOptions{Height: 28, Width: 28, Channels: 1, Captions: captions, Title: "samples", Cols: 5})
	if err != nil {
		t.Fatal(err)
	}
	w, h := fig.Size()
	// 5 columns of 0.9 inch with 4 pt gaps and 8 pt margins; 4 rows.
	if wantW := 2*gridMargin + 5*0.9*72 + 4*gridGap; math.Abs(float64(w-wantW)) > 0.01 {
		t.Errorf("width %v, want %v", w, wantW)
	}
	if h < 4*0.9*72 {
		t.Errorf("height %v is less than 4 rows of images", h)
	}
	png := checkFigure(t, fig, 0.2, 4, append([]string{"samples"}, captions...)...)
	checkGolden(t, "grid", png)

	// Pixels land where they should: a constant image of grey 200 then one of grey 40, no title.
	flat := make([]uint8, 2*28*28)
	for i := range flat {
		flat[i] = 200
		if i >= 784 {
			flat[i] = 40
		}
	}
	fig, err = Grid(flat, GridOptions{Height: 28, Width: 28, Channels: 1})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Render(fig, FormatPNG)
	if err != nil {
		t.Fatal(err)
	}
	cell, margin := int((0.9 * vg.Inch).Dots(96)), int(gridMargin.Dots(96))
	if r, _, _ := pixelAt(t, out, margin+cell/2, margin+cell/2); abs(int(r)-200) > 2 {
		t.Errorf("first image's centre is grey %d, want 200", r)
	}
	if r, _, _ := pixelAt(t, out, margin+cell+int(gridGap.Dots(96))+cell/2, margin+cell/2); abs(int(r)-40) > 2 {
		t.Errorf("second image's centre is grey %d, want 40", r)
	}
	// A named byte type is still read as 0-255 pixels.
	type grey uint8
	named := make([]grey, 784)
	for i := range named {
		named[i] = 200
	}
	fig2, err := Grid(named, GridOptions{Height: 28, Width: 28, Channels: 1})
	if err != nil {
		t.Fatal(err)
	}
	out2, err := Render(fig2, FormatPNG)
	if err != nil {
		t.Fatal(err)
	}
	if r, _, _ := pixelAt(t, out2, margin+cell/2, margin+cell/2); abs(int(r)-200) > 2 {
		t.Errorf("named byte image renders as grey %d, want 200", r)
	}
	// Normalised float RGB: Mean/Std undo the normalisation; pure red stays red.
	red := make([]float32, 4*4*3)
	for i := range red {
		v := float32(0)
		if i%3 == 0 {
			v = 1
		}
		red[i] = (v - 0.5) / 0.25
	}
	fig, err = Grid(red, GridOptions{Height: 4, Width: 4, Channels: 3, Mean: []float32{0.5, 0.5, 0.5}, Std: []float32{0.25, 0.25, 0.25}})
	if err != nil {
		t.Fatal(err)
	}
	out, err = Render(fig, FormatPNG)
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b := pixelAt(t, out, margin+cell/2, margin+cell/2); r < 250 || g > 5 || b > 5 {
		t.Errorf("red image renders as (%d, %d, %d)", r, g, b)
	}
}

func TestPairsFigure(t *testing.T) {
	images, labels := blobImages(8, 4)
	orig, aug := augmentedViews(images)
	captions := make([]string, len(labels))
	for i, l := range labels {
		captions[i] = digitNames[l]
	}
	fig, err := Pairs(orig, aug, GridOptions{Height: 28, Width: 28, Channels: 1, Mean: mnistMean, Std: mnistStd, Captions: captions})
	if err != nil {
		t.Fatal(err)
	}
	if fig.Len() != 16 {
		t.Errorf("%d images for 8 pairs", fig.Len())
	}
	png := checkFigure(t, fig, 0.2, 4, append([]string{"original", "augmented"}, captions...)...)
	checkGolden(t, "pairs", png)
	// Mean/Std recover the uint8 pixels: the first original's top-left pixel is images[0].
	_, _, header, _ := fig.layout()
	margin := int(gridMargin.Dots(96))
	if r, _, _ := pixelAt(t, png, margin+1, margin+int(header.Dots(96))+1); abs(int(r)-int(images[0])) > 2 {
		t.Errorf("top-left pixel renders as %d, want %d", r, images[0])
	}
}

func TestGridBadInput(t *testing.T) {
	images, _ := blobImages(2, 5)
	nan := []float64{0, math.NaN(), 0, 0}
	shape := GridOptions{Height: 28, Width: 28, Channels: 1}
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"no shape", func() error { _, err := Grid(images, GridOptions{}); return err }, "set GridOptions.Height and Width"},
		{"channels", func() error { _, err := Grid(images, GridOptions{Height: 28, Width: 28, Channels: 2}); return err }, "2 channels; expected 1 (grey) or 3 (RGB)"},
		{"empty", func() error { _, err := Grid([]uint8{}, shape); return err }, "no images"},
		{"partial image", func() error { _, err := Grid(images[:1000], shape); return err }, "1000 values is not a whole number of 28×28×1 images"},
		{"captions", func() error {
			_, err := Grid(images, GridOptions{Height: 28, Width: 28, Channels: 1, Captions: []string{"a"}})
			return err
		}, "1 captions for 2 images"},
		{"NaN", func() error { _, err := Grid(nan, GridOptions{Height: 2, Width: 2, Channels: 1}); return err }, "image 0, pixel (0, 1), channel 0 is NaN"},
		{"mean without std", func() error {
			_, err := Grid(images, GridOptions{Height: 28, Width: 28, Channels: 1, Mean: []float32{0.1}})
			return err
		}, "1 means and 0 stds"},
		{"range", func() error {
			_, err := Grid(nan, GridOptions{Height: 2, Width: 2, Channels: 1, Range: [2]float64{1, 0}})
			return err
		}, "expected Range[0] < Range[1]"},
		{"pairs mismatched", func() error { _, err := Pairs(images, images[:784], shape); return err }, "2 originals and 1 augmented views"},
		{"pairs captions", func() error {
			_, err := Pairs(images, images, GridOptions{Height: 28, Width: 28, Channels: 1, Captions: []string{"a", "b", "c"}})
			return err
		}, "3 captions for 2 pairs"},
	} {
		if err := c.err(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
