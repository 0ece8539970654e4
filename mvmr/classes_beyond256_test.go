package mvmr

import (
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/synthfolder"
)

// loadOneHotFolder writes and loads a synthetic class folder (see synthfolder.OneHot).
func loadOneHotFolder(t *testing.T, classes, perClass, side int, hot uint8) *datasets.Dataset {
	t.Helper()
	root := t.TempDir()
	if err := synthfolder.OneHot(root, classes, perClass, side, hot, 0); err != nil {
		t.Fatal(err)
	}
	d, err := datasets.LoadFolder(root, datasets.FolderOptions{Size: side})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// rawPixelFeatures returns the unnormalised pixels of the given rows of d as features: for a
// OneHot folder, class c's rows are multiples of the basis vector e_c.
func rawPixelFeatures(d *datasets.Dataset, rows []int) Features {
	size := d.ImageSize()
	f := Features{N: len(rows), Dim: size, NumClasses: d.NumClasses, Data: make([]float32, len(rows)*size),
		Labels: make([]int32, len(rows))}
	for r, i := range rows {
		for j, v := range d.Image(i) {
			f.Data[r*size+j] = float32(v)
		}
		f.Labels[r] = d.Labels[i]
	}
	return f
}

// TestProtocolsSeeClassesBeyond256 runs the kNN, the linear probe and the semi-supervised
// sampler on a 300-class image folder (labels past uint8's 255, as ImageNet-1k's are): tested on
// classes 256..299 only, both classifiers must find every class, which a label wrapped modulo
// 256 would confuse with classes 0..43.
func TestProtocolsSeeClassesBeyond256(t *testing.T) {
	const classes, side = 300, 10
	train := loadOneHotFolder(t, classes, 2, side, 250)
	test := loadOneHotFolder(t, classes, 1, side, 180)
	var trainRows, testRows []int
	for i := range train.Len() {
		trainRows = append(trainRows, i)
	}
	for i, label := range test.Labels {
		if label >= 256 {
			testRows = append(testRows, i)
		}
	}
	trainF, testF := rawPixelFeatures(train, trainRows), rawPixelFeatures(test, testRows)
	if len(testRows) != classes-256 || testF.Labels[len(testRows)-1] != 299 {
		t.Fatalf("test rows %d with last label %d; want 44 rows ending with class 299", len(testRows), testF.Labels[len(testRows)-1])
	}
	backend := testBackend(t)

	knn, err := KNN(backend, trainF, testF, KNNConfig{Ks: []int{1, 2}, Temperature: KNNTemperature, QueryBlock: 16}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range knn {
		if r.Top1 != 1 || r.Top5 != 1 {
			t.Errorf("kNN k=%d on classes 256..299: top-1 %g, top-5 %g; want 1 (each test image's nearest neighbours are its class's)",
				r.K, r.Top1, r.Top5)
		}
	}

	config := ProbeConfig{Epochs: 100, BatchSize: 100, LR: 1e-2, Seed: 1}
	probe, err := LinearProbe(backend, trainF, testF, config)
	if err != nil {
		t.Fatal(err)
	}
	if probe.TrainTop1 != 1 || probe.Top1 != 1 {
		t.Errorf("linear probe on 300 one-hot classes: train top-1 %g, top-1 on classes 256..299 %g; want 1 and 1",
			probe.TrainTop1, probe.Top1)
	}

	for _, fraction := range []float64{0.01, 0.5} {
		picked, err := SampleLabelled(train.Labels, classes, fraction, SamplePerClass, 7)
		if err != nil {
			t.Fatal(err)
		}
		perClass := make([]int, classes)
		for _, i := range picked {
			perClass[train.Labels[i]]++
		}
		for c, n := range perClass {
			if n != 1 {
				t.Fatalf("per-class sampling of %g of 2 images per class: class %d drew %d images; want 1", fraction, c, n)
			}
		}
	}
}
