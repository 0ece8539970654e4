package mvmr

import (
	"math"
	"strings"
	"testing"
	"time"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

func TestProjectionParameters(t *testing.T) {
	rep, err := NewRepresentation("aug_scatnet", Params{ParamProject: 256.0})
	if err != nil {
		t.Fatal(err)
	}
	if !UsesFreshView(rep) || rep.Name() != "aug_scatnet" {
		t.Errorf("projected aug_scatnet: name %q, fresh view %v", rep.Name(), UsesFreshView(rep))
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
		if _, err := NewRepresentation(tc.name, tc.params); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: error %v, want %q", tc.name, tc.params, err, tc.want)
		}
	}
	a, _ := NewRepresentation("scatnet", Params{ParamProject: 64.0})
	b, _ := NewRepresentation("scatnet", Params{ParamProject: 64.0, ParamProjectSeed: 2.0})
	if RepresentationKey(a) == RepresentationKey(b) {
		t.Error("different projection seeds share a cache key")
	}
}

// TestProjectionKeepsDistanceCorrelation measures, on 256 real MNIST digits, how much a D-dim
// random projection of the scattering coefficients (3 969 dims) changes their distance
// correlation with the image, and how long dCor takes (forward + backward) with and without it.
// The change must shrink as D grows and stay below 0.01 at D = 8192.
func TestProjectionKeepsDistanceCorrelation(t *testing.T) {
	if testing.Short() {
		t.Skip("computes scattering coefficients of 256 digits; skipped with -short")
	}
	train, _ := testMNIST(t, 256, 0)
	images := train.NormalizedImages()
	scat, _ := NewRepresentation("scatnet", nil)
	host, _ := AsHost(scat)
	features := ComputeHostFeatures(host, images, 256, 28, 28, 1)
	imageT := tensors.FromFlatDataAndDimensions(append([]float32(nil), images...), 256, 784)
	dcorOf := func(f []float32, dim int) (float64, time.Duration) {
		exec := MustNewExec(testBackend(t), func(x, y *Node) (*Node, *Node) {
			d := DistanceCorrelation(x, y)
			return d, Gradient(d, y)[0]
		})
		x := tensors.FromFlatDataAndDimensions(append([]float32(nil), f...), 256, dim)
		exec.MustExec(x, imageT) // compile
		start := time.Now()
		out := exec.MustExec(x, imageT)
		return scalarOf(t, out[0]), time.Since(start)
	}
	exact, exactTime := dcorOf(features, 3969)
	t.Logf("dCor(scatnet, image) = %.5f, %s per forward+backward", exact, exactTime)
	previous := math.Inf(1)
	for _, d := range []int{256, 512, 1024, 2048, 4096, 8192} {
		rep, _ := NewRepresentation("scatnet", Params{ParamProject: float64(d)})
		projection := rep.(ProjectedRepresentation)
		// features·R for the batch with the backend's matmul; Project must agree row by row.
		matrix := tensors.FromFlatDataAndDimensions(append([]float32(nil), projection.matrix(3969)...), 3969, d)
		projectedT := MustExecOnce(testBackend(t), func(f, m *Node) *Node { return Dot(f, m).Product() },
			tensors.FromFlatDataAndDimensions(append([]float32(nil), features...), 256, 3969), matrix)
		projected := tensors.MustCopyFlatData[float32](projectedT)
		row := make([]float32, d)
		projection.Project(row, features[7*3969:8*3969])
		for k := range d {
			if math.Abs(float64(row[k]-projected[7*d+k])) > 1e-3*(1+math.Abs(float64(row[k]))) {
				t.Fatalf("D = %d: Project gives %g at %d, the matrix product %g", d, row[k], k, projected[7*d+k])
			}
		}
		got, elapsed := dcorOf(projected, d)
		delta := math.Abs(got - exact)
		t.Logf("D = %4d: |Δ dCor| = %.5f, %s per forward+backward", d, delta, elapsed)
		if d >= 1024 && delta > previous*1.5+1e-3 {
			t.Errorf("D = %d: |Δ dCor| = %.5f grew from %.5f", d, delta, previous)
		}
		previous = delta
	}
	if previous > 0.01 {
		t.Errorf("D = 8192: |Δ dCor| = %.5f, want < 0.01", previous)
	}
}
