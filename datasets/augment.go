package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Augmenter draws one random augmentation of an image.
type Augmenter interface {
	// Augment writes an augmented, normalised copy of image i of data into dst
	// (data.ImageSize() values, HWC order), drawing every random parameter from rng.
	Augment(dst []float32, data *Dataset, i int, rng *rand.Rand)
}

// DigitAugment is the augmentation policy for handwritten digits (MNIST): a random resized
// crop, a small rotation and translation, brightness and contrast jitter, and a Gaussian blur,
// each drawn per image. There is no flip: a mirrored digit is another symbol. The geometric steps
// are composed into one affine map and sampled once, bilinearly, with black (0) outside the image.
type DigitAugment struct {
	// CropScale is the range of the fraction of the image area kept by the random resized crop.
	CropScale [2]float64
	// CropRatio is the range of the crop's aspect ratio (width/height), sampled log-uniformly.
	CropRatio [2]float64
	// MaxRotation is the largest rotation, in degrees, either way.
	MaxRotation float64
	// MaxTranslate is the largest translation, as a fraction of the image size, along each axis.
	MaxTranslate float64
	// JitterProb is the probability of applying the brightness and contrast jitter.
	JitterProb float64
	// Brightness and Contrast are jitter strengths: factors drawn from [1−s, 1+s].
	Brightness, Contrast float64
	// BlurKernel is the Gaussian blur's (odd) kernel size; 0 or 1 disables the blur.
	BlurKernel int
	// BlurSigma is the range of the blur's standard deviation in pixels.
	BlurSigma [2]float64
}

// DefaultDigitAugment returns the quickstart policy for 28×28 digits. The blur kernel follows the
// official rule 2·int(0.05·size)+1 (3 for 28 pixels) and, like the official pipeline, the blur is
// always applied, with σ drawn from [0.1, 2.0] as torchvision's GaussianBlur default.
func DefaultDigitAugment() DigitAugment {
	return DigitAugment{
		CropScale:    [2]float64{0.5, 1},
		CropRatio:    [2]float64{3.0 / 4, 4.0 / 3},
		MaxRotation:  15,
		MaxTranslate: 0.1,
		JitterProb:   0.8,
		Brightness:   0.4,
		Contrast:     0.4,
		BlurKernel:   3,
		BlurSigma:    [2]float64{0.1, 2.0},
	}
}

// Validate checks the policy and returns an error naming the bad field.
func (a DigitAugment) Validate() error {
	switch {
	case !(a.CropScale[0] > 0 && a.CropScale[0] <= a.CropScale[1] && a.CropScale[1] <= 1):
		return fmt.Errorf("augment.crop_scale = %v; expected 0 < min <= max <= 1", a.CropScale)
	case !(a.CropRatio[0] > 0 && a.CropRatio[0] <= a.CropRatio[1]):
		return fmt.Errorf("augment.crop_ratio = %v; expected 0 < min <= max", a.CropRatio)
	case a.MaxRotation < 0 || a.MaxRotation > 180:
		return fmt.Errorf("augment.max_rotation = %g; expected 0..180 degrees", a.MaxRotation)
	case a.MaxTranslate < 0 || a.MaxTranslate > 0.5:
		return fmt.Errorf("augment.max_translate = %g; expected 0..0.5", a.MaxTranslate)
	case a.JitterProb < 0 || a.JitterProb > 1:
		return fmt.Errorf("augment.jitter_prob = %g; expected 0..1", a.JitterProb)
	case a.Brightness < 0 || a.Brightness > 1 || a.Contrast < 0 || a.Contrast > 1:
		return fmt.Errorf("augment.brightness = %g, contrast = %g; expected 0..1", a.Brightness, a.Contrast)
	case a.BlurKernel < 0 || (a.BlurKernel > 1 && a.BlurKernel%2 == 0):
		return fmt.Errorf("augment.blur_kernel = %d; expected 0 or an odd size", a.BlurKernel)
	case a.BlurKernel > 1 && !(a.BlurSigma[0] > 0 && a.BlurSigma[0] <= a.BlurSigma[1]):
		return fmt.Errorf("augment.blur_sigma = %v; expected 0 < min <= max", a.BlurSigma)
	}
	return nil
}

// AffineParams are the geometric parameters drawn for one image.
type AffineParams struct {
	// Crop box in source pixels: top-left corner and size.
	Top, Left, Height, Width float64
	// Rotation in degrees and translation in output pixels.
	Rotation, TranslateX, TranslateY float64
}

// DrawAffine draws the crop, rotation and translation for an image of the given size.
func (a DigitAugment) DrawAffine(height, width int, rng *rand.Rand) AffineParams {
	p := AffineParams{Height: float64(height), Width: float64(width)}
	area := float64(height * width)
	logLo, logHi := math.Log(a.CropRatio[0]), math.Log(a.CropRatio[1])
	for range 10 { // torchvision's RandomResizedCrop.get_params
		target := area * uniform(rng, a.CropScale[0], a.CropScale[1])
		ratio := math.Exp(uniform(rng, logLo, logHi))
		w := math.Round(math.Sqrt(target * ratio))
		h := math.Round(math.Sqrt(target / ratio))
		if w > 0 && h > 0 && w <= float64(width) && h <= float64(height) {
			p.Top = float64(rng.IntN(height - int(h) + 1))
			p.Left = float64(rng.IntN(width - int(w) + 1))
			p.Height, p.Width = h, w
			break
		}
	}
	p.Rotation = uniform(rng, -a.MaxRotation, a.MaxRotation)
	p.TranslateX = uniform(rng, -a.MaxTranslate, a.MaxTranslate) * float64(width)
	p.TranslateY = uniform(rng, -a.MaxTranslate, a.MaxTranslate) * float64(height)
	return p
}

// Augment implements Augmenter.
func (a DigitAugment) Augment(dst []float32, data *Dataset, i int, rng *rand.Rand) {
	h, w, c := data.Height, data.Width, data.Channels
	src := data.Image(i)
	img := make([]float32, len(src))
	WarpAffine(img, src, h, w, c, a.DrawAffine(h, w, rng))

	if rng.Float64() < a.JitterProb {
		brightness := float32(uniform(rng, 1-a.Brightness, 1+a.Brightness))
		contrast := float32(uniform(rng, 1-a.Contrast, 1+a.Contrast))
		jitterBrightnessContrast(img, c, brightness, contrast)
	}
	if a.BlurKernel > 1 {
		sigma := uniform(rng, a.BlurSigma[0], a.BlurSigma[1])
		GaussianBlur(img, h, w, c, a.BlurKernel, sigma)
	}
	for k, v := range img {
		ch := k % c
		dst[k] = (v - data.Mean[ch]) / data.Std[ch]
	}
}

// WarpAffine resamples src (uint8, HWC) into dst (float32 in [0, 1]): the crop box of p is
// resized to the full image, then rotated by p.Rotation about the centre and shifted by the
// translation. Each output pixel is read bilinearly from src; points outside src read 0.
func WarpAffine(dst []float32, src []uint8, height, width, channels int, p AffineParams) {
	theta := p.Rotation * math.Pi / 180
	cos, sin := math.Cos(theta), math.Sin(theta)
	cx, cy := float64(width-1)/2, float64(height-1)/2
	scaleX, scaleY := p.Width/float64(width), p.Height/float64(height)
	for v := range height {
		for u := range width {
			// Undo translation and rotation (output → resized-crop frame).
			dx, dy := float64(u)-cx-p.TranslateX, float64(v)-cy-p.TranslateY
			qx := cos*dx + sin*dy + cx
			qy := -sin*dx + cos*dy + cy
			// Resized-crop frame → source pixel coordinates (pixel centres aligned).
			sx := p.Left + (qx+0.5)*scaleX - 0.5
			sy := p.Top + (qy+0.5)*scaleY - 0.5
			for ch := range channels {
				dst[(v*width+u)*channels+ch] = bilinear(src, height, width, channels, ch, sx, sy)
			}
		}
	}
}

func bilinear(src []uint8, height, width, channels, ch int, x, y float64) float32 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	at := func(r, c int) float64 {
		if r < 0 || c < 0 || r >= height || c >= width {
			return 0
		}
		return float64(src[(r*width+c)*channels+ch]) / 255
	}
	top := at(iy, ix)*(1-fx) + at(iy, ix+1)*fx
	bottom := at(iy+1, ix)*(1-fx) + at(iy+1, ix+1)*fx
	return float32(top*(1-fy) + bottom*fy)
}

// jitterBrightnessContrast scales img (values in [0, 1]) by brightness, then blends it with its
// per-channel mean by contrast (torchvision's adjust_contrast for one channel), clamping to [0, 1].
func jitterBrightnessContrast(img []float32, channels int, brightness, contrast float32) {
	for i := range img {
		img[i] = clamp01(img[i] * brightness)
	}
	mean := make([]float32, channels)
	for i, v := range img {
		mean[i%channels] += v
	}
	for ch := range mean {
		mean[ch] /= float32(len(img) / channels)
	}
	for i, v := range img {
		m := mean[i%channels]
		img[i] = clamp01((v-m)*contrast + m)
	}
}

// GaussianBlur blurs img (HWC) in place with a separable kernel of the given odd size and sigma,
// reflecting at the borders (torchvision's gaussian_blur).
func GaussianBlur(img []float32, height, width, channels, kernel int, sigma float64) {
	r := kernel / 2
	weights := make([]float32, kernel)
	var sum float64
	for k := range kernel {
		x := float64(k - r)
		v := math.Exp(-x * x / (2 * sigma * sigma))
		weights[k] = float32(v)
		sum += v
	}
	for k := range weights {
		weights[k] /= float32(sum)
	}
	// Reflected source positions of every tap, computed once per axis.
	taps := func(n int) []int {
		idx := make([]int, n*kernel)
		for i := range n {
			for k := range kernel {
				idx[i*kernel+k] = reflectIndex(i+k-r, n)
			}
		}
		return idx
	}
	xs, ys := taps(width), taps(height)
	tmp := make([]float32, len(img))
	// Horizontal pass img → tmp, vertical pass tmp → img; taps summed in kernel order.
	for y := range height {
		row := img[y*width*channels : (y+1)*width*channels]
		out := tmp[y*width*channels : (y+1)*width*channels]
		for x := range width {
			xt := xs[x*kernel : (x+1)*kernel]
			for ch := range channels {
				var acc float32
				for k, sx := range xt {
					acc += weights[k] * row[sx*channels+ch]
				}
				out[x*channels+ch] = acc
			}
		}
	}
	stride := width * channels
	for y := range height {
		yt := ys[y*kernel : (y+1)*kernel]
		out := img[y*stride : (y+1)*stride]
		for i := range stride {
			var acc float32
			for k, sy := range yt {
				acc += weights[k] * tmp[sy*stride+i]
			}
			out[i] = acc
		}
	}
}

// reflectIndex mirrors i into [0, n) without repeating the edge (… 2 1 | 0 1 2 …).
func reflectIndex(i, n int) int {
	if n == 1 {
		return 0
	}
	for i < 0 || i >= n {
		if i < 0 {
			i = -i
		}
		if i >= n {
			i = 2*(n-1) - i
		}
	}
	return i
}

func clamp01(v float32) float32 {
	return min(max(v, 0), 1)
}

func uniform(rng *rand.Rand, lo, hi float64) float64 {
	return lo + (hi-lo)*rng.Float64()
}
