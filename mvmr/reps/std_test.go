package reps

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

func TestLocalStdMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const n, h, w = 3, 7, 5
	images := testutil.RandomMatrix(rng, n, h*w)
	for _, size := range []int{3, 5} {
		want := testutil.ReferenceLocalStd(images, n, h, w, size, StdFilterEpsilon)
		got := testutil.Flat64(t, testutil.Call1(t, testutil.Backend(t), func(in []*Node) *Node {
			return LocalStd(Reshape(in[0], n, h, w, 1), size)
		}, testutil.TensorOf(images, dtypes.Float64)))
		for i := range got {
			if math.Abs(got[i]-want.Data[i]) > 1e-12 {
				t.Fatalf("size %d: LocalStd[%d] = %.12g, reference %.12g", size, i, got[i], want.Data[i])
			}
		}
	}
}

func TestLocalStdKnownValues(t *testing.T) {
	// A constant image has zero local variance: sqrt(0 + 1e-8) = 1e-4 everywhere. A vertical
	// stripe pattern 0,1,0,1,... has in every 3×3 window (reflect borders) either 3 or 6 ones
	// out of 9, so variance 2/9 everywhere: std = sqrt(2/9 + 1e-8).
	const h, w = 4, 6
	constant := testutil.Matrix{Rows: 1, Cols: h * w, Data: make([]float64, h*w)}
	stripes := testutil.Matrix{Rows: 1, Cols: h * w, Data: make([]float64, h*w)}
	for i := range constant.Data {
		constant.Data[i] = 3.5
		stripes.Data[i] = float64((i % w) % 2)
	}
	for _, tc := range []struct {
		name  string
		image testutil.Matrix
		want  float64
	}{{"constant", constant, 1e-4}, {"stripes", stripes, math.Sqrt(2.0/9 + 1e-8)}} {
		got := testutil.Flat64(t, testutil.Call1(t, testutil.Backend(t), func(in []*Node) *Node {
			return LocalStd(Reshape(in[0], 1, h, w, 1), 3)
		}, testutil.TensorOf(tc.image, dtypes.Float64)))
		for i, v := range got {
			if math.Abs(v-tc.want) > 1e-9 {
				t.Fatalf("%s: std[%d] = %.10g, want %.10g", tc.name, i, v, tc.want)
			}
		}
	}
}

func TestRepresentationRegistry(t *testing.T) {
	names := Known.Names()
	for _, want := range []string{"image", "std"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("representation %q not registered (have %v)", want, names)
		}
	}
	if _, err := Known.New("image", Params{"size": 3.0}); err == nil {
		t.Error(`Known.New("image", size=3) should fail: image takes no parameters`)
	}
	rep, err := Known.New("std", Params{"size": 5.0})
	if err != nil || rep.impl.(StdRepresentation).Size != 5 {
		t.Errorf(`Known.New("std", size=5) = %v, %v`, rep, err)
	}
}
