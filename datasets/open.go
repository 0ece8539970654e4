package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Names lists the data sets [Open] knows.
var Names = []string{"mnist", "cifar10", "cifar100", "cifar20", "stl10", "folder", "imagenet", "imagenet50", "imagenet100", "imagenet200"}

// OpenOptions sets what [Open] reads.
type OpenOptions struct {
	// Split is "train" (the default) or "test"; STL-10 also has "unlabeled" and
	// "train+unlabeled" (streamed from disk).
	Split string
	// Size is the image side for "folder" (default 96) and the ImageNet sets (default 224).
	Size int
	// ResizeTo is the shorter side before the centre crop for "folder" (0: Size).
	ResizeTo int
	// SubsetFile is the class list for "folder" (see [FolderOptions]).
	SubsetFile string
}

// DefaultFolderSize is the side of folder images when OpenOptions.Size is 0 (STL-10's size).
const DefaultFolderSize = 96

// Open reads data set name from dir, which holds the data set's standard files as distributed
// (or their archive's top folder): mnist (dir "" for the embedded copy; the four idx .gz
// files), cifar10 (cifar-10-batches-bin), cifar100 and cifar20 (cifar-100-binary, fine or
// coarse labels), stl10 (stl10_binary), folder (root/<class>/*.png|jpg|jpeg or a flat folder
// for the training split only; root/train/<class>/ and root/val/ or root/test/ for both
// splits), imagenet, imagenet50, imagenet100, imagenet200 (root/train/<wnid>/ and
// root/val/<wnid>/, LoadImageNet).
// Class names are read from the archives' name files when present.
func Open(name, dir string, opts OpenOptions) (*Dataset, error) {
	split := opts.Split
	if split == "" {
		split = SplitTrain
	}
	if name != "stl10" && split != SplitTrain && split != SplitTest {
		return nil, fmt.Errorf("datasets: %s split %q; expected %q or %q", name, split, SplitTrain, SplitTest)
	}
	var (
		d   *Dataset
		err error
	)
	switch name {
	case "mnist":
		if dir == "" {
			d, err = LoadMNIST(split)
		} else {
			d, err = LoadMNISTFrom(dir, split)
		}
	case "cifar10":
		if d, err = LoadCIFAR10(dir, split); err == nil {
			d.ClassNames = readClassNames(d.NumClasses, dir, CIFAR10Folder, "batches.meta.txt")
		}
	case "cifar100":
		if d, err = LoadCIFAR100(dir, split, false); err == nil {
			d.ClassNames = readClassNames(d.NumClasses, dir, CIFAR100Folder, "fine_label_names.txt")
		}
	case "cifar20":
		if d, err = LoadCIFAR100(dir, split, true); err == nil {
			d.ClassNames = readClassNames(d.NumClasses, dir, CIFAR100Folder, "coarse_label_names.txt")
		}
	case "stl10":
		if d, err = LoadSTL10(dir, split); err == nil {
			d.ClassNames = readClassNames(d.NumClasses, dir, STL10Folder, "class_names.txt")
		}
	case "folder":
		size := opts.Size
		if size == 0 {
			size = DefaultFolderSize
		}
		var sub string
		if sub, err = folderSplitDir(dir, split); err == nil {
			d, err = LoadFolder(sub, FolderOptions{Size: size, ResizeTo: opts.ResizeTo, SubsetFile: opts.SubsetFile})
		}
	case "imagenet", "imagenet50", "imagenet100", "imagenet200":
		d, err = LoadImageNet(name, dir, split, opts.Size)
	default:
		return nil, fmt.Errorf("datasets: unknown data set %q; expected one of %s", name, strings.Join(Names, ", "))
	}
	return d, err
}

// Resizes reports whether Open resamples data set name to OpenOptions.Size (folder and the
// ImageNet sets); the others keep their files' size.
func Resizes(name string) bool {
	_, subset := imagenetSubsetNames[name]
	return name == "folder" || name == "imagenet" || subset
}

// readClassNames reads a names file (one name a line) from dir or dir/folder, returning nil
// unless it holds exactly n names.
func readClassNames(n int, dir, folder, file string) []string {
	for _, path := range []string{filepath.Join(dir, file), filepath.Join(dir, folder, file)} {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var names []string
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				names = append(names, line)
			}
		}
		if len(names) == n {
			return names
		}
	}
	return nil
}
