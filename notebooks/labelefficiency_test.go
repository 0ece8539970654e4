package notebooks

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// labelClusterFeatures returns n rows of 3 classes: class c at centre 3·e_c plus Gaussian noise of
// standard deviation noise, in 8 dimensions.
func labelClusterFeatures(n int, noise float64, seed uint64) mvmr.Features {
	rng := rand.New(rand.NewPCG(seed, 1))
	f := mvmr.Features{N: n, Dim: 8, NumClasses: 3}
	for i := range n {
		c := int32(i % 3)
		f.Labels = append(f.Labels, c)
		for d := range 8 {
			v := noise * rng.NormFloat64()
			if d == int(c) {
				v += 3
			}
			f.Data = append(f.Data, float32(v))
		}
	}
	return f
}

func TestLabelEfficiency(t *testing.T) {
	backend, err := mvmr.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	clear := FeatureSet{Name: "clear", Train: labelClusterFeatures(300, 0.5, 1), Test: labelClusterFeatures(300, 0.5, 2)}
	noisy := FeatureSet{Name: "noisy", Train: labelClusterFeatures(300, 3, 1), Test: labelClusterFeatures(300, 3, 2)}
	twin := FeatureSet{Name: "twin", Train: clear.Train, Test: clear.Test}
	points, err := LabelEfficiencyFeatures(backend, []FeatureSet{clear, noisy, twin}, []int{2, 50}, []int64{1, 2}, mvmr.DefaultProbeConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 3*2*2 {
		t.Fatalf("%d points; want 12 (3 sets × 2 counts × 2 seeds)", len(points))
	}
	top1 := map[string]map[int][]float64{}
	for _, p := range points {
		if top1[p.Features] == nil {
			top1[p.Features] = map[int][]float64{}
		}
		top1[p.Features][p.PerClass] = append(top1[p.Features][p.PerClass], p.Top1)
	}
	for _, count := range []int{2, 50} {
		for s := range 2 {
			// The same label draw and probe seed for every set: identical features score the same.
			if top1["clear"][count][s] != top1["twin"][count][s] {
				t.Errorf("%d per class, draw %d: clear %.4f, its twin %.4f; want equal (paired draws)", count, s, top1["clear"][count][s], top1["twin"][count][s])
			}
		}
		if labelMean(top1["clear"][count]) <= labelMean(top1["noisy"][count]) {
			t.Errorf("%d per class: well separated clusters %.3f, noisy ones %.3f; want the clear ones ahead", count, labelMean(top1["clear"][count]), labelMean(top1["noisy"][count]))
		}
	}
	if labelMean(top1["clear"][50]) < 0.97 {
		t.Errorf("clear clusters with 50 labels per class: top-1 %.3f; want ≥ 0.97", labelMean(top1["clear"][50]))
	}
	if labelMean(top1["noisy"][50]) <= labelMean(top1["noisy"][2]) {
		t.Errorf("noisy clusters: 50 labels per class %.3f, 2 labels %.3f; want more labels to help", labelMean(top1["noisy"][50]), labelMean(top1["noisy"][2]))
	}
	curves := LabelEfficiencyCurves(points)
	if len(curves) != 3 || curves[0].Name != "clear" || len(curves[1].PerClass) != 2 || len(curves[1].Top1[1]) != 2 || curves[1].Top1[1][0] != 100*top1["noisy"][50][0] {
		t.Errorf("curves %+v", curves)
	}
	var out strings.Builder
	if err := WriteLabelEfficiency(&out, points, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 labels per class:", "50 labels per class:", "clear", "noisy", "over 2 label draws"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("reading lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := LabelEfficiencyFeatures(backend, []FeatureSet{clear}, []int{101}, []int64{1}, mvmr.DefaultProbeConfig(), nil); err == nil || !strings.Contains(err.Error(), "class 0 has 100 images") {
		t.Errorf("more labels per class than images: error %v", err)
	}
}

func TestLabelEfficiencyProbe(t *testing.T) {
	probe := mvmr.DefaultProbeConfig() // batches of 1000
	for _, tc := range []struct{ rows, epochs int }{{100, LabelEfficiencySteps}, {1000, LabelEfficiencySteps}, {5000, LabelEfficiencySteps / 5}, {60000, LabelEfficiencySteps / 60}} {
		if got := LabelEfficiencyProbe(probe, tc.rows).Epochs; got != tc.epochs {
			t.Errorf("%d rows: %d epochs; want %d (%d steps)", tc.rows, got, tc.epochs, LabelEfficiencySteps)
		}
	}
}

func labelMean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// TestLabelEfficiencyEncodesOnlyTheDraws: on images, LabelEfficiency draws the same labelled
// subsets as LabelEfficiencyFeatures does on the features of every training image, so its
// accuracies are the same; it encodes only the drawn images.
func TestLabelEfficiencyEncodesOnlyTheDraws(t *testing.T) {
	backend, err := mvmr.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	toy := func(n int, seed uint64) *datasets.Dataset {
		rng := rand.New(rand.NewPCG(seed, 2))
		d := &datasets.Dataset{Name: "toy", Height: 2, Width: 2, Channels: 1, NumClasses: 3, Mean: []float32{0.5}, Std: []float32{0.25}}
		for i := range n {
			c := i % 3
			d.Labels = append(d.Labels, int32(c))
			for p := range 4 {
				v := 60 + 60*float64(c) + 40*rng.NormFloat64()
				if p == c {
					v += 50
				}
				d.Images = append(d.Images, uint8(max(0, min(255, v))))
			}
		}
		return d
	}
	train, test := toy(600, 1), toy(300, 2)
	encoded := 0
	pixels := PixelEncoder()
	counting := Encoder{Name: pixels.Name, Features: func(d *datasets.Dataset) (mvmr.Features, error) {
		if d.Name != test.Name {
			encoded += d.Len()
		}
		return pixels.Features(d)
	}}
	counts, seeds := []int{5, 20}, []int64{1, 2}
	got, err := LabelEfficiency(backend, []Encoder{counting}, train, test, counts, seeds, mvmr.DefaultProbeConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := LabelEfficiencyFeatures(backend, []FeatureSet{{Name: pixels.Name, Train: mvmr.PixelFeatures(train), Test: mvmr.PixelFeatures(test)}},
		counts, seeds, mvmr.DefaultProbeConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(got) != 4 {
		t.Fatalf("%d and %d points; want 4 each", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("point %d: %+v from the images, %+v from all the features; want the same draw and accuracy", i, got[i], want[i])
		}
	}
	if encoded > 3*(20+20+5+5) || encoded < 3*20 {
		t.Errorf("%d training images encoded; want only the drawn ones (between 60 and 150)", encoded)
	}
}
