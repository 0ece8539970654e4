package datasets

import (
	"slices"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/synthfolder"
)

// TestLoadFolderBeyond256Classes loads a folder of 300 classes (more than a uint8 label holds;
// ImageNet-1k has 1000) whose images encode their class, and checks that every image keeps its
// label through the loader and through the two-view batches.
func TestLoadFolderBeyond256Classes(t *testing.T) {
	const classes, perClass, side = 300, 2, 10
	const hot, background = 250, 5
	root := t.TempDir()
	if err := synthfolder.OneHot(root, classes, perClass, side, hot, background); err != nil {
		t.Fatal(err)
	}
	d, err := LoadFolder(root, FolderOptions{Size: side})
	if err != nil {
		t.Fatal(err)
	}
	if d.NumClasses != classes || d.Len() != classes*perClass || d.Unlabeled {
		t.Fatalf("%d classes, %d images, unlabeled %v; want %d classes of %d images, labelled",
			d.NumClasses, d.Len(), d.Unlabeled, classes, perClass)
	}
	if d.ClassNames[299] != synthfolder.ClassName(299) {
		t.Errorf("class 299 is named %q; want %q", d.ClassNames[299], synthfolder.ClassName(299))
	}
	count := make([]int, classes)
	for i, label := range d.Labels {
		img := d.Image(i)
		hotAt := slices.Index(img, hot)
		if hotAt != int(label) || slices.ContainsFunc(img[hotAt+1:], func(v uint8) bool { return v != background }) {
			t.Fatalf("image %d labelled %d has its hot value at %d; want the label (pixels %v)", i, label, hotAt, img)
		}
		count[label]++
	}
	for c, n := range count {
		if n != perClass {
			t.Fatalf("class %d holds %d images; want %d", c, n, perClass)
		}
	}

	// Two-view batches carry the same labels (one epoch visits every image once).
	source, err := NewTwoViewSource(d, 50, 3, DefaultDigitAugment())
	if err != nil {
		t.Fatal(err)
	}
	seen := make([]bool, classes)
	for step := range source.StepsPerEpoch() {
		b := source.Batch(step)
		for j, idx := range b.Indices {
			if b.Labels[j] != d.Labels[idx] {
				t.Fatalf("step %d: batch label %d of image %d; want %d", step, b.Labels[j], idx, d.Labels[idx])
			}
			seen[b.Labels[j]] = true
		}
	}
	if i := slices.Index(seen, false); i >= 0 {
		t.Errorf("class %d never appears in an epoch of batches", i)
	}
}
