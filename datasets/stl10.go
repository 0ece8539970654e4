package datasets

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// STL-10 binary layout (https://cs.stanford.edu/~acoates/stl10/, stl10_binary.tar.gz): each
// image is 3·96·96 bytes, the red, green and blue planes one after the other, each plane stored
// column-major (the first 96 bytes are the left column, top to bottom). Label files hold one
// byte per image, 1..10.
const (
	// STL10Folder is the folder the archive unpacks to.
	STL10Folder = "stl10_binary"
	// STL10Side is the image side in pixels.
	STL10Side = 96
	// STL10Classes is the number of classes.
	STL10Classes = 10
	// STL10RecordSize is the number of bytes per image.
	STL10RecordSize = 3 * STL10Side * STL10Side

	stl10TrainX     = "train_X.bin"
	stl10TrainY     = "train_y.bin"
	stl10TestX      = "test_X.bin"
	stl10TestY      = "test_y.bin"
	stl10UnlabeledX = "unlabeled_X.bin"
)

// DecodeSTL10Images decodes a whole STL-10 image file (its contents in data) into HWC pixels.
// file names the file in errors.
func DecodeSTL10Images(data []byte, file string) ([]uint8, error) {
	if len(data) == 0 || len(data)%STL10RecordSize != 0 {
		return nil, fmt.Errorf("%s: %d bytes is not a positive multiple of the %d-byte image size (record %d is truncated)",
			file, len(data), STL10RecordSize, len(data)/STL10RecordSize)
	}
	out := make([]uint8, len(data))
	for i := range len(data) / STL10RecordSize {
		decodeSTL10(out[i*STL10RecordSize:(i+1)*STL10RecordSize], data[i*STL10RecordSize:(i+1)*STL10RecordSize])
	}
	return out, nil
}

func decodeSTL10(dst, record []uint8) {
	planarToHWC(dst, record, STL10Side, STL10Side, 3, true)
}

// DecodeSTL10Labels maps an STL-10 label file's bytes 1..10 to class indices 0..9.
func DecodeSTL10Labels(data []byte, file string) ([]int32, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: empty label file", file)
	}
	labels := make([]int32, len(data))
	for i, v := range data {
		if v < 1 || v > STL10Classes {
			return nil, fmt.Errorf("%s: record %d: label %d; expected 1..%d", file, i, v, STL10Classes)
		}
		labels[i] = int32(v) - 1
	}
	return labels, nil
}

// LoadSTL10 reads an STL-10 split from dir (the stl10_binary folder or its parent):
// "train" (5 000 labelled images) and "test" (8 000) are read into memory; "unlabeled"
// (100 000 images, 2.7 GB) and "train+unlabeled" (the official SSL training set, the labelled
// training images first) are streamed: the images are read on demand with ReadAt, so the
// memory held is the 100 KB of placeholder labels plus the images of the batches being built,
// whatever the file size. Close the data set to close the files.
func LoadSTL10(dir, split string) (*Dataset, error) {
	switch split {
	case "train", "test", "unlabeled", "train+unlabeled":
	default:
		return nil, fmt.Errorf("datasets: stl10 split %q; expected train, test, unlabeled or train+unlabeled", split)
	}
	probe := stl10TrainX
	if split == "test" {
		probe = stl10TestX
	} else if split == "unlabeled" {
		probe = stl10UnlabeledX
	}
	dir, err := findFolder(dir, STL10Folder, probe)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Name: "stl10/" + split, Height: STL10Side, Width: STL10Side, Channels: 3,
		NumClasses: STL10Classes, Mean: ImageNetMean, Std: ImageNetStd}
	switch split {
	case "train", "test":
		xFile, yFile := stl10TrainX, stl10TrainY
		if split == "test" {
			xFile, yFile = stl10TestX, stl10TestY
		}
		xPath, yPath := filepath.Join(dir, xFile), filepath.Join(dir, yFile)
		data, err := os.ReadFile(xPath)
		if err != nil {
			return nil, fmt.Errorf("datasets: %w", err)
		}
		if d.Images, err = DecodeSTL10Images(data, xPath); err != nil {
			return nil, fmt.Errorf("datasets: %w", err)
		}
		if d.Labels, err = readSTL10Labels(yPath, len(d.Images)/STL10RecordSize); err != nil {
			return nil, err
		}
		return d, d.Validate()
	}
	stream := &recordFile{recordSize: STL10RecordSize, decode: decodeSTL10}
	fail := func(err error) (*Dataset, error) {
		_ = stream.Close()
		return nil, err
	}
	if split == "train+unlabeled" {
		seg, err := openSegment(filepath.Join(dir, stl10TrainX), STL10RecordSize)
		if err != nil {
			return fail(err)
		}
		stream.segments = append(stream.segments, seg)
		labels, err := readSTL10Labels(filepath.Join(dir, stl10TrainY), seg.count)
		if err != nil {
			return fail(err)
		}
		d.Labels = labels
	}
	seg, err := openSegment(filepath.Join(dir, stl10UnlabeledX), STL10RecordSize)
	if err != nil {
		return fail(err)
	}
	stream.segments = append(stream.segments, seg)
	if split == "train+unlabeled" {
		// The 5 000 labelled training images keep their labels; the unlabelled ones are marked.
		d.LabeledMask = make([]bool, len(d.Labels)+seg.count)
		for i := range d.Labels {
			d.LabeledMask[i] = true
		}
	}
	d.Labels = append(d.Labels, make([]int32, seg.count)...)
	d.Stream, d.Unlabeled = stream, true
	return d, d.Validate()
}

// readSTL10Labels reads and checks a label file that must hold n labels.
func readSTL10Labels(path string, n int) ([]int32, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	if len(data) != n {
		return nil, fmt.Errorf("datasets: %s: %d labels for %d images", path, len(data), n)
	}
	labels, err := DecodeSTL10Labels(data, path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	return labels, nil
}

// openSegment opens a file of fixed-size records and checks its size.
func openSegment(path string, recordSize int) (fileSegment, error) {
	f, err := os.Open(path)
	if err != nil {
		return fileSegment{}, fmt.Errorf("datasets: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return fileSegment{}, fmt.Errorf("datasets: %w", err)
	}
	if info.Size() == 0 || info.Size()%int64(recordSize) != 0 {
		_ = f.Close()
		return fileSegment{}, fmt.Errorf("datasets: %s: %d bytes is not a positive multiple of the %d-byte image size (record %d is truncated)",
			path, info.Size(), recordSize, info.Size()/int64(recordSize))
	}
	return fileSegment{path: path, file: f, count: int(info.Size() / int64(recordSize))}, nil
}

// Close releases the files of a streamed data set (a no-op in memory).
func (d *Dataset) Close() error {
	if c, ok := d.Stream.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
