package mvmr

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
)

// referenceEmbeddingTerms is a float64 transcription of the official step's L1 and L2 terms.
func referenceEmbeddingTerms(zOrig, zAug matrix, margin, scale float64) (mse, std, dcorZZ float64) {
	n, d := zOrig.rows, zOrig.cols
	for i := range zOrig.data {
		diff := zOrig.data[i] - zAug.data[i]
		mse += diff * diff
	}
	mse /= float64(n * d)
	hinge := func(z matrix) float64 {
		var total float64
		for j := range d {
			var mean float64
			for i := range n {
				mean += z.at(i, j)
			}
			mean /= float64(n)
			var ss float64
			for i := range n {
				ss += (z.at(i, j) - mean) * (z.at(i, j) - mean)
			}
			std := math.Sqrt(ss / float64(n-1)) // torch.std: unbiased
			total += math.Max(margin-std, 0)
		}
		return total / float64(d)
	}
	std = hinge(zAug) + hinge(zOrig)
	scaled := func(z matrix) matrix {
		s := matrix{rows: n, cols: d, data: make([]float64, len(z.data))}
		for i, v := range z.data {
			s.data[i] = v / scale
		}
		return s
	}
	dcorZZ = 1 - referenceDCor(scaled(zOrig), scaled(zAug))
	return
}

func TestEmbeddingTermsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const n, d = 40, 24
	zOrig := randomMatrix(rng, n, d)
	zAug := randomMatrix(rng, n, d)
	for i := range zAug.data {
		// Half the dimensions with std below the margin, so the hinge is active for some only.
		scale := 0.5
		if i%d < d/2 {
			scale = 1.6
		}
		zOrig.data[i] *= scale
		zAug.data[i] = zAug.data[i]*0.3*scale + zOrig.data[i]
	}
	for _, tc := range []struct{ margin, scale float64 }{{1, 32}, {0.7, 1}} {
		wantMSE, wantStd, wantDCor := referenceEmbeddingTerms(zOrig, zAug, tc.margin, tc.scale)
		got := flat64(t, call1(t, func(in []*Node) *Node {
			mse, std, dcor := EmbeddingTerms(in[0], in[1], tc.margin, 0, tc.scale)
			return Stack([]*Node{mse, std, dcor}, 0)
		}, tensorOf(zOrig, dtypes.Float64), tensorOf(zAug, dtypes.Float64)))
		for i, want := range []float64{wantMSE, wantStd, wantDCor} {
			if relDiff(got[i], want) > 1e-9 {
				t.Errorf("margin %g scale %g: %s = %.10g, reference %.10g", tc.margin, tc.scale,
					[]string{TermMSE, TermStd, TermDCorZZ}[i], got[i], want)
			}
		}
		if wantStd <= 0 || wantStd >= 2*tc.margin {
			t.Fatalf("test data should make the hinge partly active, got std term %g", wantStd)
		}
	}
}

func TestLossComponentsNamesWeightsAndModes(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const n, h, w = 16, 6, 6
	images := randomMatrix(rng, n, h*w)
	augmented := randomMatrix(rng, n, h*w)
	zOrig := randomMatrix(rng, n, 8)
	zAug := randomMatrix(rng, n, 8)
	for i := range zAug.data {
		zAug.data[i] += zOrig.data[i]
	}
	config := DefaultLossConfig()
	config.MSEWeight, config.StdWeight, config.DCorZZWeight = 0.5, 2, 0
	config.Representations = []RepresentationTerm{
		{Name: "image", Weight: 1.5, Mode: ModeMaximize},
		{Name: "std", Weight: 0.25, Mode: ModeOfficial},
	}
	loss, err := NewLoss(config)
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"mse", "std", "dcor_zz", "dcor/image", "dcor/std", "total"}
	if got := loss.Names(); len(got) != len(wantNames) {
		t.Fatalf("Names() = %v, want %v", got, wantNames)
	} else {
		for i := range got {
			if got[i] != wantNames[i] {
				t.Fatalf("Names() = %v, want %v", got, wantNames)
			}
		}
	}
	values := flat64(t, call1(t, func(in []*Node) *Node {
		views := reps.Views{Original: Reshape(in[0], n, h, w, 1), Augmented: Reshape(in[1], n, h, w, 1), Fresh: Reshape(in[1], n, h, w, 1)}
		return Stack(loss.Components(views, in[2], in[3]), 0)
	}, tensorOf(images, dtypes.Float64), tensorOf(augmented, dtypes.Float64), tensorOf(zOrig, dtypes.Float64), tensorOf(zAug, dtypes.Float64)))

	wantMSE, wantStd, wantDCorZZ := referenceEmbeddingTerms(zOrig, zAug, 1, 32)
	scaledAug := matrix{rows: n, cols: 8, data: make([]float64, n*8)}
	for i, v := range zAug.data {
		scaledAug.data[i] = v / 32
	}
	imageFeatures := matrix{rows: n, cols: h * w, data: make([]float64, n*h*w)}
	for i, v := range images.data {
		imageFeatures.data[i] = v / reps.ImageRepresentationScale
	}
	wantImage := 1 - referenceDCor(imageFeatures, scaledAug)
	wantStdRep := referenceDCor(referenceLocalStd(images, n, h, w, 3), scaledAug)
	want := []float64{wantMSE, wantStd, wantDCorZZ, wantImage, wantStdRep}
	for i, wv := range want {
		if relDiff(values[i], wv) > 1e-9 {
			t.Errorf("%s = %.10g, reference %.10g", wantNames[i], values[i], wv)
		}
	}
	wantTotal := 0.5*wantMSE + 2*wantStd + 0*wantDCorZZ + 1.5*wantImage + 0.25*wantStdRep
	if relDiff(values[5], wantTotal) > 1e-9 {
		t.Errorf("total = %.10g, want Σ weight·term = %.10g", values[5], wantTotal)
	}
}

func TestLossConfigValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(*LossConfig)
		want   string
	}{
		{"unknown representation", func(c *LossConfig) { c.Representations[0].Name = "hogwash" }, `unknown representation "hogwash"`},
		{"bad mode", func(c *LossConfig) { c.Representations[1].Mode = "minimise" }, `mode = "minimise"`},
		{"duplicate", func(c *LossConfig) { c.Representations[1].Name = "image" }, `"image" appears twice`},
		{"scale", func(c *LossConfig) { c.DCorScale = 0 }, "loss.dcor_scale = 0"},
		{"param", func(c *LossConfig) { c.Representations[1].Params = reps.Params{"size": 4.0} }, "size = 4"},
		{"weight", func(c *LossConfig) { c.StdWeight = -1 }, "loss.std_weight = -1"},
	} {
		c := DefaultLossConfig()
		tc.modify(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	if err := DefaultLossConfig().Validate(); err != nil {
		t.Errorf("default config: %v", err)
	}
}

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
				variance := s2/k - (s/k)*(s/k) + reps.StdFilterEpsilon
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
