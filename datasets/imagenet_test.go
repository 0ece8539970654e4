package datasets

import (
	"image/color"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/synthfolder"
)

// TestFolderReadsTheSplitAskedFor: a folder with train/ and val/ gives the val images for the
// test split (it once gave the training images for every split), and a folder without split
// sub-folders has no test split rather than a copy of the training one.
func TestFolderReadsTheSplitAskedFor(t *testing.T) {
	root := t.TempDir()
	for _, f := range []struct {
		path string
		c    color.NRGBA
	}{{"train/a/1.png", red}, {"train/b/1.png", red}, {"train/b/2.png", red}, {"val/a/1.png", blue}, {"val/b/1.png", blue}} {
		writePNG(t, filepath.Join(root, f.path), 4, 4, func(x, y int) color.NRGBA { return f.c })
	}
	train, err := Open("folder", root, OpenOptions{Size: 4, Split: SplitTrain})
	if err != nil {
		t.Fatal(err)
	}
	test, err := Open("folder", root, OpenOptions{Size: 4, Split: SplitTest})
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 3 || train.NumClasses != 2 || train.Image(0)[0] != 255 {
		t.Errorf("train: %d images, %d classes %v, first pixel %v; want 3 red images of classes a, b", train.Len(), train.NumClasses, train.ClassNames, train.Image(0)[:3])
	}
	if test.Len() != 2 || test.NumClasses != 2 || test.Image(0)[2] != 255 || test.Image(0)[0] != 0 || test.Labels[1] != 1 {
		t.Errorf("test: %d images, %d classes %v, first pixel %v, labels %v; want the 2 blue val images of a, b",
			test.Len(), test.NumClasses, test.ClassNames, test.Image(0)[:3], test.Labels)
	}
	flat := t.TempDir()
	writePNG(t, filepath.Join(flat, "a", "1.png"), 4, 4, func(x, y int) color.NRGBA { return red })
	if _, err := Open("folder", flat, OpenOptions{Size: 4, Split: SplitTest}); err == nil || !strings.Contains(err.Error(), "no test split") {
		t.Errorf("a folder without train/ and val/: test split error %v; want one saying it has no test split", err)
	}
	if _, err := Open("folder", flat, OpenOptions{Size: 4}); err != nil {
		t.Errorf("a folder without train/: the training split: %v", err)
	}
}

// TestImageNetLayoutAndSubsets reads the official layout: train/ and val/ with wnid folders,
// every class in sorted order for imagenet, the embedded subset's classes in its order for
// imagenet50, images stored as Resize(256·s/224) + CenterCrop(s).
func TestImageNetLayoutAndSubsets(t *testing.T) {
	if imagenetResize(ImageNetSize) != ImageNetResize || imagenetResize(28) != 32 {
		t.Fatalf("resize for 224: %d, for 28: %d; want 256 and 32", imagenetResize(ImageNetSize), imagenetResize(28))
	}
	text, err := imagenetSubsets.ReadFile("imagenet_subsets/imagenet_50.txt")
	if err != nil {
		t.Fatal(err)
	}
	var wnids []string
	for _, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		wnids = append(wnids, strings.Fields(line)[0])
	}
	if len(wnids) != 50 || wnids[0] != "n01601694" {
		t.Fatalf("imagenet_50.txt: %d classes, first %v; want 50 from n01601694 (Dipper)", len(wnids), wnids[:1])
	}
	root := t.TempDir()
	// The subset's classes plus one outside it, written first: "imagenet" sorts the folders,
	// "imagenet50" keeps the file's order and leaves the extra class out.
	all := append([]string{"n99999999"}, wnids...)
	if err := synthfolder.ImageNet(root, all, 1, 10, 4, 1); err != nil {
		t.Fatal(err)
	}
	full, err := Open("imagenet", root, OpenOptions{Split: SplitTest, Size: 8})
	if err != nil {
		t.Fatal(err)
	}
	if full.NumClasses != 51 || full.ClassNames[50] != "n99999999" || full.Height != 8 || full.Name != "imagenet" {
		t.Errorf("imagenet: %d classes, last %q, side %d, name %q; want 51 sorted wnids ending n99999999, side 8", full.NumClasses,
			full.ClassNames[50], full.Height, full.Name)
	}
	sub, err := Open("imagenet50", root, OpenOptions{Split: SplitTrain, Size: 8})
	if err != nil {
		t.Fatal(err)
	}
	if sub.NumClasses != 50 || sub.Len() != 50 || !strings.HasPrefix(sub.ClassNames[0], "Dipper") || sub.Labels[49] != 49 {
		t.Errorf("imagenet50: %d classes, %d images, first %q, last label %d; want 50 in the file's order", sub.NumClasses, sub.Len(), sub.ClassNames[0], sub.Labels[49])
	}
	// Class 1 of the subset is all[2]: its colour (80, 175, 128) ± noise and JPEG error.
	px := sub.Image(1)[:3]
	for ch, want := range []int{80, 175, 128} {
		if d := int(px[ch]) - want; d < -12 || d > 12 {
			t.Errorf("imagenet50 image of class 1: pixel %v; want about (80, 175, 128)", px)
			break
		}
	}
	if _, err := Open("imagenet", t.TempDir(), OpenOptions{}); err == nil || !strings.Contains(err.Error(), "train/") {
		t.Errorf("an empty folder: %v; want an error naming train/", err)
	}
}
