package datasets

import (
	"fmt"
	"math"
)

// AugOp is one image operation of torchvision's AutoAugment and RandAugment op space
// (torchvision.transforms.autoaugment._apply_op). The official pipeline applies them to PIL
// images, so each op follows the PIL code torchvision calls for a PIL image: nearest-neighbour
// affine maps that read source pixel ⌊M·(x+½, y+½)⌋ with fill outside, ImageEnhance blends and
// ImageOps look-up tables.
//
// Deviation "float levels": PIL holds uint8 levels and truncates (blends, autocontrast) or
// rounds (the sharpness filter, greyscale conversion) after every op; the kit keeps the
// picture in float32 on the [0, 1] scale, as its other policies do, and rounds only where an op
// is defined on uint8 levels: Posterize and Equalize first take each value to its nearest level
// round(255·v). Solarize compares v with threshold/255 without rounding, AutoContrast stretches
// the float range, and Contrast blends with the float mean grey level (PIL rounds that mean to
// an integer, and its greyscale weights are 299/587/114 per mille rather than the kit's
// 0.2989/0.587/0.114). On uint8-valued input (testdata/autoaugment_golden.json, torchvision
// 0.14.1 with PIL 9.4.0) the geometric ops, Posterize, Solarize, Equalize and Invert give PIL's
// levels exactly, and Brightness, Color, Contrast, Sharpness and AutoContrast stay within 1.5
// levels of them.
type AugOp int

// The ops, in the order of RandAugment's op space (Invert is AutoAugment's only).
const (
	OpIdentity AugOp = iota
	OpShearX
	OpShearY
	OpTranslateX
	OpTranslateY
	OpRotate
	OpBrightness
	OpColor
	OpContrast
	OpSharpness
	OpPosterize
	OpSolarize
	OpAutoContrast
	OpEqualize
	OpInvert
)

var augOpNames = [...]string{"Identity", "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate",
	"Brightness", "Color", "Contrast", "Sharpness", "Posterize", "Solarize", "AutoContrast", "Equalize", "Invert"}

// String returns torchvision's op name.
func (o AugOp) String() string {
	if o < 0 || int(o) >= len(augOpNames) {
		return fmt.Sprintf("AugOp(%d)", int(o))
	}
	return augOpNames[o]
}

// Magnitude ranges of torchvision's op space (_augmentation_space): bin k of n is
// k/(n−1) of the maximum.
const (
	// MaxShear is the largest shear factor (the matrix entry).
	MaxShear = 0.3
	// MaxTranslateFrac is the largest translation as a fraction of the image side: 150/331.
	MaxTranslateFrac = 150.0 / 331.0
	// MaxRotate is the largest rotation in degrees.
	MaxRotate = 30.0
	// MaxEnhance is the largest change of the Brightness, Color, Contrast and Sharpness factors
	// (factor 1 ± magnitude).
	MaxEnhance = 0.9
	// PosterizeBitsDrop is how many bits Posterize drops at the top bin (8 bits down to 4).
	PosterizeBitsDrop = 4
)

// OpMagnitude returns op's magnitude at bin idx of bins for a width×height image, and whether
// torchvision negates it with probability ½ (signed). The bins are torch.linspace's scalar
// float32 formula, returned widened (torch 1.13's vectorised kernel puts some bins one float32
// ulp away, which changes no integer translation or Posterize bit count); ops without a magnitude
// return 0.
func OpMagnitude(op AugOp, bins, idx, width, height int) (magnitude float64, signed bool) {
	switch op {
	case OpShearX, OpShearY:
		return linspace32(0, MaxShear, bins, idx), true
	case OpTranslateX:
		return linspace32(0, MaxTranslateFrac*float64(width), bins, idx), true
	case OpTranslateY:
		return linspace32(0, MaxTranslateFrac*float64(height), bins, idx), true
	case OpRotate:
		return linspace32(0, MaxRotate, bins, idx), true
	case OpBrightness, OpColor, OpContrast, OpSharpness:
		return linspace32(0, MaxEnhance, bins, idx), true
	case OpPosterize:
		// 8 − round(k / ((bins−1)/4)), float32 division, ties to even.
		q := float32(idx) / float32(float64(bins-1)/PosterizeBitsDrop)
		return float64(8 - int(math.RoundToEven(float64(q)))), false
	case OpSolarize:
		return linspace32(255, 0, bins, idx), false
	}
	return 0, false
}

// linspace32 is element idx of torch.linspace(start, end, n) in float32: start + step·idx for
// the first half and end − step·(n−1−idx) for the second.
func linspace32(start, end float64, n, idx int) float64 {
	s, e := float32(start), float32(end)
	if n == 1 {
		return float64(s)
	}
	step := (e - s) / float32(n-1)
	if idx < n/2 {
		return float64(s + step*float32(idx))
	}
	return float64(e - step*float32(n-1-idx))
}

// ApplyOp applies op with the given (already signed) magnitude to p, as torchvision's _apply_op
// with nearest interpolation: fill gives the value outside the image after a geometric op, one
// per channel or one for all on the [0, 1] scale (nil: 0, torchvision's default).
func ApplyOp(p *Picture, op AugOp, magnitude float64, fill []float32) {
	switch op {
	case OpIdentity:
	case OpShearX:
		// F.affine(shear=[degrees(atan(m)), 0], center=[0, 0]): the matrix (1, m, 0, 0, 1, 0).
		m := inverseAffine(0, 0, 0, 0, 0, math.Atan(magnitude)*(180/math.Pi), 0)
		warpNearest(p, m, fill)
	case OpShearY:
		m := inverseAffine(0, 0, 0, 0, 0, 0, math.Atan(magnitude)*(180/math.Pi))
		warpNearest(p, m, fill)
	case OpTranslateX:
		m := inverseAffine(float64(p.Width)/2, float64(p.Height)/2, 0, float64(int(magnitude)), 0, 0, 0)
		warpNearest(p, m, fill)
	case OpTranslateY:
		m := inverseAffine(float64(p.Width)/2, float64(p.Height)/2, 0, 0, float64(int(magnitude)), 0, 0)
		warpNearest(p, m, fill)
	case OpRotate:
		Rotate(p, magnitude, fill)
	case OpBrightness:
		AdjustBrightness(p, 1+magnitude)
	case OpColor:
		AdjustSaturation(p, 1+magnitude)
	case OpContrast:
		AdjustContrast(p, 1+magnitude)
	case OpSharpness:
		AdjustSharpness(p, 1+magnitude)
	case OpPosterize:
		Posterize(p, int(magnitude))
	case OpSolarize:
		Solarize(p, magnitude)
	case OpAutoContrast:
		AutoContrast(p)
	case OpEqualize:
		Equalize(p)
	case OpInvert:
		Invert(p)
	default:
		panic(fmt.Sprintf("datasets: unknown augmentation op %d", int(op)))
	}
}

// inverseAffine is torchvision's _get_inverse_affine_matrix at scale 1 for the PIL path: the
// matrix that maps an output point to its source point for a rotation by angle degrees, shears
// shearX and shearY in degrees and a translation, about the centre (cx, cy) in pixels.
func inverseAffine(cx, cy, angle, tx, ty, shearX, shearY float64) [6]float64 {
	rot := angle * (math.Pi / 180)
	sx := shearX * (math.Pi / 180)
	sy := shearY * (math.Pi / 180)
	a := math.Cos(rot-sy) / math.Cos(sy)
	b := -math.Cos(rot-sy)*math.Tan(sx)/math.Cos(sy) - math.Sin(rot)
	c := math.Sin(rot-sy) / math.Cos(sy)
	d := -math.Sin(rot-sy)*math.Tan(sx)/math.Cos(sy) + math.Cos(rot)
	m := [6]float64{d, -b, 0, -c, a, 0}
	m[2] += float64(m[0]*(-cx-tx)) + float64(m[1]*(-cy-ty))
	m[5] += float64(m[3]*(-cx-tx)) + float64(m[4]*(-cy-ty))
	m[2] += cx
	m[5] += cy
	return m
}

// Rotate turns p by angle degrees counter-clockwise about its centre (PIL's Image.rotate with
// expand off, as torchvision's F.rotate calls it): the matrix entries are rounded to 15 decimals
// as PIL does, so quarter turns are exact.
func Rotate(p *Picture, angle float64, fill []float32) {
	angle = math.Mod(angle, 360)
	if angle < 0 {
		angle += 360
	}
	r := -angle * (math.Pi / 180)
	round15 := func(v float64) float64 { return math.Round(v*1e15) / 1e15 }
	m := [6]float64{round15(math.Cos(r)), round15(math.Sin(r)), 0, round15(-math.Sin(r)), round15(math.Cos(r)), 0}
	cx, cy := float64(p.Width)/2, float64(p.Height)/2
	m[2] = float64(m[0]*(-cx)) + float64(m[1]*(-cy)) + cx
	m[5] = float64(m[3]*(-cx)) + float64(m[4]*(-cy)) + cy
	warpNearest(p, m, fill)
}

// warpNearest resamples p through the inverse affine matrix m as PIL's nearest-neighbour
// Image.transform(AFFINE) (ImagingTransformAffine): output pixel (x, y) reads source pixel
// (⌊u⌋, ⌊v⌋) with (u, v) = M·(x+½, y+½, 1), a source outside the image giving fill. PIL steps
// (u, v) along rows and columns rather than recomputing it, which decides the side of a pixel
// edge that a point lands on; so does this: a matrix without rotation or shear takes PIL's
// separable scale path (float64 steps, ImagingScaleAffine), any other whose corners map within
// ±32768 its 16.16 fixed-point path (affine_fixed), and the rest float64 steps.
func warpNearest(p *Picture, m [6]float64, fill []float32) {
	c, w, h := p.Channels, p.Width, p.Height
	out := make([]float32, len(p.Pix))
	set := func(x, y, sx, sy int) {
		dst := out[(y*w+x)*c : (y*w+x+1)*c]
		if sx < 0 || sy < 0 || sx >= w || sy >= h {
			for ch := range dst {
				dst[ch] = fillValue(fill, ch)
			}
			return
		}
		copy(dst, p.Pix[(sy*w+sx)*c:])
	}
	// The float64 conversions round each product on its own (no fused multiply-add), as PIL's C.
	switch {
	case m[1] == 0 && m[3] == 0:
		xs := make([]int, w)
		xo := m[2] + float64(m[0]*0.5)
		for x := range xs {
			xs[x] = pilCoord(xo)
			xo += m[0]
		}
		yo := m[5] + float64(m[4]*0.5)
		for y := range h {
			sy := pilCoord(yo)
			for x, sx := range xs {
				set(x, y, sx, sy)
			}
			yo += m[4]
		}
	case fitsFixed(m, 0, 0) && fitsFixed(m, w, h) && fitsFixed(m, 0, h) && fitsFixed(m, w, 0):
		a0, a1, a3, a4 := pilFix(m[0]), pilFix(m[1]), pilFix(m[3]), pilFix(m[4])
		a2 := pilFix(m[2] + float64(m[0]*0.5) + float64(m[1]*0.5))
		a5 := pilFix(m[5] + float64(m[3]*0.5) + float64(m[4]*0.5))
		for y := range h {
			xx, yy := a2, a5
			for x := range w {
				set(x, y, int(xx>>16), int(yy>>16))
				xx += a0
				yy += a3
			}
			a2 += a1
			a5 += a4
		}
	default:
		xo := m[2] + float64(m[1]*0.5) + float64(m[0]*0.5)
		yo := m[5] + float64(m[4]*0.5) + float64(m[3]*0.5)
		for y := range h {
			xx, yy := xo, yo
			for x := range w {
				set(x, y, pilCoord(xx), pilCoord(yy))
				xx += m[0]
				yy += m[3]
			}
			xo += m[1]
			yo += m[4]
		}
	}
	p.Pix = out
}

// pilCoord is PIL's COORD: −1 for a negative coordinate, else its integer part.
func pilCoord(v float64) int {
	if v < 0 {
		return -1
	}
	return int(v)
}

// pilFix is PIL's FIX: v in 16.16 fixed point, rounded half up.
func pilFix(v float64) int32 {
	return int32(math.Floor(float64(v*65536) + 0.5))
}

// fitsFixed is PIL's check_fixed: M·(x, y, 1) within ±32768 on both axes.
func fitsFixed(m [6]float64, x, y int) bool {
	fx, fy := float64(x), float64(y)
	return math.Abs(float64(fx*m[0])+float64(fy*m[1])+m[2]) < 32768 &&
		math.Abs(float64(fx*m[3])+float64(fy*m[4])+m[5]) < 32768
}

func fillValue(fill []float32, ch int) float32 {
	switch {
	case len(fill) == 0:
		return 0
	case len(fill) == 1:
		return fill[0]
	}
	return fill[ch]
}

// AdjustSharpness blends p with its smoothed copy (PIL's ImageEnhance.Sharpness, torchvision's
// adjust_sharpness): the smoothing kernel is [[1 1 1] [1 5 1] [1 1 1]]/13 on inner pixels and the
// one-pixel border is kept; v ← clamp(factor·v + (1−factor)·smooth). Images with a side below 3
// are unchanged.
func AdjustSharpness(p *Picture, factor float64) {
	h, w, c := p.Height, p.Width, p.Channels
	if h < 3 || w < 3 {
		return
	}
	smooth := make([]float32, len(p.Pix))
	copy(smooth, p.Pix)
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			for ch := range c {
				var s float32
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						s += p.Pix[((y+dy)*w+x+dx)*c+ch]
					}
				}
				centre := p.Pix[(y*w+x)*c+ch]
				smooth[(y*w+x)*c+ch] = (s + 4*centre) / 13
			}
		}
	}
	f := float32(factor)
	for i, v := range p.Pix {
		p.Pix[i] = clamp01(f*v + (1-f)*smooth[i])
	}
}

// level is the uint8 level nearest to v (a value on the [0, 1] scale).
func level(v float32) int {
	return int(math.Round(float64(clamp01(v)) * 255))
}

// Posterize keeps the top bits of every uint8 level (PIL's ImageOps.posterize: level & ^(2^(8−bits)−1)).
// Values are rounded to their nearest level first; bits ≥ 8 leaves p unchanged.
func Posterize(p *Picture, bits int) {
	if bits >= 8 {
		return
	}
	mask := ^(1<<(8-max(bits, 0)) - 1)
	for i, v := range p.Pix {
		p.Pix[i] = float32(level(v)&mask) / 255
	}
}

// Solarize inverts every value at or above threshold (on the 0–255 scale): v ← 1 − v when
// 255·v ≥ threshold (PIL's ImageOps.solarize).
func Solarize(p *Picture, threshold float64) {
	t := float32(threshold / 255)
	for i, v := range p.Pix {
		if v >= t {
			p.Pix[i] = 1 - v
		}
	}
}

// Invert replaces every value v by 1 − v (PIL's ImageOps.invert).
func Invert(p *Picture) {
	for i, v := range p.Pix {
		p.Pix[i] = 1 - v
	}
}

// AutoContrast stretches every channel so that its smallest value becomes 0 and its largest 1
// (PIL's ImageOps.autocontrast with no cutoff); a constant channel is unchanged.
func AutoContrast(p *Picture) {
	c := p.Channels
	for ch := range c {
		lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
		for i := ch; i < len(p.Pix); i += c {
			lo, hi = min(lo, p.Pix[i]), max(hi, p.Pix[i])
		}
		if !(hi > lo) {
			continue
		}
		scale := 1 / (hi - lo)
		for i := ch; i < len(p.Pix); i += c {
			p.Pix[i] = clamp01((p.Pix[i] - lo) * scale)
		}
	}
}

// equalizeDivisor divides the histogram count in Equalize's step, in PIL's ImageOps.equalize and
// torchvision's uint8 tensor kernel alike.
const equalizeDivisor = 255

// Equalize equalises the histogram of every channel (PIL's ImageOps.equalize): with h the
// histogram of the uint8 levels and step = ⌊(Σh − h[last non-empty level]) / 255⌋, level i maps to
// ⌊(⌊step/2⌋ + Σ_{j<i} h[j]) / step⌋, clipped to 255; a channel with one level or a zero step is
// unchanged. Values are rounded to their nearest level first.
func Equalize(p *Picture) {
	c := p.Channels
	for ch := range c {
		var hist [256]int
		for i := ch; i < len(p.Pix); i += c {
			hist[level(p.Pix[i])]++
		}
		total, last, levels := 0, 0, 0
		for _, n := range hist {
			if n > 0 {
				total += n
				last = n
				levels++
			}
		}
		if levels <= 1 {
			continue
		}
		step := (total - last) / equalizeDivisor
		if step == 0 {
			continue
		}
		var lut [256]float32
		n := step / 2
		for i := range 256 {
			lut[i] = float32(min(n/step, 255)) / 255
			n += hist[i]
		}
		for i := ch; i < len(p.Pix); i += c {
			p.Pix[i] = lut[level(p.Pix[i])]
		}
	}
}
