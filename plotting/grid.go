package plotting

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"reflect"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Pixel is the element type of the NHWC image slices Grid and Pairs accept: uint8 pixels
// (0-255, as datasets.Dataset holds them) or float pixels (raw [0, 1] or normalised).
type Pixel interface{ ~uint8 | ~float32 | ~float64 }

// GridOptions configures Grid and Pairs: the images' shape (required), and how to show them.
type GridOptions struct {
	// Height, Width and Channels give each image's shape (NHWC); Channels is 1 (grey) or 3 (RGB).
	Height, Width, Channels int
	// Captions are drawn under the images (Grid: one per image; Pairs: one per pair); nil
	// draws none.
	Captions []string
	// Cols is the number of images (Grid) or pairs (Pairs) per row; 0 means up to 10 images
	// or 4 pairs per row.
	Cols int
	// CellSize is the side of each image on the page; 0 means 0.9 inch.
	CellSize vg.Length
	// Mean and Std undo a per-channel normalisation of float images, v·Std[c] + Mean[c] on the
	// [0, 1] pixel scale (datasets.Dataset's Mean and Std; TwoViewBatch holds normalised views).
	Mean, Std []float32
	// Range maps float pixel values Range[0] → black and Range[1] → white. The zero value means
	// [0, 1] when every value (after Mean/Std) lies there, else the smallest to the largest
	// value of all images. Ignored for uint8 images.
	Range [2]float64
	// Title is drawn above the grid; empty draws none.
	Title string
}

// ImageGrid is a figure of images laid out on a grid with captions (Figure, Sizer).
type ImageGrid struct {
	title   string
	cells   []*image.RGBA
	caption []string // per cell; for pairs, on the first cell of each pair
	header  []string // column headers (Pairs: "original", "augmented")
	cols    int      // cells per row
	group   int      // cells per group (1, or 2 for pairs): groups are spaced further apart
	cell    vg.Length
}

// Grid lays out images (NHWC, n images of Height·Width·Channels values) on a grid, each with
// its caption (for instance its label's class name) underneath.
func Grid[T Pixel](images []T, opts GridOptions) (*ImageGrid, error) {
	cells, err := toRGBA("Grid", opts, images)
	if err != nil {
		return nil, err
	}
	if opts.Captions != nil && len(opts.Captions) != len(cells) {
		return nil, fmt.Errorf("plotting: Grid: %d captions for %d images; expected one per image", len(opts.Captions), len(cells))
	}
	cols := opts.Cols
	if cols <= 0 {
		cols = min(10, len(cells))
	}
	return &ImageGrid{title: opts.Title, cells: cells, caption: opts.Captions, cols: cols, group: 1, cell: cellSize(opts)}, nil
}

// Pairs shows each original image beside its augmented view (the two views the loss sees),
// pair by pair; originals and augmented hold the same number of images, in the same order.
// Captions, when given, label the pairs.
func Pairs[T Pixel](originals, augmented []T, opts GridOptions) (*ImageGrid, error) {
	if err := checkImages("Pairs: originals", opts, len(originals)); err != nil {
		return nil, err
	}
	if err := checkImages("Pairs: augmented", opts, len(augmented)); err != nil {
		return nil, err
	}
	if len(originals) != len(augmented) {
		size := opts.Height * opts.Width * opts.Channels
		return nil, fmt.Errorf("plotting: Pairs: %d originals and %d augmented views; expected the same number", len(originals)/size, len(augmented)/size)
	}
	// One range for both views, so that brightness compares across them.
	opts.Range = floatRange(opts, append(append([]T{}, originals...), augmented...))
	a, err := toRGBA("Pairs: originals", opts, originals)
	if err != nil {
		return nil, err
	}
	b, err := toRGBA("Pairs: augmented", opts, augmented)
	if err != nil {
		return nil, err
	}
	if opts.Captions != nil && len(opts.Captions) != len(a) {
		return nil, fmt.Errorf("plotting: Pairs: %d captions for %d pairs; expected one per pair", len(opts.Captions), len(a))
	}
	pairs := opts.Cols
	if pairs <= 0 {
		pairs = min(4, len(a))
	}
	g := &ImageGrid{title: opts.Title, cols: 2 * pairs, group: 2, cell: cellSize(opts)}
	for i := range a {
		g.cells = append(g.cells, a[i], b[i])
		caption := ""
		if opts.Captions != nil {
			caption = opts.Captions[i]
		}
		g.caption = append(g.caption, caption, "")
	}
	for range pairs {
		g.header = append(g.header, "original", "augmented")
	}
	return g, nil
}

func cellSize(opts GridOptions) vg.Length {
	if opts.CellSize > 0 {
		return opts.CellSize
	}
	return 0.9 * vg.Inch
}

// floatRange returns the value range mapped to black..white (see GridOptions.Range).
func floatRange[T Pixel](opts GridOptions, images []T) [2]float64 {
	if opts.Range != [2]float64{} {
		return opts.Range
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, v := range images {
		f := unnormalise(opts, float64(v), i%max(1, opts.Channels))
		if !math.IsNaN(f) && !math.IsInf(f, 0) {
			lo, hi = min(lo, f), max(hi, f)
		}
	}
	if lo >= 0 && hi <= 1 {
		return [2]float64{0, 1}
	}
	if hi <= lo {
		return [2]float64{lo, lo + 1}
	}
	return [2]float64{lo, hi}
}

func unnormalise(opts GridOptions, v float64, c int) float64 {
	if opts.Std != nil {
		v = v*float64(opts.Std[c]) + float64(opts.Mean[c])
	}
	return v
}

// checkImages validates the shape options against n values of NHWC images.
func checkImages(what string, opts GridOptions, n int) error {
	h, w, ch := opts.Height, opts.Width, opts.Channels
	switch {
	case h <= 0 || w <= 0:
		return fmt.Errorf("plotting: %s: image size %d×%d; set GridOptions.Height and Width", what, h, w)
	case ch != 1 && ch != 3:
		return fmt.Errorf("plotting: %s: %d channels; expected 1 (grey) or 3 (RGB)", what, ch)
	case n == 0:
		return fmt.Errorf("plotting: %s: no images", what)
	case n%(h*w*ch) != 0:
		return fmt.Errorf("plotting: %s: %d values is not a whole number of %d×%d×%d images", what, n, h, w, ch)
	case (opts.Mean == nil) != (opts.Std == nil) || (opts.Std != nil && (len(opts.Std) != ch || len(opts.Mean) != ch)):
		return fmt.Errorf("plotting: %s: %d means and %d stds; expected both or neither, one per channel (%d)", what, len(opts.Mean), len(opts.Std), ch)
	case opts.Range[0] > opts.Range[1] || (opts.Range != [2]float64{} && opts.Range[0] == opts.Range[1]):
		return fmt.Errorf("plotting: %s: value range %v; expected Range[0] < Range[1]", what, opts.Range)
	}
	return nil
}

// toRGBA validates NHWC images and converts them to RGBA.
func toRGBA[T Pixel](what string, opts GridOptions, images []T) ([]*image.RGBA, error) {
	if err := checkImages(what, opts, len(images)); err != nil {
		return nil, err
	}
	h, w, ch := opts.Height, opts.Width, opts.Channels
	isByte := reflect.TypeFor[T]().Kind() == reflect.Uint8
	var lo, scale float64
	if !isByte {
		r := floatRange(opts, images)
		lo, scale = r[0], 255/(r[1]-r[0])
	}
	size := h * w * ch
	out := make([]*image.RGBA, len(images)/size)
	for n := range out {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				var rgb [3]uint8
				for c := range ch {
					i := n*size + (y*w+x)*ch + c
					v := images[i]
					if isByte {
						rgb[c] = uint8(v)
						continue
					}
					f := float64(v)
					if math.IsNaN(f) || math.IsInf(f, 0) {
						return nil, fmt.Errorf("plotting: %s: image %d, pixel (%d, %d), channel %d is %v; expected a finite value", what, n, y, x, c, f)
					}
					f = (unnormalise(opts, f, c) - lo) * scale
					rgb[c] = uint8(math.Round(min(255, max(0, f))))
				}
				if ch == 1 {
					rgb[1], rgb[2] = rgb[0], rgb[0]
				}
				img.SetRGBA(x, y, color.RGBA{rgb[0], rgb[1], rgb[2], 0xff})
			}
		}
		out[n] = img
	}
	return out, nil
}

// Len returns the number of images in the grid.
func (g *ImageGrid) Len() int { return len(g.cells) }

// layout returns the grid's rows and the heights of its title, header and caption lines.
func (g *ImageGrid) layout() (rows int, title, header, caption vg.Length) {
	rows = (len(g.cells) + g.cols - 1) / g.cols
	if g.title != "" {
		title = gridTitleStyle().Rectangle(g.title).Size().Y + vg.Points(6)
	}
	if len(g.header) > 0 {
		header = gridTextStyle().Rectangle("Xg").Size().Y + vg.Points(3)
	}
	for _, c := range g.caption {
		if c != "" {
			caption = gridTextStyle().Rectangle("Xg").Size().Y + vg.Points(2)
			break
		}
	}
	return rows, title, header, caption
}

const (
	gridGap      = vg.Length(4)  // between images of a group
	gridGroupGap = vg.Length(12) // between groups (pairs)
	gridMargin   = vg.Length(8)
)

// groupGap is the space between groups: wider between pairs than between their two images.
func (g *ImageGrid) groupGap() vg.Length {
	if g.group == 1 {
		return gridGap
	}
	return gridGroupGap
}

// Size returns the figure's size (Sizer).
func (g *ImageGrid) Size() (width, height vg.Length) {
	rows, title, header, caption := g.layout()
	groups := (g.cols + g.group - 1) / g.group
	width = 2*gridMargin + vg.Length(g.cols)*g.cell + vg.Length(g.cols-groups)*gridGap + vg.Length(groups-1)*g.groupGap()
	height = 2*gridMargin + title + header + vg.Length(rows)*(g.cell+caption) + vg.Length(rows-1)*gridGap
	return width, height
}

// Draw draws the title, the column headers, the images and their captions (Figure).
func (g *ImageGrid) Draw(c draw.Canvas) {
	_, title, header, caption := g.layout()
	top := c.Max.Y - gridMargin
	if g.title != "" {
		c.FillText(gridTitleStyle(), vg.Point{X: c.Center().X, Y: top}, g.title)
		top -= title
	}
	x := func(col int) vg.Length {
		groups := col / g.group
		return c.Min.X + gridMargin + vg.Length(col)*g.cell + vg.Length(col-groups)*gridGap + vg.Length(groups)*g.groupGap()
	}
	textStyle := gridTextStyle()
	if len(g.header) > 0 {
		for col, h := range g.header[:min(len(g.header), g.cols)] {
			c.FillText(textStyle, vg.Point{X: x(col) + g.cell/2, Y: top}, h)
		}
		top -= header
	}
	for i, img := range g.cells {
		row, col := i/g.cols, i%g.cols
		y := top - vg.Length(row)*(g.cell+caption+gridGap) - g.cell
		c.DrawImage(vg.Rectangle{Min: vg.Point{X: x(col), Y: y}, Max: vg.Point{X: x(col) + g.cell, Y: y + g.cell}}, upscale(img, int(math.Ceil(g.cell.Dots(96)))))
		if i < len(g.caption) && g.caption[i] != "" { // centred under the image, or under a pair
			span := vg.Length(g.group)*g.cell + vg.Length(g.group-1)*gridGap
			c.FillText(textStyle, vg.Point{X: x(col) + span/2, Y: y - vg.Points(1)}, g.caption[i])
		}
	}
}

// upscale enlarges img by an integer factor to at least size pixels, nearest neighbour, so that
// small images (28×28) stay sharp instead of being blurred by the renderer's interpolation.
func upscale(img *image.RGBA, size int) image.Image {
	f := max(1, (size+img.Rect.Dx()-1)/img.Rect.Dx())
	if f == 1 {
		return img
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewRGBA(image.Rect(0, 0, w*f, h*f))
	for y := range h * f {
		for x := range w * f {
			out.SetRGBA(x, y, img.RGBAAt(x/f, y/f))
		}
	}
	return out
}

func gridTextStyle() text.Style {
	s := plot.New().X.Tick.Label
	s.Font.Size = vg.Points(9)
	s.XAlign = draw.XCenter
	s.YAlign = draw.YTop
	return s
}

func gridTitleStyle() text.Style {
	s := plot.New().Title.TextStyle
	s.Font.Size = vg.Points(13)
	s.XAlign = draw.XCenter
	s.YAlign = draw.YTop
	return s
}
