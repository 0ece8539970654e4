package reps

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
)

// referenceLocalStd is a float64 transcription of std_filter_torch (kornia box_blur with reflect
// borders) for single-channel images stored as rows of h·w values; it returns [n, h·w].
func referenceLocalStd(images matrix, n, h, w, size int) matrix {
	r := size / 2
	reflect := func(i, n int) int {
		if i < 0 {
			return -i
		}
		if i >= n {
			return 2*(n-1) - i
		}
		return i
	}
	out := matrix{rows: n, cols: h * w, data: make([]float64, n*h*w)}
	for b := range n {
		for y := range h {
			for x := range w {
				var s, s2 float64
				for dy := -r; dy <= r; dy++ {
					for dx := -r; dx <= r; dx++ {
						v := images.at(b, reflect(y+dy, h)*w+reflect(x+dx, w))
						s += v
						s2 += v * v
					}
				}
				k := float64(size * size)
				variance := s2/k - (s/k)*(s/k) + StdFilterEpsilon
				std := math.Sqrt(variance)
				if math.IsNaN(std) {
					std = 0
				}
				out.data[b*h*w+y*w+x] = std
			}
		}
	}
	return out
}

func TestLocalStdMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const n, h, w = 3, 7, 5
	images := randomMatrix(rng, n, h*w)
	for _, size := range []int{3, 5} {
		want := referenceLocalStd(images, n, h, w, size)
		got := flat64(t, call1(t, func(in []*Node) *Node {
			return LocalStd(Reshape(in[0], n, h, w, 1), size)
		}, tensorOf(images, dtypes.Float64)))
		for i := range got {
			if math.Abs(got[i]-want.data[i]) > 1e-12 {
				t.Fatalf("size %d: LocalStd[%d] = %.12g, reference %.12g", size, i, got[i], want.data[i])
			}
		}
	}
}

func TestLocalStdKnownValues(t *testing.T) {
	// A constant image has zero local variance: sqrt(0 + 1e-8) = 1e-4 everywhere. A vertical
	// stripe pattern 0,1,0,1,... has in every 3×3 window (reflect borders) either 3 or 6 ones
	// out of 9, so variance 2/9 everywhere: std = sqrt(2/9 + 1e-8).
	const h, w = 4, 6
	constant := matrix{rows: 1, cols: h * w, data: make([]float64, h*w)}
	stripes := matrix{rows: 1, cols: h * w, data: make([]float64, h*w)}
	for i := range constant.data {
		constant.data[i] = 3.5
		stripes.data[i] = float64((i % w) % 2)
	}
	for _, tc := range []struct {
		name  string
		image matrix
		want  float64
	}{{"constant", constant, 1e-4}, {"stripes", stripes, math.Sqrt(2.0/9 + 1e-8)}} {
		got := flat64(t, call1(t, func(in []*Node) *Node {
			return LocalStd(Reshape(in[0], 1, h, w, 1), 3)
		}, tensorOf(tc.image, dtypes.Float64)))
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
