package notebooks

import (
	"math"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr/dcorstat"
)

func TestRepresentationDCor(t *testing.T) {
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		t.Fatal(err)
	}
	config := Settings{Steps: 2, Batch: 16, Reps: []string{"image"}, Seeds: 1}.Config(1)
	trainer, err := RandomEncoder(config, train.Subset(400))
	if err != nil {
		t.Fatal(err)
	}
	defer trainer.Close()
	const n = 60
	m, err := RepresentationDCor(trainer.Backend(), test, n, []string{"image", "std"}, []Embedder{{"z (random encoder)", trainer}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Names) != 3 || m.Names[2] != "z (random encoder)" || m.Images != n {
		t.Fatalf("names %q over %d images", m.Names, m.Images)
	}
	for i := range m.Values {
		if math.Abs(m.Values[i][i]-1) > 1e-9 {
			t.Errorf("dCor(%s, itself) = %v; want 1", m.Names[i], m.Values[i][i])
		}
		for j := range m.Values {
			if m.Values[i][j] != m.Values[j][i] || m.Values[i][j] < 0 || m.Values[i][j] > 1+1e-9 {
				t.Errorf("dCor(%s, %s) = %v, the other way %v", m.Names[i], m.Names[j], m.Values[i][j], m.Values[j][i])
			}
		}
	}
	// The image row is the normalised pixels, a shift and scale of the raw ones: dCor 1 with them
	// (a similarity transform). Its dCor with z is dcorstat.DCor of the pixels and z.
	raw := dcorstat.Sample{N: n, D: test.ImageSize()}
	for _, p := range test.Images[:n*test.ImageSize()] {
		raw.Data = append(raw.Data, float64(p))
	}
	z, dim, err := trainer.Embeddings(test.Subset(n))
	if err != nil {
		t.Fatal(err)
	}
	zs := dcorstat.Sample{N: n, D: dim}
	for _, v := range z {
		zs.Data = append(zs.Data, float64(v))
	}
	want, err := dcorstat.DCor(raw, zs)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Values[0][2]-want) > 1e-6 {
		t.Errorf("dCor(image, z) = %.6f; dcorstat.DCor(raw pixels, z) = %.6f", m.Values[0][2], want)
	}
	if m.Values[0][1] > 0.999 || m.Values[0][1] < 0.3 {
		t.Errorf("dCor(image, local std) = %.3f; want a strong but partial dependence", m.Values[0][1])
	}
	var b strings.Builder
	if err := m.WriteReading(&b, []string{"image"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "(an L3 term of this run)") || strings.Count(b.String(), "(an L3 term") != 1 || !strings.Contains(b.String(), "with z (random encoder) → with z (random encoder), over 60 test digits") {
		t.Errorf("reading:\n%s", b.String())
	}
	if _, err := m.Heatmap(); err != nil {
		t.Errorf("heatmap: %v", err)
	}
	if _, err := RepresentationDCor(trainer.Backend(), test, 1, []string{"image"}, nil); err == nil {
		t.Error("one image: no error")
	}
}
