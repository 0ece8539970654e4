package reps

import (
	"math"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

func TestProjectionParameters(t *testing.T) {
	rep, err := Known.New("aug_scatnet", Params{ParamProject: 256.0})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.FreshView() || rep.Name() != "aug_scatnet" {
		t.Errorf("projected aug_scatnet: name %q, fresh view %v", rep.Name(), rep.FreshView())
	}
	if shape, err := rep.Shape(28, 28, 1); err != nil || len(shape) != 1 || shape[0] != 256 {
		t.Errorf("projected shape %v, %v; want (256)", shape, err)
	}
	for _, tc := range []struct {
		name   string
		params Params
		want   string
	}{
		{"image", Params{ParamProject: 64.0}, "applies to host representations"},
		{"hog", Params{ParamProjectSeed: 3.0}, "needs project"},
		{"hog", Params{ParamProject: 0.0}, "project = 0"},
		{"hog", Params{ParamProject: 64.0, "bins": 3.0}, `unknown parameter "bins"`},
	} {
		if _, err := Known.New(tc.name, tc.params); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: error %v, want %q", tc.name, tc.params, err, tc.want)
		}
	}
	a, _ := Known.New("scatnet", Params{ParamProject: 64.0})
	b, _ := Known.New("scatnet", Params{ParamProject: 64.0, ParamProjectSeed: 2.0})
	if a.Key() == b.Key() {
		t.Error("different projection seeds share a cache key")
	}
}

// TestProjectionKeepsDistanceCorrelation measures, on 256 real MNIST digits, how much a D-dim
// random projection of the scattering coefficients (3 969 dims) changes their distance
// correlation with the image (float64 reference dCor; mvmr's BenchmarkDistanceCorrelation times
// the graph's).
// The change must shrink as D grows and stay below 0.01 at D = 8192.
func TestProjectionKeepsDistanceCorrelation(t *testing.T) {
	if testing.Short() {
		t.Skip("computes scattering coefficients of 256 digits; skipped with -short")
	}
	train, _ := testutil.MNIST(t, 256, 0)
	images := train.NormalizedImages()
	scat, _ := Known.New("scatnet", nil)
	host, _ := scat.Host()
	features := hostFeatures(t, host, images, 256, 28, 28, 1)
	dcorOf := func(f []float32, dim int) float64 { return referenceDCor(f, dim, images, 784, 256) }
	exact := dcorOf(features, 3969)
	t.Logf("dCor(scatnet, image) = %.5f", exact)
	previous := math.Inf(1)
	for _, d := range []int{256, 512, 1024, 2048, 4096, 8192} {
		rep, _ := Known.New("scatnet", Params{ParamProject: float64(d)})
		projection := rep.impl.(ProjectedRepresentation)
		// features·R for the batch with the backend's matmul; Project must agree row by row.
		matrix := tensors.FromFlatDataAndDimensions(append([]float32(nil), projection.matrix(3969)...), 3969, d)
		projectedT := MustExecOnce(testutil.Backend(t), func(f, m *Node) *Node { return Dot(f, m).Product() },
			tensors.FromFlatDataAndDimensions(append([]float32(nil), features...), 256, 3969), matrix)
		projected := tensors.MustCopyFlatData[float32](projectedT)
		row := make([]float32, d)
		projection.Project(row, features[7*3969:8*3969])
		for k := range d {
			if math.Abs(float64(row[k]-projected[7*d+k])) > 1e-3*(1+math.Abs(float64(row[k]))) {
				t.Fatalf("D = %d: Project gives %g at %d, the matrix product %g", d, row[k], k, projected[7*d+k])
			}
		}
		delta := math.Abs(dcorOf(projected, d) - exact)
		t.Logf("D = %4d: |Δ dCor| = %.5f", d, delta)
		if d >= 1024 && delta > previous*1.5+1e-3 {
			t.Errorf("D = %d: |Δ dCor| = %.5f grew from %.5f", d, delta, previous)
		}
		previous = delta
	}
	if previous > 0.01 {
		t.Errorf("D = 8192: |Δ dCor| = %.5f, want < 0.01", previous)
	}
}

// referenceDCor is the sample distance correlation of x ([n, dx]) and y ([n, dy]) in float64:
// double-centred Euclidean distance matrices A and B, dCor = sqrt(mean(A·B) / sqrt(mean(A·A)·mean(B·B))).
func referenceDCor(x []float32, dx int, y []float32, dy int, n int) float64 {
	centred := func(v []float32, d int) []float64 {
		m := make([]float64, n*n)
		for i := range n {
			for j := i + 1; j < n; j++ {
				s := 0.0
				for k := range d {
					diff := float64(v[i*d+k]) - float64(v[j*d+k])
					s += diff * diff
				}
				m[i*n+j], m[j*n+i] = math.Sqrt(s), math.Sqrt(s)
			}
		}
		rows := make([]float64, n)
		total := 0.0
		for i := range n {
			for j := range n {
				rows[i] += m[i*n+j]
			}
			total += rows[i]
			rows[i] /= float64(n)
		}
		total /= float64(n * n)
		for i := range n {
			for j := range n {
				m[i*n+j] += total - rows[i] - rows[j]
			}
		}
		return m
	}
	a, b := centred(x, dx), centred(y, dy)
	var ab, aa, bb float64
	for i := range a {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	return math.Sqrt(ab / math.Sqrt(aa*bb))
}
