package datasets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// CIFAR file layout (https://www.cs.toronto.edu/~kriz/cifar.html, binary versions): each record
// is the label byte(s) followed by 3072 pixel bytes, the 1024 red values of the 32×32 image in
// row-major order, then the green, then the blue.
const (
	// CIFAR10Folder and CIFAR100Folder are the folders the archives unpack to.
	CIFAR10Folder  = "cifar-10-batches-bin"
	CIFAR100Folder = "cifar-100-binary"
	// CIFARSide is the image side in pixels.
	CIFARSide = 32
	// cifarPixels is the number of pixel bytes per record.
	cifarPixels = 3 * CIFARSide * CIFARSide
)

// CIFAR10TrainFiles and CIFAR10TestFile name the CIFAR-10 binary batches; CIFAR100TrainFile and
// CIFAR100TestFile the CIFAR-100 ones.
var (
	CIFAR10TrainFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
	CIFAR10TestFile   = "test_batch.bin"
	CIFAR100TrainFile = "train.bin"
	CIFAR100TestFile  = "test.bin"
)

// Normalisation statistics of the official code (src/transform/transform.py): CIFAR_STATS for
// every CIFAR variant, IMAGENET_STATS for STL-10 and ImageNet-style folders.
var (
	CIFARMean    = []float32{0.491, 0.482, 0.447}
	CIFARStd     = []float32{0.247, 0.243, 0.261}
	ImageNetMean = []float32{0.485, 0.456, 0.406}
	ImageNetStd  = []float32{0.229, 0.224, 0.225}
)

// CIFARFormat describes one CIFAR binary record layout.
type CIFARFormat struct {
	// LabelBytes is the number of label bytes before the pixels (1 for CIFAR-10, 2 for CIFAR-100).
	LabelBytes int
	// LabelIndex picks the label byte used (CIFAR-100: 0 the coarse label, 1 the fine one).
	LabelIndex int
	// NumClasses bounds each label byte, in order (CIFAR-100: 20 coarse, 100 fine).
	NumClasses []int
}

// The record formats of the three data sets.
var (
	CIFAR10Format  = CIFARFormat{LabelBytes: 1, LabelIndex: 0, NumClasses: []int{10}}
	CIFAR100Format = CIFARFormat{LabelBytes: 2, LabelIndex: 1, NumClasses: []int{20, 100}}
	CIFAR20Format  = CIFARFormat{LabelBytes: 2, LabelIndex: 0, NumClasses: []int{20, 100}}
)

// DecodeCIFAR decodes the records of one CIFAR binary file (its whole contents in data) into
// HWC pixels and labels. file names the file in errors, which also give the record index.
func DecodeCIFAR(data []byte, file string, format CIFARFormat) (pixels []uint8, labels []int32, err error) {
	recordSize := format.LabelBytes + cifarPixels
	if len(data) == 0 || len(data)%recordSize != 0 {
		return nil, nil, fmt.Errorf("%s: %d bytes is not a positive multiple of the %d-byte record size (record %d is truncated)",
			file, len(data), recordSize, len(data)/recordSize)
	}
	n := len(data) / recordSize
	pixels = make([]uint8, n*cifarPixels)
	labels = make([]int32, n)
	for i := range n {
		rec := data[i*recordSize : (i+1)*recordSize]
		for k := range format.LabelBytes {
			if int(rec[k]) >= format.NumClasses[k] {
				return nil, nil, fmt.Errorf("%s: record %d: label byte %d = %d; expected 0..%d", file, i, k, rec[k], format.NumClasses[k]-1)
			}
		}
		labels[i] = int32(rec[format.LabelIndex])
		planarToHWC(pixels[i*cifarPixels:(i+1)*cifarPixels], rec[format.LabelBytes:], CIFARSide, CIFARSide, 3, false)
	}
	return pixels, labels, nil
}

// planarToHWC converts channel planes (each row-major, or column-major when colMajor) to HWC.
func planarToHWC(dst, src []uint8, height, width, channels int, colMajor bool) {
	plane := height * width
	for c := range channels {
		p := src[c*plane : (c+1)*plane]
		for y := range height {
			for x := range width {
				v := p[y*width+x]
				if colMajor {
					v = p[x*height+y]
				}
				dst[(y*width+x)*channels+c] = v
			}
		}
	}
}

// LoadCIFAR10 reads split "train" (data_batch_1..5.bin, 50 000 images) or "test"
// (test_batch.bin, 10 000) from dir, the cifar-10-batches-bin folder or its parent.
func LoadCIFAR10(dir, split string) (*Dataset, error) {
	var files []string
	switch split {
	case "train":
		files = CIFAR10TrainFiles
	case "test":
		files = []string{CIFAR10TestFile}
	default:
		return nil, fmt.Errorf("datasets: cifar10 split %q; expected train or test", split)
	}
	return loadCIFAR(dir, CIFAR10Folder, files, CIFAR10Format, "cifar10/"+split, 10)
}

// LoadCIFAR100 reads split "train" (train.bin) or "test" (test.bin) from dir, the
// cifar-100-binary folder or its parent. With coarse the labels are the 20 super-classes
// (the paper's CIFAR-20), otherwise the 100 fine classes.
func LoadCIFAR100(dir, split string, coarse bool) (*Dataset, error) {
	var files []string
	switch split {
	case "train":
		files = []string{CIFAR100TrainFile}
	case "test":
		files = []string{CIFAR100TestFile}
	default:
		return nil, fmt.Errorf("datasets: cifar100 split %q; expected train or test", split)
	}
	if coarse {
		return loadCIFAR(dir, CIFAR100Folder, files, CIFAR20Format, "cifar20/"+split, 20)
	}
	return loadCIFAR(dir, CIFAR100Folder, files, CIFAR100Format, "cifar100/"+split, 100)
}

func loadCIFAR(dir, folder string, files []string, format CIFARFormat, name string, classes int) (*Dataset, error) {
	dir, err := findFolder(dir, folder, files[0])
	if err != nil {
		return nil, err
	}
	d := &Dataset{Name: name, Height: CIFARSide, Width: CIFARSide, Channels: 3, NumClasses: classes,
		Mean: CIFARMean, Std: CIFARStd}
	for _, f := range files {
		path := filepath.Join(dir, f)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("datasets: %w", err)
		}
		pixels, labels, err := DecodeCIFAR(data, path, format)
		if err != nil {
			return nil, fmt.Errorf("datasets: %w", err)
		}
		d.Images = append(d.Images, pixels...)
		d.Labels = append(d.Labels, labels...)
	}
	return d, d.Validate()
}

// findFolder returns dir when it holds probe, else dir/folder when that does, else an error
// naming both paths tried.
func findFolder(dir, folder, probe string) (string, error) {
	for _, d := range []string{dir, filepath.Join(dir, folder)} {
		if _, err := os.Stat(filepath.Join(d, probe)); err == nil {
			return d, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("datasets: %w", err)
		}
	}
	return "", fmt.Errorf("datasets: %s not found in %s nor in %s", probe, dir, filepath.Join(dir, folder))
}
