package datasets

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
)

// augGolden is testdata/autoaugment_golden.json, written by autoaugment_golden.py with
// torchvision 0.14.1 and PIL 9.4.0: each op of torchvision's _apply_op on small uint8 PIL images,
// and the op-space magnitudes of RandAugment and AutoAugment.
type augGolden struct {
	Versions map[string]string
	Images   map[string]struct {
		Height, Width, Channels int
		Pix                     []int
	}
	Cases []struct {
		Image     string
		Op        string
		Magnitude float64
		Fill      []float64
		Output    []int
	}
	Spaces []struct {
		Bins, Width, Height int
		Op                  string
		Signed              bool
		Values              []float64
	}
}

func loadAugGolden(t *testing.T) augGolden {
	t.Helper()
	raw, err := os.ReadFile("testdata/autoaugment_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g augGolden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatalf("testdata/autoaugment_golden.json: %v", err)
	}
	return g
}

func augOpByName(t *testing.T, name string) AugOp {
	t.Helper()
	for op := OpIdentity; op <= OpInvert; op++ {
		if op.String() == name {
			return op
		}
	}
	t.Fatalf("unknown op %q", name)
	return 0
}

// goldenTolerance is the largest difference, in uint8 levels, allowed between the kit's float
// result and PIL's uint8 one ("float levels" deviation, see AugOp): none for the geometric ops
// and the look-up-table ops on uint8 input; for blends PIL truncates the result (< 1 level) and
// blends with a rounded degenerate image (grey level, integer mean, rounded smoothing: up to
// ½ level times |1 − factor| ≤ 0.9, plus the greyscale weights' 0.03 levels).
func goldenTolerance(op AugOp) float64 {
	switch op {
	case OpBrightness, OpColor, OpContrast, OpSharpness, OpAutoContrast:
		return 1.5
	}
	return 0
}

func TestAugOpsMatchTorchvision(t *testing.T) {
	g := loadAugGolden(t)
	worst := map[AugOp]float64{}
	for _, c := range g.Cases {
		img := g.Images[c.Image]
		op := augOpByName(t, c.Op)
		p := &Picture{Height: img.Height, Width: img.Width, Channels: img.Channels, Pix: make([]float32, len(img.Pix))}
		for i, v := range img.Pix {
			p.Pix[i] = float32(v) / 255
		}
		var fill []float32
		for _, f := range c.Fill {
			fill = append(fill, float32(f/255))
		}
		ApplyOp(p, op, c.Magnitude, fill)
		what := fmt.Sprintf("%s(%g, fill %v) on %s", c.Op, c.Magnitude, c.Fill, c.Image)
		if len(p.Pix) != len(c.Output) {
			t.Fatalf("%s: %d values; torchvision %d", what, len(p.Pix), len(c.Output))
		}
		for i, v := range p.Pix {
			d := math.Abs(float64(v)*255 - float64(c.Output[i]))
			worst[op] = max(worst[op], d)
			if d > goldenTolerance(op)+1e-3 {
				t.Errorf("%s: value %d (pixel %d, channel %d) = %.3f levels; torchvision %d", what, i,
					i/img.Channels, i%img.Channels, float64(v)*255, c.Output[i])
				break
			}
		}
	}
	t.Logf("largest difference from torchvision %s, in levels: %v", g.Versions["torchvision"], worst)
}

// TestOpMagnitudesMatchTorchvision compares the op-space bins with torchvision's. The bins follow
// torch.linspace's scalar float32 formula; the vectorised kernel of torch 1.13 (which wrote the
// reference) gives some bins one float32 ulp away, so bins may differ by one ulp, but never in
// the integer translation or the Posterize bits.
func TestOpMagnitudesMatchTorchvision(t *testing.T) {
	g := loadAugGolden(t)
	offByUlp := 0
	for _, s := range g.Spaces {
		op := augOpByName(t, s.Op)
		if len(s.Values) == 0 {
			if m, signed := OpMagnitude(op, s.Bins, 0, s.Width, s.Height); m != 0 || signed != s.Signed {
				t.Errorf("%s: %g, signed %v; want 0, %v", s.Op, m, signed, s.Signed)
			}
			continue
		}
		for k, want := range s.Values {
			m, signed := OpMagnitude(op, s.Bins, k, s.Width, s.Height)
			ulp := float64(math.Nextafter32(float32(math.Abs(want)), float32(math.Inf(1))) - float32(math.Abs(want)))
			if m != want {
				offByUlp++
			}
			if math.Abs(m-want) > ulp || signed != s.Signed || int(m) != int(want) || (op == OpPosterize && m != want) {
				t.Errorf("%s bin %d of %d (%d×%d): %v, signed %v; torchvision %v, %v", s.Op, k, s.Bins, s.Width, s.Height, m, signed, want, s.Signed)
			}
		}
	}
	t.Logf("%d bins one float32 ulp away from torch %s's", offByUlp, g.Versions["torch"])
}
