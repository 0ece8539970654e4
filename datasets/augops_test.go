package datasets

import (
	"math"
	"testing"
)

// levels builds a single-channel h×w picture from uint8 levels, row by row.
func levels(h, w int, v ...int) *Picture {
	p := &Picture{Height: h, Width: w, Channels: 1, Pix: make([]float32, len(v))}
	for i, x := range v {
		p.Pix[i] = float32(x) / 255
	}
	return p
}

// checkLevels compares p with the expected uint8 levels (to 1e-5 on the [0, 1] scale).
func checkLevels(t *testing.T, what string, p *Picture, want ...int) {
	t.Helper()
	got := make([]int, len(p.Pix))
	ok := len(p.Pix) == len(want)
	for i, v := range p.Pix {
		got[i] = int(math.Round(float64(v) * 255))
		if ok && !near(v, float32(want[i])/255) {
			ok = false
		}
	}
	if !ok {
		t.Errorf("%s: got levels %v\nwant %v", what, got, want)
	}
}

// grid4 is the 4×4 picture whose level at row y, column x is 10y + x + 1.
func grid4() *Picture {
	return levels(4, 4,
		1, 2, 3, 4,
		11, 12, 13, 14,
		21, 22, 23, 24,
		31, 32, 33, 34)
}

func TestAffineOpsByHand(t *testing.T) {
	// ShearX 0.5: row y reads column ⌊x + ½ + 0.5(y + ½)⌋, shifted by 0, 1, 1, 2; fill 0.
	p := grid4()
	ApplyOp(p, OpShearX, 0.5, nil)
	checkLevels(t, "ShearX 0.5", p,
		1, 2, 3, 4,
		12, 13, 14, 0,
		22, 23, 24, 0,
		33, 34, 0, 0)
	// ShearX −0.5: offsets ½ − 0.5(y + ½) = 0.25, −0.25, −0.75, −1.25 → shifts 0, −1, −1, −2.
	p = grid4()
	ApplyOp(p, OpShearX, -0.5, []float32{1})
	checkLevels(t, "ShearX −0.5 fill 255", p,
		1, 2, 3, 4,
		255, 11, 12, 13,
		255, 21, 22, 23,
		255, 255, 31, 32)
	// ShearY 0.5: column x reads row ⌊y + ½ + 0.5(x + ½)⌋.
	p = grid4()
	ApplyOp(p, OpShearY, 0.5, nil)
	checkLevels(t, "ShearY 0.5", p,
		1, 12, 13, 24,
		11, 22, 23, 34,
		21, 32, 33, 0,
		31, 0, 0, 0)
	// Translations take int(magnitude), truncating toward zero: 2.9 → 2, −1.9 → −1.
	p = grid4()
	ApplyOp(p, OpTranslateX, 2.9, nil)
	checkLevels(t, "TranslateX 2.9", p,
		0, 0, 1, 2,
		0, 0, 11, 12,
		0, 0, 21, 22,
		0, 0, 31, 32)
	p = grid4()
	ApplyOp(p, OpTranslateY, -1.9, nil)
	checkLevels(t, "TranslateY −1.9", p,
		11, 12, 13, 14,
		21, 22, 23, 24,
		31, 32, 33, 34,
		0, 0, 0, 0)
	// Rotate 90 (counter-clockwise) is a quarter turn: output (x, y) reads (3 − y, x).
	p = grid4()
	ApplyOp(p, OpRotate, 90, nil)
	checkLevels(t, "Rotate 90", p,
		4, 14, 24, 34,
		3, 13, 23, 33,
		2, 12, 22, 32,
		1, 11, 21, 31)
	p = grid4()
	ApplyOp(p, OpRotate, -270, nil)
	checkLevels(t, "Rotate −270", p,
		4, 14, 24, 34,
		3, 13, 23, 33,
		2, 12, 22, 32,
		1, 11, 21, 31)
	p = grid4()
	ApplyOp(p, OpRotate, 180, nil)
	checkLevels(t, "Rotate 180", p,
		34, 33, 32, 31,
		24, 23, 22, 21,
		14, 13, 12, 11,
		4, 3, 2, 1)
}

// TestRotateAgainstReference compares Rotate on a non-square colour picture with a float64
// nearest-neighbour rotation written from its definition: the output pixel centre q reads the
// source pixel containing c + R(θ)·(q − c), with c the image centre and y pointing down.
func TestRotateAgainstReference(t *testing.T) {
	const h, w, c = 7, 9, 3
	src := &Picture{Height: h, Width: w, Channels: c, Pix: make([]float32, h*w*c)}
	for i := range src.Pix {
		src.Pix[i] = float32((i*37)%251) / 255
	}
	fill := []float32{0.25, 0.5, 0.75}
	for _, deg := range []float64{10, -10, 23.5, -57, 135} {
		p := &Picture{Height: h, Width: w, Channels: c, Pix: append([]float32(nil), src.Pix...)}
		Rotate(p, deg, fill)
		th := deg * math.Pi / 180
		for y := range h {
			for x := range w {
				qx, qy := float64(x)+0.5-w/2.0, float64(y)+0.5-h/2.0
				sx := math.Cos(th)*qx - math.Sin(th)*qy + w/2.0
				sy := math.Sin(th)*qx + math.Cos(th)*qy + h/2.0
				for ch := range c {
					want := fill[ch]
					if sx >= 0 && sy >= 0 && sx < w && sy < h {
						want = src.Pix[(int(sy)*w+int(sx))*c+ch]
					}
					if got := p.Pix[(y*w+x)*c+ch]; got != want {
						t.Fatalf("rotate %g°: pixel (%d, %d, %d) = %g; want %g", deg, x, y, ch, got, want)
					}
				}
			}
		}
	}
}

func TestColourOpsByHand(t *testing.T) {
	// Brightness, Color and Contrast use factor 1 + magnitude.
	p := levels(1, 2, 100, 200)
	ApplyOp(p, OpBrightness, -0.25, nil)
	checkLevels(t, "Brightness −0.25", p, 75, 150)
	p = levels(1, 2, 100, 200)
	ApplyOp(p, OpBrightness, 0.5, nil)
	checkLevels(t, "Brightness +0.5 (clamped)", p, 150, 255)
	// Contrast 1 − 0.5 blends halfway with the mean grey level 150.
	p = levels(1, 2, 100, 200)
	ApplyOp(p, OpContrast, -0.5, nil)
	checkLevels(t, "Contrast −0.5", p, 125, 175)
	// Color on red: grey = 0.2989; factor 0.5 gives (1 + 0.2989)/2 and 0.2989/2.
	q := &Picture{Height: 1, Width: 1, Channels: 3, Pix: []float32{1, 0, 0}}
	ApplyOp(q, OpColor, -0.5, nil)
	if want := []float32{(1 + 0.2989) / 2, 0.2989 / 2, 0.2989 / 2}; !equalF32(q.Pix, want) {
		t.Errorf("Color −0.5 on red: %v; want %v", q.Pix, want)
	}
	// Color leaves a single-channel picture as it is (PIL: an L image is its own grey).
	p = levels(1, 2, 100, 200)
	ApplyOp(p, OpColor, 0.9, nil)
	checkLevels(t, "Color on grey", p, 100, 200)
	// Invert and Identity.
	p = levels(1, 3, 0, 100, 255)
	ApplyOp(p, OpInvert, 0, nil)
	checkLevels(t, "Invert", p, 255, 155, 0)
	ApplyOp(p, OpIdentity, 7, nil)
	checkLevels(t, "Identity", p, 255, 155, 0)
}

func TestSharpnessByHand(t *testing.T) {
	// An impulse of 130 in a 3×3 black picture: the smoothed centre is 5·130/13 = 50, so
	// factor 2 gives 2·130 − 50 = 210; the border keeps its own values (2·0 − 0).
	p := levels(3, 3, 0, 0, 0, 0, 130, 0, 0, 0, 0)
	ApplyOp(p, OpSharpness, 1, nil)
	checkLevels(t, "Sharpness 1 on an impulse", p, 0, 0, 0, 0, 210, 0, 0, 0, 0)
	// A bright border around a dark centre: the border is kept, the centre reads
	// (8·200 + 5·13)/13 = 128.08; factor 0.5 gives (13 + 128.08)/2.
	p = levels(3, 3, 200, 200, 200, 200, 13, 200, 200, 200, 200)
	ApplyOp(p, OpSharpness, -0.5, nil)
	if got, want := p.Pix[4], float32((13+(8*200+5*13)/13.0)/2/255); !near(got, want) {
		t.Errorf("Sharpness −0.5 centre %g; want %g", got, want)
	}
	for i, v := range p.Pix {
		if i != 4 && !near(v, 200.0/255) {
			t.Errorf("Sharpness changed border pixel %d to %g", i, v)
		}
	}
	// Float64 reference on a 5×6 colour picture, factor 1.7 (with clamping).
	const h, w, c = 5, 6, 3
	src := make([]float32, h*w*c)
	for i := range src {
		src[i] = float32((i*53)%256) / 255
	}
	pic := &Picture{Height: h, Width: w, Channels: c, Pix: append([]float32(nil), src...)}
	AdjustSharpness(pic, 1.7)
	for y := range h {
		for x := range w {
			for ch := range c {
				at := func(yy, xx int) float64 { return float64(src[(yy*w+xx)*c+ch]) }
				smooth := at(y, x)
				if y > 0 && x > 0 && y < h-1 && x < w-1 {
					smooth = 0
					for dy := -1; dy <= 1; dy++ {
						for dx := -1; dx <= 1; dx++ {
							k := 1.0
							if dx == 0 && dy == 0 {
								k = 5
							}
							smooth += k * at(y+dy, x+dx)
						}
					}
					smooth /= 13
				}
				want := math.Min(1, math.Max(0, 1.7*at(y, x)-0.7*smooth))
				if got := pic.Pix[(y*w+x)*c+ch]; math.Abs(float64(got)-want) > 1e-6 {
					t.Fatalf("sharpness (%d, %d, %d) = %g; want %g", y, x, ch, got, want)
				}
			}
		}
	}
	// Pictures with a side below 3 are unchanged.
	p = levels(2, 3, 1, 2, 3, 4, 5, 6)
	AdjustSharpness(p, 0)
	checkLevels(t, "Sharpness on 2×3", p, 1, 2, 3, 4, 5, 6)
}

func TestLevelOpsByHand(t *testing.T) {
	// Posterize keeps the top bits: 200 = 0b11001000 → 2 bits 192, 4 bits 192; 77 = 0b01001101
	// → 3 bits 64; 255 → 4 bits 240; 15 → 4 bits 0.
	p := levels(1, 5, 200, 77, 255, 15, 0)
	ApplyOp(p, OpPosterize, 4, nil)
	checkLevels(t, "Posterize 4", p, 192, 64, 240, 0, 0)
	p = levels(1, 2, 200, 77)
	Posterize(p, 2)
	checkLevels(t, "Posterize 2", p, 192, 64)
	p = levels(1, 1, 77)
	Posterize(p, 3)
	checkLevels(t, "Posterize 3", p, 64)
	// Values between levels are rounded first (200.4 → 200, 199.6 → 200); 8 bits changes nothing.
	p = &Picture{Height: 1, Width: 2, Channels: 1, Pix: []float32{200.4 / 255, 199.6 / 255}}
	Posterize(p, 5)
	checkLevels(t, "Posterize 5 between levels", p, 200, 200)
	p = &Picture{Height: 1, Width: 1, Channels: 1, Pix: []float32{0.123}}
	Posterize(p, 8)
	if p.Pix[0] != 0.123 {
		t.Errorf("Posterize 8 changed 0.123 to %g", p.Pix[0])
	}
	// Solarize inverts levels at or above the threshold.
	p = levels(1, 5, 0, 169, 170, 171, 255)
	ApplyOp(p, OpSolarize, 170, nil)
	checkLevels(t, "Solarize 170", p, 0, 169, 85, 84, 0)
	p = levels(1, 3, 0, 254, 255)
	Solarize(p, 255)
	checkLevels(t, "Solarize 255", p, 0, 254, 0)
	p = levels(1, 2, 0, 100)
	Solarize(p, 0)
	checkLevels(t, "Solarize 0", p, 255, 155)
}

func TestAutoContrastAndEqualizeByHand(t *testing.T) {
	// AutoContrast stretches each channel to [0, 1]; a constant channel is unchanged.
	p := &Picture{Height: 1, Width: 3, Channels: 2, Pix: []float32{0.2, 0.5, 0.4, 0.5, 0.6, 0.5}}
	ApplyOp(p, OpAutoContrast, 0, nil)
	if want := []float32{0, 0.5, 0.5, 0.5, 1, 0.5}; !equalF32(p.Pix, want) {
		t.Errorf("AutoContrast %v; want %v", p.Pix, want)
	}
	// Equalize, one channel of 512 pixels: 255 at level 10, 255 at level 50, 2 at level 90.
	// step = (512 − 2) // 255 = 2; level i maps to (1 + Σ_{j<i} h[j]) // 2: 10 → 0, 50 → 128,
	// 90 → 255.
	var v []int
	for range 255 {
		v = append(v, 10, 50)
	}
	v = append(v, 90, 90)
	p = levels(8, 64, v...)
	ApplyOp(p, OpEqualize, 0, nil)
	var want []int
	for range 255 {
		want = append(want, 0, 128)
	}
	want = append(want, 255, 255)
	checkLevels(t, "Equalize", p, want...)
	// Per channel: channel 1 holds a single level and is unchanged; channel 0 as above.
	q := &Picture{Height: 8, Width: 64, Channels: 2, Pix: make([]float32, 2*512)}
	for i, x := range v {
		q.Pix[2*i] = float32(x) / 255
		q.Pix[2*i+1] = 0.3
	}
	Equalize(q)
	for i := range v {
		if !near(q.Pix[2*i], float32(want[i])/255) || q.Pix[2*i+1] != 0.3 {
			t.Fatalf("Equalize per channel: pixel %d = %v; want %d/255 and 0.3", i, q.Pix[2*i:2*i+2], want[i])
		}
	}
	// Too few pixels for a step (total − last < 255): unchanged, as PIL and torchvision.
	p = levels(1, 4, 10, 20, 30, 40)
	Equalize(p)
	checkLevels(t, "Equalize small", p, 10, 20, 30, 40)
	// A larger uniform-ish histogram against a float64 reference of the formula.
	const n = 4096
	ref := make([]int, n)
	for i := range ref {
		ref[i] = (i * i / 97) % 200
	}
	p = levels(64, 64, ref...)
	Equalize(p)
	var hist [256]int
	for _, x := range ref {
		hist[x]++
	}
	last := 0
	for _, c := range hist {
		if c > 0 {
			last = c
		}
	}
	step := (n - last) / 255
	for i, x := range ref {
		cum := 0
		for j := range x {
			cum += hist[j]
		}
		wantLevel := min((step/2+cum)/step, 255)
		if got := level(p.Pix[i]); got != wantLevel {
			t.Fatalf("Equalize pixel %d (level %d): %d; want %d", i, x, got, wantLevel)
		}
	}
}

func TestOpMagnitudes(t *testing.T) {
	// RandAugment's bins: 31, magnitude 10 of 30 and 9 of 30, for a 32×24 image.
	cases := []struct {
		op        AugOp
		bins, idx int
		want      float64
		signed    bool
	}{
		{OpShearX, 31, 10, 0.1, true},
		{OpShearY, 31, 9, 0.09, true},
		{OpTranslateX, 31, 10, 150.0 / 331 * 32 / 3, true},
		{OpTranslateY, 31, 10, 150.0 / 331 * 24 / 3, true},
		{OpRotate, 31, 10, 10, true},
		{OpRotate, 31, 9, 9, true},
		{OpBrightness, 31, 10, 0.3, true},
		{OpColor, 31, 30, 0.9, true},
		{OpContrast, 31, 0, 0, true},
		{OpSharpness, 31, 20, 0.6, true},
		{OpPosterize, 31, 10, 7, false}, // 8 − round(10/7.5)
		{OpPosterize, 31, 9, 7, false},
		{OpPosterize, 31, 30, 4, false},
		{OpPosterize, 31, 0, 8, false},
		{OpSolarize, 31, 10, 170, false}, // 255 − 8.5·10
		{OpSolarize, 31, 30, 0, false},
		{OpAutoContrast, 31, 10, 0, false},
		{OpEqualize, 31, 10, 0, false},
		{OpIdentity, 31, 10, 0, false},
		// AutoAugment's 10 bins.
		{OpRotate, 10, 9, 30, true},
		{OpRotate, 10, 3, 10, true},
		{OpPosterize, 10, 8, 4, false}, // 8 − round(8/2.25 = 3.56)
		{OpPosterize, 10, 7, 5, false},
		{OpPosterize, 10, 5, 6, false}, // 8 − round(2.22)
		{OpSolarize, 10, 5, 255 - 5*255.0/9, false},
		{OpShearX, 10, 5, 0.3 * 5 / 9, true},
		{OpTranslateY, 10, 9, 150.0 / 331 * 24, true},
		// Ties round to even, as torch.round: 9 bins → k/2, so 1 → 0.5 → 0 and 3 → 1.5 → 2.
		{OpPosterize, 9, 1, 8, false},
		{OpPosterize, 9, 3, 6, false},
		{OpPosterize, 9, 5, 6, false},
	}
	for _, c := range cases {
		got, signed := OpMagnitude(c.op, c.bins, c.idx, 32, 24)
		if math.Abs(got-c.want) > 1e-5*max(1, math.Abs(c.want)) || signed != c.signed {
			t.Errorf("%s bin %d of %d: %v, signed %v; want %v, %v", c.op, c.idx, c.bins, got, signed, c.want, c.signed)
		}
	}
	// The bins are float32 values, as torch.linspace's: 0.3·10/30 is within a float32 ulp of
	// 0.1, not the float64 0.1.
	if got, _ := OpMagnitude(OpShearX, 31, 10, 32, 32); float64(float32(got)) != got || got == 0.1 ||
		math.Abs(got-0.1) > 1e-8 {
		t.Errorf("ShearX bin 10 of 31 = %v; want a float32 next to 0.1", got)
	}
}
