package mvmr

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// referenceEmbeddingTerms is a float64 transcription of the official step's L1 and L2 terms.
func referenceEmbeddingTerms(zOrig, zAug testutil.Matrix, margin, scale float64) (mse, std, dcorZZ float64) {
	n, d := zOrig.Rows, zOrig.Cols
	for i := range zOrig.Data {
		diff := zOrig.Data[i] - zAug.Data[i]
		mse += diff * diff
	}
	mse /= float64(n * d)
	hinge := func(z testutil.Matrix) float64 {
		var total float64
		for j := range d {
			var mean float64
			for i := range n {
				mean += z.At(i, j)
			}
			mean /= float64(n)
			var ss float64
			for i := range n {
				ss += (z.At(i, j) - mean) * (z.At(i, j) - mean)
			}
			std := math.Sqrt(ss / float64(n-1)) // torch.std: unbiased
			total += math.Max(margin-std, 0)
		}
		return total / float64(d)
	}
	std = hinge(zAug) + hinge(zOrig)
	scaled := func(z testutil.Matrix) testutil.Matrix {
		s := testutil.Matrix{Rows: n, Cols: d, Data: make([]float64, len(z.Data))}
		for i, v := range z.Data {
			s.Data[i] = v / scale
		}
		return s
	}
	dcorZZ = 1 - referenceDCor(scaled(zOrig), scaled(zAug))
	return
}

func TestEmbeddingTermsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const n, d = 40, 24
	zOrig := testutil.RandomMatrix(rng, n, d)
	zAug := testutil.RandomMatrix(rng, n, d)
	for i := range zAug.Data {
		// Half the dimensions with std below the margin, so the hinge is active for some only.
		scale := 0.5
		if i%d < d/2 {
			scale = 1.6
		}
		zOrig.Data[i] *= scale
		zAug.Data[i] = zAug.Data[i]*0.3*scale + zOrig.Data[i]
	}
	for _, tc := range []struct{ margin, scale float64 }{{1, 32}, {0.7, 1}} {
		wantMSE, wantStd, wantDCor := referenceEmbeddingTerms(zOrig, zAug, tc.margin, tc.scale)
		got := testutil.Flat64(t, testutil.Call1(t, testBackend(t), func(in []*Node) *Node {
			mse, std, dcor := EmbeddingTerms(in[0], in[1], tc.margin, 0, tc.scale)
			return Stack([]*Node{mse, std, dcor}, 0)
		}, testutil.TensorOf(zOrig, dtypes.Float64), testutil.TensorOf(zAug, dtypes.Float64)))
		for i, want := range []float64{wantMSE, wantStd, wantDCor} {
			if testutil.RelDiff(got[i], want) > 1e-9 {
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
	images := testutil.RandomMatrix(rng, n, h*w)
	augmented := testutil.RandomMatrix(rng, n, h*w)
	zOrig := testutil.RandomMatrix(rng, n, 8)
	zAug := testutil.RandomMatrix(rng, n, 8)
	for i := range zAug.Data {
		zAug.Data[i] += zOrig.Data[i]
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
	values := testutil.Flat64(t, testutil.Call1(t, testBackend(t), func(in []*Node) *Node {
		views := reps.Views{Original: Reshape(in[0], n, h, w, 1), Augmented: Reshape(in[1], n, h, w, 1), Fresh: Reshape(in[1], n, h, w, 1)}
		return Stack(loss.Components(views, in[2], in[3]), 0)
	}, testutil.TensorOf(images, dtypes.Float64), testutil.TensorOf(augmented, dtypes.Float64), testutil.TensorOf(zOrig, dtypes.Float64), testutil.TensorOf(zAug, dtypes.Float64)))

	wantMSE, wantStd, wantDCorZZ := referenceEmbeddingTerms(zOrig, zAug, 1, 32)
	scaledAug := testutil.Matrix{Rows: n, Cols: 8, Data: make([]float64, n*8)}
	for i, v := range zAug.Data {
		scaledAug.Data[i] = v / 32
	}
	imageFeatures := testutil.Matrix{Rows: n, Cols: h * w, Data: make([]float64, n*h*w)}
	for i, v := range images.Data {
		imageFeatures.Data[i] = v / reps.ImageRepresentationScale
	}
	wantImage := 1 - referenceDCor(imageFeatures, scaledAug)
	wantStdRep := referenceDCor(testutil.ReferenceLocalStd(images, n, h, w, 3, reps.StdFilterEpsilon), scaledAug)
	want := []float64{wantMSE, wantStd, wantDCorZZ, wantImage, wantStdRep}
	for i, wv := range want {
		if testutil.RelDiff(values[i], wv) > 1e-9 {
			t.Errorf("%s = %.10g, reference %.10g", wantNames[i], values[i], wv)
		}
	}
	wantTotal := 0.5*wantMSE + 2*wantStd + 0*wantDCorZZ + 1.5*wantImage + 0.25*wantStdRep
	if testutil.RelDiff(values[5], wantTotal) > 1e-9 {
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
