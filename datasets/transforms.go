package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Picture is a float32 image being augmented: Height·Width·Channels values in [0, 1], HWC,
// the state torchvision's transforms pass along (the official pipeline works on PIL images and
// rounds to uint8 after each step; here values stay in float32).
type Picture struct {
	Height, Width, Channels int
	Pix                     []float32
}

// Transform is one random image transform. Apply draws its parameters from rng, in the order
// torchvision draws them, and may replace p.Pix and change p's size.
type Transform interface {
	Apply(p *Picture, rng *rand.Rand)
	// String describes the transform as its torchvision call.
	String() string
}

// RandomResizedCrop crops a random area and aspect ratio and resizes it to Size×Size
// (torchvision.transforms.RandomResizedCrop).
type RandomResizedCrop struct {
	Size          int
	Scale, Ratio  [2]float64
	Interpolation Interpolation
}

// CropBox is a crop in pixels: top-left corner and size.
type CropBox struct{ Top, Left, Height, Width int }

// Params draws the crop box as torchvision's RandomResizedCrop.get_params: up to 10 tries of
// an area fraction uniform in Scale and a log-uniform aspect ratio, width and height rounded
// half to even, accepted when the box fits; otherwise the central crop with the aspect ratio
// clamped to Ratio.
func (t RandomResizedCrop) Params(height, width int, rng *rand.Rand) CropBox {
	area := float64(height * width)
	logLo, logHi := math.Log(t.Ratio[0]), math.Log(t.Ratio[1])
	for range 10 {
		target := area * uniform(rng, t.Scale[0], t.Scale[1])
		ratio := math.Exp(uniform(rng, logLo, logHi))
		w := int(math.RoundToEven(math.Sqrt(target * ratio)))
		h := int(math.RoundToEven(math.Sqrt(target / ratio)))
		if 0 < w && w <= width && 0 < h && h <= height {
			top := rng.IntN(height - h + 1)
			left := rng.IntN(width - w + 1)
			return CropBox{top, left, h, w}
		}
	}
	inRatio := float64(width) / float64(height)
	w, h := width, height
	switch {
	case inRatio < t.Ratio[0]:
		h = int(math.RoundToEven(float64(w) / t.Ratio[0]))
	case inRatio > t.Ratio[1]:
		w = int(math.RoundToEven(float64(h) * t.Ratio[1]))
	}
	return CropBox{(height - h) / 2, (width - w) / 2, h, w}
}

// Apply implements Transform.
func (t RandomResizedCrop) Apply(p *Picture, rng *rand.Rand) {
	b := t.Params(p.Height, p.Width, rng)
	// Crop, then resize the crop alone (torchvision's resized_crop): the filter never reads
	// pixels outside the box.
	c := p.Channels
	crop := make([]float32, b.Height*b.Width*c)
	for y := range b.Height {
		copy(crop[y*b.Width*c:(y+1)*b.Width*c], p.Pix[((b.Top+y)*p.Width+b.Left)*c:])
	}
	out := make([]float32, t.Size*t.Size*c)
	Resample(out, t.Size, t.Size, crop, b.Height, b.Width, c, 0, 0, float64(b.Height), float64(b.Width), t.Interpolation)
	clampAll(out)
	p.Pix, p.Height, p.Width = out, t.Size, t.Size
}

func (t RandomResizedCrop) String() string {
	interp := "bilinear"
	if t.Interpolation == Bicubic {
		interp = "bicubic"
	}
	return fmt.Sprintf("RandomResizedCrop(%d, scale=%v, ratio=(%.4g, %.4g), %s)", t.Size, t.Scale, t.Ratio[0], t.Ratio[1], interp)
}

// RandomCrop pads the image by Padding zeros on every side and crops a random Size×Size window
// (torchvision.transforms.RandomCrop(Size, padding=Padding)): the top row is drawn first, then
// the left column, each uniform over the valid positions.
type RandomCrop struct {
	Size, Padding int
}

// Apply implements Transform.
func (t RandomCrop) Apply(p *Picture, rng *rand.Rand) {
	ph, pw := p.Height+2*t.Padding, p.Width+2*t.Padding
	top := rng.IntN(ph - t.Size + 1)
	left := rng.IntN(pw - t.Size + 1)
	out := make([]float32, t.Size*t.Size*p.Channels)
	for y := range t.Size {
		sy := y + top - t.Padding
		if sy < 0 || sy >= p.Height {
			continue
		}
		for x := range t.Size {
			sx := x + left - t.Padding
			if sx < 0 || sx >= p.Width {
				continue
			}
			copy(out[(y*t.Size+x)*p.Channels:(y*t.Size+x+1)*p.Channels], p.Pix[(sy*p.Width+sx)*p.Channels:])
		}
	}
	p.Pix, p.Height, p.Width = out, t.Size, t.Size
}

func (t RandomCrop) String() string {
	return fmt.Sprintf("RandomCrop(%d, padding=%d)", t.Size, t.Padding)
}

// RandomHorizontalFlip mirrors the image left-right with probability P.
type RandomHorizontalFlip struct{ P float64 }

// Apply implements Transform.
func (t RandomHorizontalFlip) Apply(p *Picture, rng *rand.Rand) {
	if rng.Float64() < t.P {
		FlipHorizontal(p)
	}
}

func (t RandomHorizontalFlip) String() string { return fmt.Sprintf("RandomHorizontalFlip(p=%g)", t.P) }

// FlipHorizontal mirrors p left-right.
func FlipHorizontal(p *Picture) {
	c := p.Channels
	for y := range p.Height {
		row := p.Pix[y*p.Width*c : (y+1)*p.Width*c]
		for l, r := 0, p.Width-1; l < r; l, r = l+1, r-1 {
			for ch := range c {
				row[l*c+ch], row[r*c+ch] = row[r*c+ch], row[l*c+ch]
			}
		}
	}
}

// RandomApply applies Transform with probability P (torchvision.transforms.RandomApply: one
// uniform draw, applied unless it exceeds P).
type RandomApply struct {
	Transform Transform
	P         float64
}

// Apply implements Transform.
func (t RandomApply) Apply(p *Picture, rng *rand.Rand) {
	if rng.Float64() <= t.P {
		t.Transform.Apply(p, rng)
	}
}

func (t RandomApply) String() string { return fmt.Sprintf("RandomApply([%s], p=%g)", t.Transform, t.P) }

// ColorJitter changes brightness, contrast, saturation and hue by random factors, in a random
// order (torchvision.transforms.ColorJitter(Brightness, Contrast, Saturation, Hue)): the order
// is drawn first as a permutation of the four, then the factors, brightness, contrast and
// saturation uniform in [max(0, 1−s), 1+s] and the hue shift uniform in [−Hue, Hue].
type ColorJitter struct {
	Brightness, Contrast, Saturation, Hue float64
}

// JitterParams are the factors drawn by ColorJitter, applied in Order (0 brightness,
// 1 contrast, 2 saturation, 3 hue).
type JitterParams struct {
	Order                                 [4]int
	Brightness, Contrast, Saturation, Hue float64
}

// Params draws the order and factors.
func (t ColorJitter) Params(rng *rand.Rand) JitterParams {
	var jp JitterParams
	copy(jp.Order[:], rng.Perm(4))
	jp.Brightness = uniform(rng, max(0, 1-t.Brightness), 1+t.Brightness)
	jp.Contrast = uniform(rng, max(0, 1-t.Contrast), 1+t.Contrast)
	jp.Saturation = uniform(rng, max(0, 1-t.Saturation), 1+t.Saturation)
	jp.Hue = uniform(rng, -t.Hue, t.Hue)
	return jp
}

// Apply implements Transform.
func (t ColorJitter) Apply(p *Picture, rng *rand.Rand) {
	jp := t.Params(rng)
	for _, op := range jp.Order {
		switch {
		case op == 0 && t.Brightness > 0:
			AdjustBrightness(p, jp.Brightness)
		case op == 1 && t.Contrast > 0:
			AdjustContrast(p, jp.Contrast)
		case op == 2 && t.Saturation > 0:
			AdjustSaturation(p, jp.Saturation)
		case op == 3 && t.Hue > 0:
			AdjustHue(p, jp.Hue)
		}
	}
}

func (t ColorJitter) String() string {
	return fmt.Sprintf("ColorJitter(%g, %g, %g, %g)", t.Brightness, t.Contrast, t.Saturation, t.Hue)
}

// AdjustBrightness multiplies every value by factor, clamped to [0, 1].
func AdjustBrightness(p *Picture, factor float64) {
	f := float32(factor)
	for i, v := range p.Pix {
		p.Pix[i] = clamp01(v * f)
	}
}

// AdjustContrast blends the image with the mean of its greyscale version (one value for the
// whole image): v ← clamp(factor·v + (1−factor)·mean).
func AdjustContrast(p *Picture, factor float64) {
	var sum float64
	n := p.Height * p.Width
	for k := range n {
		sum += float64(grey(p.Pix[k*p.Channels:], p.Channels))
	}
	mean := float32(sum / float64(n))
	f := float32(factor)
	for i, v := range p.Pix {
		p.Pix[i] = clamp01(f*v + (1-f)*mean)
	}
}

// AdjustSaturation blends each pixel with its grey level: v ← clamp(factor·v + (1−factor)·grey).
// Single-channel images are unchanged.
func AdjustSaturation(p *Picture, factor float64) {
	if p.Channels != 3 {
		return
	}
	f := float32(factor)
	for k := range p.Height * p.Width {
		px := p.Pix[k*3 : k*3+3]
		g := grey(px, 3)
		for c := range 3 {
			px[c] = clamp01(f*px[c] + (1-f)*g)
		}
	}
}

// AdjustHue shifts the hue of every pixel by shift (a fraction of the colour circle, in
// [−0.5, 0.5]) in HSV space. Single-channel images are unchanged.
func AdjustHue(p *Picture, shift float64) {
	if p.Channels != 3 {
		return
	}
	for k := range p.Height * p.Width {
		px := p.Pix[k*3 : k*3+3]
		h, s, v := rgbToHSV(px[0], px[1], px[2])
		h = float32(math.Mod(float64(h)+shift, 1))
		if h < 0 {
			h++
		}
		px[0], px[1], px[2] = hsvToRGB(h, s, v)
	}
}

// rgbToHSV is torchvision's _rgb2hsv for one pixel: hue in [0, 1).
func rgbToHSV(r, g, b float32) (h, s, v float32) {
	maxc := max(r, g, b)
	minc := min(r, g, b)
	v = maxc
	cr := maxc - minc
	if maxc == 0 || cr == 0 {
		return 0, 0, v
	}
	s = cr / maxc
	rc, gc, bc := (maxc-r)/cr, (maxc-g)/cr, (maxc-b)/cr
	switch {
	case maxc == r:
		h = bc - gc
	case maxc == g:
		h = 2 + rc - bc
	default:
		h = 4 + gc - rc
	}
	h = float32(math.Mod(float64(h)/6+1, 1))
	return h, s, v
}

// hsvToRGB is torchvision's _hsv2rgb for one pixel.
func hsvToRGB(h, s, v float32) (r, g, b float32) {
	i := float32(math.Floor(float64(h * 6)))
	f := h*6 - i
	p := clamp01(v * (1 - s))
	q := clamp01(v * (1 - s*f))
	t := clamp01(v * (1 - s*(1-f)))
	switch int(i) % 6 {
	case 0:
		return v, t, p
	case 1:
		return q, v, p
	case 2:
		return p, v, t
	case 3:
		return p, q, v
	case 4:
		return t, p, v
	default:
		return v, p, q
	}
}

// Grey-level weights of torchvision's rgb_to_grayscale (ITU-R 601-2 luma).
const (
	greyR = 0.2989
	greyG = 0.587
	greyB = 0.114
)

func grey(px []float32, channels int) float32 {
	if channels != 3 {
		return px[0]
	}
	return greyR*px[0] + greyG*px[1] + greyB*px[2]
}

// RandomGrayscale replaces, with probability P, every channel by the grey level
// (torchvision.transforms.RandomGrayscale).
type RandomGrayscale struct{ P float64 }

// Apply implements Transform.
func (t RandomGrayscale) Apply(p *Picture, rng *rand.Rand) {
	if rng.Float64() < t.P && p.Channels == 3 {
		for k := range p.Height * p.Width {
			px := p.Pix[k*3 : k*3+3]
			g := grey(px, 3)
			px[0], px[1], px[2] = g, g, g
		}
	}
}

func (t RandomGrayscale) String() string { return fmt.Sprintf("RandomGrayscale(p=%g)", t.P) }

// RandomGaussianBlur blurs with a Kernel×Kernel Gaussian whose σ is drawn uniform in Sigma on
// every call, reflecting at the borders (torchvision.transforms.GaussianBlur, always applied).
type RandomGaussianBlur struct {
	Kernel int
	Sigma  [2]float64
}

// BlurKernelSize is the official kernel size rule for an image side: 2·⌊0.05·size⌋ + 1.
func BlurKernelSize(size int) int { return 2*int(0.05*float64(size)) + 1 }

// Apply implements Transform.
func (t RandomGaussianBlur) Apply(p *Picture, rng *rand.Rand) {
	sigma := uniform(rng, t.Sigma[0], t.Sigma[1])
	if t.Kernel > 1 {
		GaussianBlur(p.Pix, p.Height, p.Width, p.Channels, t.Kernel, sigma)
	}
}

func (t RandomGaussianBlur) String() string {
	return fmt.Sprintf("GaussianBlur(%d, sigma=%v)", t.Kernel, t.Sigma)
}

func clampAll(v []float32) {
	for i, x := range v {
		v[i] = clamp01(x)
	}
}
