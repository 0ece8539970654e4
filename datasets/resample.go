package datasets

import "math"

// Interpolation selects the resampling filter of [Resample], with PIL's definitions (the ones
// torchvision applies to PIL images, antialiased when shrinking).
type Interpolation int

const (
	// Bilinear is PIL's triangle filter (support 1), torchvision's default.
	Bilinear Interpolation = iota
	// Bicubic is PIL's cubic convolution filter with a = −0.5 (support 2).
	Bicubic
)

func (f Interpolation) support() float64 {
	if f == Bicubic {
		return 2
	}
	return 1
}

func (f Interpolation) weight(x float64) float64 {
	x = math.Abs(x)
	if f == Bicubic {
		const a = -0.5
		switch {
		case x < 1:
			return ((a+2)*x-(a+3))*x*x + 1
		case x < 2:
			return (((x-5)*x+8)*x - 4) * a
		}
		return 0
	}
	if x < 1 {
		return 1 - x
	}
	return 0
}

// resampleWeights returns, for each of out output samples, the first input index and the
// normalised weights of the inputs in the box [lo, hi) of an axis of length in (PIL's
// precompute_coeffs).
func resampleWeights(in int, lo, hi float64, out int, f Interpolation) (first []int, weights [][]float64) {
	scale := (hi - lo) / float64(out)
	filterScale := max(scale, 1)
	support := f.support() * filterScale
	first = make([]int, out)
	weights = make([][]float64, out)
	for o := range out {
		center := lo + (float64(o)+0.5)*scale
		xmin := max(int(center-support+0.5), 0)
		xmax := min(int(center+support+0.5), in)
		w := make([]float64, max(xmax-xmin, 0))
		var sum float64
		for k := range w {
			w[k] = f.weight((float64(k+xmin) - center + 0.5) / filterScale)
			sum += w[k]
		}
		if sum != 0 {
			for k := range w {
				w[k] /= sum
			}
		}
		first[o], weights[o] = xmin, w
	}
	return first, weights
}

// Resample resizes the box (top, left, boxH, boxW) of src (HWC, height×width×channels) to
// outH×outW into dst, as PIL's Image.resize(size, filter, box) does: separable, horizontal pass
// first, the filter widened by the scale when shrinking (antialiasing). Unlike PIL, the
// intermediate and final values are kept in float32 rather than rounded to uint8.
func Resample(dst []float32, outH, outW int, src []float32, height, width, channels int,
	top, left, boxH, boxW float64, f Interpolation) {
	xFirst, xWeights := resampleWeights(width, left, left+boxW, outW, f)
	yFirst, yWeights := resampleWeights(height, top, top+boxH, outH, f)
	// Horizontal pass over the rows the vertical pass needs: rows [y0, y1).
	y0, y1 := height, 0
	for o := range outH {
		y0 = min(y0, yFirst[o])
		y1 = max(y1, yFirst[o]+len(yWeights[o]))
	}
	y1 = max(y1, y0)
	tmp := make([]float32, (y1-y0)*outW*channels)
	for y := y0; y < y1; y++ {
		row := src[y*width*channels:]
		for o := range outW {
			for c := range channels {
				var acc float64
				for k, w := range xWeights[o] {
					acc += w * float64(row[(xFirst[o]+k)*channels+c])
				}
				tmp[((y-y0)*outW+o)*channels+c] = float32(acc)
			}
		}
	}
	for o := range outH {
		for x := range outW {
			for c := range channels {
				var acc float64
				for k, w := range yWeights[o] {
					acc += w * float64(tmp[((yFirst[o]+k-y0)*outW+x)*channels+c])
				}
				dst[(o*outW+x)*channels+c] = float32(acc)
			}
		}
	}
}
