package datasets

import (
	"math"
	"math/rand/v2"
	"testing"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

func near(a, b float32) bool { return math.Abs(float64(a-b)) < 1e-5 }

// checkRate checks that hits/n is within 5 standard deviations of p.
func checkRate(t *testing.T, what string, hits, n int, p float64) {
	t.Helper()
	rate := float64(hits) / float64(n)
	if tol := 5 * math.Sqrt(p*(1-p)/float64(n)); math.Abs(rate-p) > tol {
		t.Errorf("%s rate %.4f over %d draws; want %.3f ± %.4f", what, rate, n, p, tol)
	}
}

func TestRandomResizedCropParams(t *testing.T) {
	// No box of area 16 with ratio 2 fits in 4×4 (w = round(√32) = 6): after 10 tries the
	// fallback is the central crop with the ratio clamped to 2: w = 4, h = round(4/2) = 2.
	fallback := RandomResizedCrop{Size: 4, Scale: [2]float64{1, 1}, Ratio: [2]float64{2, 2}}
	if got, want := fallback.Params(4, 4, newRNG(1)), (CropBox{Top: 1, Left: 0, Height: 2, Width: 4}); got != want {
		t.Errorf("fallback crop %+v; want %+v", got, want)
	}
	tall := RandomResizedCrop{Size: 4, Scale: [2]float64{2, 2}, Ratio: [2]float64{0.5, 1}}
	if got, want := tall.Params(4, 10, newRNG(1)), (CropBox{Top: 0, Left: 3, Height: 4, Width: 4}); got != want {
		t.Errorf("wide image fallback %+v; want %+v (ratio clamped to 1)", got, want)
	}
	// Full scale, unit ratio: the whole image, and resizing it to its own size is the identity.
	full := RandomResizedCrop{Size: 3, Scale: [2]float64{1, 1}, Ratio: [2]float64{1, 1}}
	pic := &Picture{Height: 3, Width: 3, Channels: 1, Pix: []float32{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}}
	want := append([]float32(nil), pic.Pix...)
	full.Apply(pic, newRNG(2))
	for i := range want {
		if !near(pic.Pix[i], want[i]) {
			t.Fatalf("full crop %v; want %v", pic.Pix, want)
		}
	}
	// Random boxes always fit, and their area fraction and aspect ratio stay in range.
	crop := RandomResizedCrop{Size: 32, Scale: [2]float64{0.08, 1}, Ratio: [2]float64{3.0 / 4, 4.0 / 3}}
	rng := newRNG(3)
	var sumFrac float64
	const n = 10000
	for range n {
		b := crop.Params(32, 32, rng)
		if b.Top < 0 || b.Left < 0 || b.Top+b.Height > 32 || b.Left+b.Width > 32 || b.Height < 1 || b.Width < 1 {
			t.Fatalf("box %+v outside 32×32", b)
		}
		frac := float64(b.Height*b.Width) / 1024
		ratio := float64(b.Width) / float64(b.Height)
		if frac < 0.05 || ratio < 0.6 || ratio > 1.7 {
			t.Fatalf("box %+v: area fraction %.3f, ratio %.3f out of range", b, frac, ratio)
		}
		sumFrac += frac
	}
	// The area fraction is uniform on [0.08, 1] except for boxes rejected for not fitting
	// (wide boxes near full area): the mean sits a little under 0.54.
	if mean := sumFrac / n; mean < 0.45 || mean > 0.55 {
		t.Errorf("mean area fraction %.3f; want about 0.5", mean)
	}
}

func TestRandomCropWithPaddingIsAWindowOfThePaddedImage(t *testing.T) {
	const side, pad = 4, 2
	src := make([]float32, side*side)
	for i := range src {
		src[i] = float32(i+1) / 16
	}
	padded := func(y, x int) float32 { // the zero-padded 8×8 image
		y, x = y-pad, x-pad
		if y < 0 || x < 0 || y >= side || x >= side {
			return 0
		}
		return src[y*side+x]
	}
	counts := make([]int, 2*pad+1)
	crop := RandomCrop{Size: side, Padding: pad}
	const n = 10000
	for s := range uint64(n) {
		pic := &Picture{Height: side, Width: side, Channels: 1, Pix: append([]float32(nil), src...)}
		crop.Apply(pic, newRNG(s))
		replay := newRNG(s)
		top, left := replay.IntN(2*pad+1), replay.IntN(2*pad+1)
		counts[top]++
		for y := range side {
			for x := range side {
				if pic.Pix[y*side+x] != padded(y+top, x+left) {
					t.Fatalf("draw %d: pixel (%d, %d) = %g; want padded (%d, %d) = %g", s, y, x, pic.Pix[y*side+x], y+top, x+left, padded(y+top, x+left))
				}
			}
		}
	}
	for top, c := range counts {
		checkRate(t, "crop top offset "+string(rune('0'+top)), c, n, 1.0/float64(2*pad+1))
	}
}

func TestRandomHorizontalFlip(t *testing.T) {
	flip := RandomHorizontalFlip{P: 0.5}
	rng := newRNG(4)
	flips := 0
	const n = 10000
	for range n {
		pic := &Picture{Height: 1, Width: 3, Channels: 2, Pix: []float32{1, 2, 3, 4, 5, 6}}
		flip.Apply(pic, rng)
		switch pic.Pix[0] {
		case 5:
			flips++
			if want := []float32{5, 6, 3, 4, 1, 2}; !equalF32(pic.Pix, want) {
				t.Fatalf("flipped %v; want %v", pic.Pix, want)
			}
		case 1:
		default:
			t.Fatalf("flip gave %v", pic.Pix)
		}
	}
	checkRate(t, "flip", flips, n, 0.5)
}

func equalF32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !near(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestColourAdjustmentsByHand(t *testing.T) {
	mk := func() *Picture {
		return &Picture{Height: 1, Width: 2, Channels: 3, Pix: []float32{1, 0, 0, 0, 0, 1}}
	}
	p := mk()
	AdjustBrightness(p, 0.5)
	if want := []float32{0.5, 0, 0, 0, 0, 0.5}; !equalF32(p.Pix, want) {
		t.Errorf("brightness 0.5: %v; want %v", p.Pix, want)
	}
	// Grey levels 0.2989 (red) and 0.114 (blue): mean 0.20645; factor 2 gives 2v − mean.
	p = mk()
	AdjustContrast(p, 2)
	m := float32((0.2989 + 0.114) / 2)
	if want := []float32{1, 0, 0, 0, 0, 1}; !equalF32(p.Pix, want) {
		t.Errorf("contrast 2: %v; want %v (clamped)", p.Pix, want)
	}
	p = mk()
	AdjustContrast(p, 0.5)
	if want := []float32{0.5 + 0.5*m, 0.5 * m, 0.5 * m, 0.5 * m, 0.5 * m, 0.5 + 0.5*m}; !equalF32(p.Pix, want) {
		t.Errorf("contrast 0.5: %v; want %v", p.Pix, want)
	}
	p = mk()
	AdjustSaturation(p, 0)
	if want := []float32{0.2989, 0.2989, 0.2989, 0.114, 0.114, 0.114}; !equalF32(p.Pix, want) {
		t.Errorf("saturation 0: %v; want the grey levels %v", p.Pix, want)
	}
	p = mk()
	AdjustHue(p, 1.0/3)
	if want := []float32{0, 1, 0, 1, 0, 0}; !equalF32(p.Pix, want) {
		t.Errorf("hue +1/3: %v; want red→green, blue→red %v", p.Pix, want)
	}
	p = mk()
	AdjustHue(p, -0.5)
	if want := []float32{0, 1, 1, 1, 1, 0}; !equalF32(p.Pix, want) {
		t.Errorf("hue −1/2: %v; want red→cyan, blue→yellow %v", p.Pix, want)
	}
	// A zero shift round-trips any colour through HSV.
	rng := newRNG(5)
	for range 1000 {
		r, g, b := rng.Float32(), rng.Float32(), rng.Float32()
		q := &Picture{Height: 1, Width: 1, Channels: 3, Pix: []float32{r, g, b}}
		AdjustHue(q, 0)
		if !equalF32(q.Pix, []float32{r, g, b}) {
			t.Fatalf("HSV round trip of %v gave %v", []float32{r, g, b}, q.Pix)
		}
	}
	// Saturation and hue leave one-channel images alone, as torchvision does.
	one := &Picture{Height: 1, Width: 2, Channels: 1, Pix: []float32{0.2, 0.6}}
	AdjustSaturation(one, 0)
	AdjustHue(one, 0.3)
	if !equalF32(one.Pix, []float32{0.2, 0.6}) {
		t.Errorf("one-channel saturation/hue changed the image: %v", one.Pix)
	}
}

func TestColorJitterDrawsAndOrder(t *testing.T) {
	j := ColorJitter{0.8, 0.8, 0.8, 0.2}
	rng := newRNG(6)
	first := make([]int, 4)
	var sumB, sumH float64
	const n = 10000
	for range n {
		p := j.Params(rng)
		seen := [4]bool{}
		for _, o := range p.Order {
			seen[o] = true
		}
		if seen != [4]bool{true, true, true, true} {
			t.Fatalf("order %v is not a permutation", p.Order)
		}
		first[p.Order[0]]++
		if p.Brightness < 0.2 || p.Brightness > 1.8 || p.Contrast < 0.2 || p.Contrast > 1.8 ||
			p.Saturation < 0.2 || p.Saturation > 1.8 || math.Abs(p.Hue) > 0.2 {
			t.Fatalf("factors %+v out of range", p)
		}
		sumB += p.Brightness
		sumH += p.Hue
	}
	for _, c := range first {
		checkRate(t, "jitter op first", c, n, 0.25)
	}
	// Uniform on [0.2, 1.8]: mean 1, sd 0.46; on [−0.2, 0.2]: mean 0, sd 0.115.
	if math.Abs(sumB/n-1) > 5*0.46/100 || math.Abs(sumH/n) > 5*0.115/100 {
		t.Errorf("mean brightness factor %.4f, hue %.4f; want 1 and 0", sumB/n, sumH/n)
	}
	// Strength 1 for brightness clamps the lower bound at 0 (torchvision's max(0, 1−s)).
	if p := (ColorJitter{Brightness: 1.5}).Params(newRNG(1)); p.Brightness < 0 {
		t.Errorf("brightness factor %g < 0", p.Brightness)
	}
	// Apply runs the four adjustments in the drawn order: replaying the draws reproduces it.
	src := []float32{0.9, 0.2, 0.1, 0.3, 0.7, 0.4, 0.5, 0.5, 0.9, 0.05, 0.6, 0.3}
	for s := range uint64(20) {
		pic := &Picture{Height: 2, Width: 2, Channels: 3, Pix: append([]float32(nil), src...)}
		j.Apply(pic, newRNG(s))
		jp := j.Params(newRNG(s))
		ref := &Picture{Height: 2, Width: 2, Channels: 3, Pix: append([]float32(nil), src...)}
		for _, op := range jp.Order {
			switch op {
			case 0:
				AdjustBrightness(ref, jp.Brightness)
			case 1:
				AdjustContrast(ref, jp.Contrast)
			case 2:
				AdjustSaturation(ref, jp.Saturation)
			case 3:
				AdjustHue(ref, jp.Hue)
			}
		}
		if !equalF32(pic.Pix, ref.Pix) {
			t.Fatalf("seed %d: jitter %v; want the ops in order %v: %v", s, pic.Pix, jp.Order, ref.Pix)
		}
	}
}

func TestRandomApplyAndGrayscaleRates(t *testing.T) {
	rng := newRNG(8)
	applied, greyed := 0, 0
	const n = 10000
	for range n {
		p := &Picture{Height: 1, Width: 1, Channels: 3, Pix: []float32{0.5, 0.5, 0.5}}
		RandomApply{Transform: ColorJitter{Brightness: 0.5}, P: 0.8}.Apply(p, rng)
		if p.Pix[0] != 0.5 {
			applied++
		}
		q := &Picture{Height: 1, Width: 1, Channels: 3, Pix: []float32{1, 0, 0}}
		RandomGrayscale{P: 0.2}.Apply(q, rng)
		if q.Pix[1] != 0 {
			greyed++
			if !equalF32(q.Pix, []float32{0.2989, 0.2989, 0.2989}) {
				t.Fatalf("grey of red = %v", q.Pix)
			}
		}
	}
	checkRate(t, "RandomApply(p=0.8)", applied, n, 0.8)
	checkRate(t, "RandomGrayscale(p=0.2)", greyed, n, 0.2)
}

func TestGaussianBlurKernelRuleAndSigmaRange(t *testing.T) {
	for size, want := range map[int]int{28: 3, 32: 3, 64: 7, 96: 9, 224: 23} {
		if got := BlurKernelSize(size); got != want {
			t.Errorf("kernel for %d px = %d; want 2·⌊0.05·%d⌋+1 = %d", size, got, size, want)
		}
	}
	// A centred impulse blurred with a 3-tap kernel keeps (w0/(w0+2w1))² at the centre,
	// w(x) = exp(−x²/2σ²): inverting it recovers σ, which must not exceed 2.0 and must lie
	// above the midpoint 1.05 half of the time (uniform on [0.1, 2.0]). Small σ leave the
	// impulse intact in float32, so only the upper range can be recovered exactly.
	blur := RandomGaussianBlur{Kernel: 3, Sigma: [2]float64{0.1, 2.0}}
	rng := newRNG(9)
	above := 0
	const n = 4000
	for range n {
		p := &Picture{Height: 5, Width: 5, Channels: 1, Pix: make([]float32, 25)}
		p.Pix[12] = 1
		blur.Apply(p, rng)
		c := math.Sqrt(float64(p.Pix[12]))
		if c > 1-1e-6 {
			continue // σ below about 0.25
		}
		sigma := math.Sqrt(-1 / (2 * math.Log((1/c-1)/2)))
		if sigma > 2.0+1e-2 {
			t.Fatalf("recovered σ %.4f above 2.0", sigma)
		}
		if sigma > 1.05 {
			above++
		}
	}
	checkRate(t, "σ above 1.05", above, n, 0.5)
}

func TestRandomResizedCropReadsOnlyTheCrop(t *testing.T) {
	// A 1×8 row, bright on the left half: a crop of the right half shrunk to 2 pixels must stay
	// dark, since torchvision crops before resizing (the widened filter would otherwise reach
	// into the bright half).
	crop := RandomResizedCrop{Size: 2, Scale: [2]float64{0.5, 0.5}, Ratio: [2]float64{4, 4}}
	for s := range uint64(100) {
		b := crop.Params(1, 8, newRNG(s))
		if b.Left != 4 {
			continue
		}
		p := &Picture{Height: 1, Width: 8, Channels: 1, Pix: []float32{1, 1, 1, 1, 0, 0, 0, 0}}
		crop.Apply(p, newRNG(s))
		for _, v := range p.Pix {
			if v != 0 {
				t.Fatalf("crop of the dark half resized to %v; want zeros", p.Pix)
			}
		}
		return
	}
	t.Skip("no draw picked the right half")
}
