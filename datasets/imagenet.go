package datasets

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
)

// The official class subsets (github.com/vkinakh/mv-mr data/imagenet_subsets, from
// Unsupervised-Classification): one "wnid name" line per class, in label order.
//
//go:embed imagenet_subsets/*.txt
var imagenetSubsets embed.FS

// ImageNet data set names: the full ImageFolder and the official class subsets.
var imagenetSubsetNames = map[string]string{
	"imagenet50":  "imagenet_subsets/imagenet_50.txt",
	"imagenet100": "imagenet_subsets/imagenet_100.txt",
	"imagenet200": "imagenet_subsets/imagenet_200.txt",
}

// ImageNetSize is the official evaluation view's side: Resize(ImageNetResize) then
// CenterCrop(ImageNetSize) (src/transform/transform.py).
const (
	ImageNetSize   = 224
	ImageNetResize = 256
)

// imagenetResize is the shorter side before the centre crop for a view of side size: 256 for
// 224, in the same 256/224 proportion for other sizes (shrunken test data).
func imagenetResize(size int) int {
	return (size*ImageNetResize + ImageNetSize/2) / ImageNetSize
}

// LoadImageNet reads the split of an ImageNet folder as the official get_dataset does: dir
// holds train/ and val/ (the official layout; the split "test" reads val/), each with one
// folder per class (wnid). name "imagenet" reads every class folder in sorted order
// (torchvision's ImageFolder); imagenet50, imagenet100 and imagenet200 read the official
// subset's classes in the subset file's order (ImageNetSubset). Images are stored as the
// official evaluation view: shorter side resized to 256 and centre-cropped to 224 (size 0), or
// to size with the same proportion.
func LoadImageNet(name, dir, split string, size int) (*Dataset, error) {
	sub, err := imagenetSplitDir(dir, split)
	if err != nil {
		return nil, err
	}
	if size == 0 {
		size = ImageNetSize
	}
	opts := FolderOptions{Size: size, ResizeTo: imagenetResize(size)}
	if file, ok := imagenetSubsetNames[name]; ok {
		text, err := imagenetSubsets.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("datasets: the embedded %s: %w", file, err)
		}
		opts.Subset, opts.SubsetFile = string(text), "embedded "+file
	}
	d, err := LoadFolder(sub, opts)
	if err != nil {
		return nil, err
	}
	if d.Unlabeled {
		return nil, fmt.Errorf("datasets: %s: images without class folders; expected %s/<wnid>/*.JPEG", sub, sub)
	}
	d.Name = name
	return d, nil
}

// imagenetSplitDir is dir/train for the training split and dir/val for the test split.
func imagenetSplitDir(dir, split string) (string, error) {
	folder := map[string]string{SplitTrain: "train", SplitTest: "val"}[split]
	if folder == "" {
		return "", fmt.Errorf("datasets: imagenet split %q; expected %q (train/) or %q (val/)", split, SplitTrain, SplitTest)
	}
	sub := filepath.Join(dir, folder)
	if info, err := os.Stat(sub); err != nil || !info.IsDir() {
		return "", fmt.Errorf("datasets: %s: no %s/ folder; the ImageNet folder holds train/<wnid>/ and val/<wnid>/ (dataset.path)", dir, folder)
	}
	return sub, nil
}

// folderSplitDir is the folder a "folder" data set reads for split: with a train/ sub-folder,
// train/ for the training split and val/ (or test/) for the test split; without one, the
// folder itself for the training split, and no test split (an error: the test images were
// once silently the training images).
func folderSplitDir(dir, split string) (string, error) {
	isDir := func(p string) bool { info, err := os.Stat(p); return err == nil && info.IsDir() }
	layout := fmt.Sprintf("put the images in %s/train/<class>/ and %s/val/<class>/", dir, dir)
	switch split {
	case SplitTrain:
		if t := filepath.Join(dir, "train"); isDir(t) {
			return t, nil
		}
		return dir, nil
	case SplitTest:
		if !isDir(filepath.Join(dir, "train")) {
			return "", fmt.Errorf("datasets: folder %s has no test split (no train/ and val/ sub-folders): %s", dir, layout)
		}
		for _, name := range []string{"val", "test"} {
			if t := filepath.Join(dir, name); isDir(t) {
				return t, nil
			}
		}
		return "", fmt.Errorf("datasets: folder %s has train/ but no val/ or test/ folder: %s", dir, layout)
	}
	return "", fmt.Errorf("datasets: folder split %q; expected %q or %q", split, SplitTrain, SplitTest)
}
