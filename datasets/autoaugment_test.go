package datasets

import (
	"fmt"
	"slices"
	"testing"
)

func TestAutoAugmentTables(t *testing.T) {
	for _, c := range []struct {
		policy AutoAugmentPolicy
		first  SubPolicy
		last   SubPolicy
	}{
		{AutoAugmentImageNet, SubPolicy{{OpPosterize, 0.4, 8}, {OpRotate, 0.6, 9}}, SubPolicy{{OpEqualize, 0.8, -1}, {OpEqualize, 0.6, -1}}},
		{AutoAugmentCIFAR10, SubPolicy{{OpInvert, 0.1, -1}, {OpContrast, 0.2, 6}}, SubPolicy{{OpTranslateY, 0.7, 9}, {OpAutoContrast, 0.9, -1}}},
		{AutoAugmentSVHN, SubPolicy{{OpShearX, 0.9, 4}, {OpInvert, 0.2, -1}}, SubPolicy{{OpShearX, 0.7, 2}, {OpInvert, 0.1, -1}}},
	} {
		subs := AutoAugment{Policy: c.policy}.SubPolicies()
		if len(subs) != 25 || subs[0] != c.first || subs[24] != c.last {
			t.Errorf("%s: %d sub-policies, first %v, last %v", c.policy, len(subs), subs[0], subs[24])
		}
		for i, s := range subs {
			for _, op := range s {
				_, signed := OpMagnitude(op.Op, AutoAugmentBins, 0, 32, 32)
				hasMagnitude := signed || op.Op == OpPosterize || op.Op == OpSolarize
				if (op.Level >= 0) != hasMagnitude || op.Level > 9 || op.P < 0 || op.P > 1 {
					t.Errorf("%s sub-policy %d: %+v", c.policy, i, op)
				}
			}
		}
	}
	if (AutoAugment{}).String() != "AutoAugment(policy=imagenet)" {
		t.Errorf("default policy %s; want imagenet", AutoAugment{})
	}
	if err := (AutoAugment{Policy: "coco"}).Validate(); err == nil {
		t.Error("unknown AutoAugment policy accepted")
	}
}

func TestAutoAugmentSamplingRates(t *testing.T) {
	for _, policy := range []AutoAugmentPolicy{AutoAugmentImageNet, AutoAugmentCIFAR10, AutoAugmentSVHN} {
		aa := AutoAugment{Policy: policy}
		subs := aa.SubPolicies()
		rng := newRNG(21)
		const n = 50000
		var picked [25]int
		var applied, signedN, negative [25][2]int
		for range n {
			d := aa.Params(32, 24, rng)
			picked[d.Index]++
			for i, s := range subs[d.Index] {
				want, signed := 0.0, false
				if s.Level >= 0 {
					want, signed = OpMagnitude(s.Op, AutoAugmentBins, s.Level, 32, 24)
				}
				if d.Ops[i].Op != s.Op || (d.Ops[i].Magnitude != want && !(signed && d.Ops[i].Magnitude == -want)) {
					t.Fatalf("%s sub-policy %d op %d: %+v; want %s ±%g", policy, d.Index, i, d.Ops[i], s.Op, want)
				}
				if d.Applied[i] {
					applied[d.Index][i]++
				}
				if signed && want != 0 {
					signedN[d.Index][i]++
					if d.Ops[i].Magnitude < 0 {
						negative[d.Index][i]++
					}
				}
			}
		}
		for k, s := range subs {
			checkRate(t, fmt.Sprintf("%s sub-policy %d", policy, k), picked[k], n, 1.0/25)
			for i := range 2 {
				checkRate(t, fmt.Sprintf("%s sub-policy %d op %d applied", policy, k, i), applied[k][i], picked[k], s[i].P)
				if signedN[k][i] > 0 {
					checkRate(t, fmt.Sprintf("%s sub-policy %d op %d negative", policy, k, i), negative[k][i], signedN[k][i], 0.5)
				}
			}
		}
	}
}

// TestAutoAugmentDrawOrder replays the generator as torchvision's get_params: the index, two
// uniforms, two signs; a signed magnitude is negated when its sign is 0.
func TestAutoAugmentDrawOrder(t *testing.T) {
	aa := AutoAugment{Policy: AutoAugmentSVHN}
	subs := aa.SubPolicies()
	for seed := range uint64(100) {
		got := aa.Params(20, 20, newRNG(seed))
		r := newRNG(seed)
		want := AutoAugmentDraw{Index: r.IntN(25)}
		u := [2]float64{r.Float64(), r.Float64()}
		sign := [2]int{r.IntN(2), r.IntN(2)}
		for i, s := range subs[want.Index] {
			m, signed := 0.0, false
			if s.Level >= 0 {
				m, signed = OpMagnitude(s.Op, 10, s.Level, 20, 20)
			}
			if signed && sign[i] == 0 {
				m = -m
			}
			want.Applied[i] = u[i] <= s.P
			want.Ops[i] = OpDraw{s.Op, m}
		}
		if got != want {
			t.Fatalf("seed %d: %+v; want %+v", seed, got, want)
		}
	}
}

func TestAutoAugmentApplyIsTheDrawnOps(t *testing.T) {
	src := colourDataset(1, 10)
	base := make([]float32, len(src.Images))
	for i, v := range src.Images {
		base[i] = float32(v) / 255
	}
	aa := AutoAugment{Policy: AutoAugmentCIFAR10}
	changed := 0
	for seed := range uint64(60) {
		got := &Picture{Height: 10, Width: 10, Channels: 3, Pix: slices.Clone(base)}
		aa.Apply(got, newRNG(seed))
		want := &Picture{Height: 10, Width: 10, Channels: 3, Pix: slices.Clone(base)}
		d := aa.Params(10, 10, newRNG(seed))
		for i, op := range d.Ops {
			if d.Applied[i] {
				ApplyOp(want, op.Op, op.Magnitude, nil)
			}
		}
		if !slices.Equal(got.Pix, want.Pix) {
			t.Fatalf("seed %d: Apply differs from the drawn sub-policy %+v", seed, d)
		}
		if !slices.Equal(got.Pix, base) {
			changed++
		}
	}
	if changed < 30 {
		t.Errorf("only %d of 60 draws changed the picture", changed)
	}
}
