package datasets

import (
	"slices"
	"strings"
	"testing"
)

func TestRandAugmentSamplingRates(t *testing.T) {
	ra := RandAugment{NumOps: OfficialRandAugmentOps, Magnitude: OfficialRandAugmentMagnitude, Bins: DefaultRandAugmentBins}
	rng := newRNG(11)
	const n = 20000
	counts := map[AugOp]int{}
	negative := map[AugOp]int{}
	for range n {
		draws := ra.Params(32, 24, rng)
		if len(draws) != OfficialRandAugmentOps {
			t.Fatalf("%d ops drawn; want %d", len(draws), OfficialRandAugmentOps)
		}
		for _, d := range draws {
			counts[d.Op]++
			want, signed := OpMagnitude(d.Op, 31, 10, 32, 24)
			switch {
			case d.Magnitude == -want && signed && want != 0:
				negative[d.Op]++
			case d.Magnitude != want:
				t.Fatalf("%s drawn with magnitude %g; want ±%g (signed %v)", d.Op, d.Magnitude, want, signed)
			}
		}
	}
	if len(counts) != len(RandAugmentOps) || counts[OpInvert] != 0 {
		t.Errorf("ops drawn %v; want the 14 of RandAugment and never Invert", counts)
	}
	for _, op := range RandAugmentOps {
		checkRate(t, "op "+op.String(), counts[op], n*OfficialRandAugmentOps, 1.0/14)
		if _, signed := OpMagnitude(op, 31, 10, 32, 24); signed {
			checkRate(t, "negative "+op.String(), negative[op], counts[op], 0.5)
		} else if negative[op] != 0 {
			t.Errorf("unsigned op %s drawn negative %d times", op, negative[op])
		}
	}
}

// TestRandAugmentDrawOrder replays the generator: per op one index in [0, 14), then a sign bit
// only when the op is signed (torchvision's `signed and torch.randint(2, (1,))`).
func TestRandAugmentDrawOrder(t *testing.T) {
	ra := RandAugment{NumOps: 6, Magnitude: 30, Bins: 31}
	for seed := range uint64(50) {
		got := ra.Params(40, 40, newRNG(seed))
		replay := newRNG(seed)
		for i := range 6 {
			op := RandAugmentOps[replay.IntN(14)]
			m, signed := OpMagnitude(op, 31, 30, 40, 40)
			if signed && replay.IntN(2) == 1 {
				m = -m
			}
			if got[i] != (OpDraw{op, m}) {
				t.Fatalf("seed %d op %d: %+v; want %+v", seed, i, got[i], OpDraw{op, m})
			}
		}
	}
}

func TestRandAugmentApplyIsTheDrawnOps(t *testing.T) {
	src := colourDataset(1, 12)
	base := &Picture{Height: 12, Width: 12, Channels: 3, Pix: make([]float32, len(src.Images))}
	for i, v := range src.Images {
		base.Pix[i] = float32(v) / 255
	}
	ra := RandAugment{NumOps: 2, Magnitude: 9, Bins: 31, Fill: []float32{0.5}}
	changed := 0
	for seed := range uint64(40) {
		got := &Picture{Height: 12, Width: 12, Channels: 3, Pix: slices.Clone(base.Pix)}
		ra.Apply(got, newRNG(seed))
		want := &Picture{Height: 12, Width: 12, Channels: 3, Pix: slices.Clone(base.Pix)}
		for _, d := range ra.Params(12, 12, newRNG(seed)) {
			ApplyOp(want, d.Op, d.Magnitude, []float32{0.5})
		}
		if !slices.Equal(got.Pix, want.Pix) {
			t.Fatalf("seed %d: Apply differs from the drawn ops applied in order", seed)
		}
		if !slices.Equal(got.Pix, base.Pix) {
			changed++
		}
	}
	if changed < 30 {
		t.Errorf("only %d of 40 draws changed the picture", changed)
	}
}

func TestRandAugmentValidate(t *testing.T) {
	for _, c := range []struct {
		ra   RandAugment
		want string
	}{
		{RandAugment{NumOps: 2, Magnitude: 31, Bins: 31}, "magnitude = 31"},
		{RandAugment{NumOps: 2, Magnitude: -1, Bins: 31}, "magnitude = -1"},
		{RandAugment{NumOps: -1, Magnitude: 9, Bins: 31}, "num_ops = -1"},
		{RandAugment{NumOps: 2, Magnitude: 0, Bins: 0}, "num_magnitude_bins = 0"},
	} {
		if err := c.ra.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v; want one naming %q", c.ra, err, c.want)
		}
	}
	if err := (RandAugment{DefaultRandAugmentOps, DefaultRandAugmentMagnitude, DefaultRandAugmentBins, nil}).Validate(); err != nil {
		t.Errorf("torchvision defaults rejected: %v", err)
	}
}
