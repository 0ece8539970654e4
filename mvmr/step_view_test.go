package mvmr

import (
	"math"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// viewCheck is a monitor that compares, at each step, the ways a StepView encodes images.
type viewCheck struct {
	t     *testing.T
	steps []int64
}

func (m *viewCheck) Observe(v StepView) (map[string]float64, error) {
	t := m.t
	m.steps = append(m.steps, v.Step())
	b := v.Batch()
	h, hDim, err := v.BatchFeatures()
	if err != nil {
		t.Fatal(err)
	}
	h[0] = float32(math.NaN()) // a caller's change must not reach the next caller
	again, _, err := v.BatchFeatures()
	if err != nil || math.IsNaN(float64(again[0])) {
		t.Fatalf("BatchFeatures again = %v, %v; want a fresh copy", again[:1], err)
	}
	direct, dim, err := v.Features(b.Original, b.Size)
	if err != nil || dim != hDim || len(direct) != b.Size*hDim {
		t.Fatalf("Features: %d values of dim %d, %v; want %d of dim %d", len(direct), dim, err, b.Size*hDim, hDim)
	}
	z, zDim, err := v.Embeddings(b.Original, b.Size)
	if err != nil {
		t.Fatal(err)
	}
	eh, ez, ehDim, ezDim, err := v.Encode(b.Original, b.Size)
	if err != nil || ehDim != hDim || ezDim != zDim {
		t.Fatalf("Encode dims %d, %d, %v; want %d, %d", ehDim, ezDim, err, hDim, zDim)
	}
	for _, c := range []struct {
		name      string
		got, want []float32
	}{{"h", again, direct}, {"Encode h", eh, direct}, {"Encode z", ez, z}} {
		for i := range c.want {
			if math.Abs(float64(c.got[i]-c.want[i])) > 1e-5*(1+math.Abs(float64(c.want[i]))) {
				t.Fatalf("step %d: %s[%d] = %g, want %g", v.Step(), c.name, i, c.got[i], c.want[i])
			}
		}
	}
	if _, _, err := v.Features(b.Original[:len(b.Original)-1], b.Size); err == nil {
		t.Error("Features accepted images one value short")
	}
	if v.Config().BatchSize != b.Size || v.Backend() == nil || v.Warnings() == nil {
		t.Errorf("Config().BatchSize %d, batch %d, backend %v", v.Config().BatchSize, b.Size, v.Backend())
	}
	return nil, nil
}

func TestStepViewEncodesConsistently(t *testing.T) {
	train, _ := testutil.MNIST(t, 256, 16)
	tr := newTestTrainer(t, tinyConfig(4), train)
	m := &viewCheck{t: t}
	tr.AddMonitor(m)
	if err := tr.Train(2); err != nil {
		t.Fatal(err)
	}
	if len(m.steps) != 2 || m.steps[0] != 0 || m.steps[1] != 1 {
		t.Errorf("observed steps %v; want [0 1]", m.steps)
	}
}
