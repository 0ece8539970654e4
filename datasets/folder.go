package datasets

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // registers the JPEG decoder for image.Decode
	_ "image/png"  // registers the PNG decoder for image.Decode
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/internal/parallel"
)

// FolderOptions sets how [LoadFolder] reads an image folder.
type FolderOptions struct {
	// Size is the side of the square images produced: each image is resized so that its shorter
	// side is Size (bilinear, antialiased) and centre-cropped to Size×Size, as torchvision's
	// Resize(Size) + CenterCrop(Size). Required.
	Size int
	// ResizeTo, when set, is the shorter side before the centre crop instead of Size: the
	// official ImageNet evaluation view is ResizeTo 256, Size 224. Augmentations then crop
	// within the stored Size×Size image (the official pipeline crops from the full image).
	ResizeTo int
	// SubsetFile optionally names a class list file, one class folder name per line as the first
	// word (the official data/imagenet_subsets/imagenet_{50,100,200}.txt format: "n01601694
	// Dipper"): only those classes are read, labelled in the file's order, and the rest of each
	// line becomes the class name.
	SubsetFile string
	// Subset, when set, is the text of such a class list (used instead of SubsetFile; named
	// in errors by SubsetFile).
	Subset string
}

// imageExtensions are the file types LoadFolder reads (case-insensitive).
var imageExtensions = []string{".png", ".jpg", ".jpeg"}

// LoadFolder reads an image folder into memory as Size×Size RGB images with ImageNet
// normalisation statistics. With class sub-folders (root/<class>/*.png|jpg|jpeg, ImageNet
// style) the classes are the sorted folder names (or the subset file's list); a folder with
// images and no sub-folders is read as one unlabeled set. Memory: Size²·3 bytes per image.
func LoadFolder(root string, opts FolderOptions) (*Dataset, error) {
	if opts.Size < 1 {
		return nil, fmt.Errorf("datasets: folder size = %d; expected >= 1", opts.Size)
	}
	if opts.ResizeTo == 0 {
		opts.ResizeTo = opts.Size
	}
	if opts.ResizeTo < opts.Size {
		return nil, fmt.Errorf("datasets: folder resize_to = %d; expected >= size %d", opts.ResizeTo, opts.Size)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	var classes, names []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			classes = append(classes, e.Name())
		}
	}
	if opts.SubsetFile != "" || opts.Subset != "" {
		if classes, names, err = readSubsetFile(opts.SubsetFile, opts.Subset); err != nil {
			return nil, err
		}
	}
	d := &Dataset{Name: "folder/" + filepath.Base(root), Height: opts.Size, Width: opts.Size, Channels: 3,
		Mean: ImageNetMean, Std: ImageNetStd}
	var files []string
	if len(classes) == 0 {
		if files, err = listImages(root); err != nil {
			return nil, err
		}
		d.NumClasses, d.Unlabeled = 1, true
		d.Labels = make([]int32, len(files))
	} else {
		d.NumClasses = len(classes)
		d.ClassNames = classes
		if names != nil {
			d.ClassNames = names
		}
		for c, class := range classes {
			f, err := listImages(filepath.Join(root, class))
			if err != nil {
				return nil, err
			}
			files = append(files, f...)
			for range f {
				d.Labels = append(d.Labels, int32(c))
			}
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("datasets: %s: no %s images found", root, strings.Join(imageExtensions, "/"))
	}
	size := d.ImageSize()
	d.Images = make([]uint8, len(files)*size)
	errs := make([]error, len(files))
	parallel.For(len(files), func(i int) {
		errs[i] = loadImageFile(d.Images[i*size:(i+1)*size], files[i], opts.ResizeTo, opts.Size)
		if errs[i] != nil {
			errs[i] = fmt.Errorf("datasets: %s (image %d): %w", files[i], i, errs[i])
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return d, d.Validate()
}

// listImages returns the sorted paths of the image files directly in dir.
func listImages(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && slices.Contains(imageExtensions, strings.ToLower(filepath.Ext(e.Name()))) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	slices.Sort(files)
	return files, nil
}

// readSubsetFile reads a class list: the first word of each non-empty line is a folder name,
// the rest its display name.
func readSubsetFile(path, text string) (classes, names []string, err error) {
	var r io.Reader = strings.NewReader(text)
	if text == "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, fmt.Errorf("datasets: %w", err)
		}
		defer f.Close()
		r = f
	}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if slices.Contains(classes, fields[0]) {
			return nil, nil, fmt.Errorf("datasets: %s line %d: class %q listed twice", path, line, fields[0])
		}
		classes = append(classes, fields[0])
		name := strings.Join(fields[1:], " ")
		if name == "" {
			name = fields[0]
		}
		names = append(names, name)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("datasets: %s: %w", path, err)
	}
	if len(classes) == 0 {
		return nil, nil, fmt.Errorf("datasets: %s: no classes listed", path)
	}
	return classes, names, nil
}

// MaxImagePixels bounds the width × height of an image file LoadFolder decodes, and of the
// image resized from it before the centre crop: 2²⁵ pixels (a 8192×4096 photo). The size is read
// from the file's header (image.DecodeConfig) before anything is allocated, so a header claiming
// a gigapixel image (a few bytes of PNG can) fails at once, naming the file.
const MaxImagePixels = 1 << 25

// loadImageFile decodes an image file, resizes its shorter side to resizeTo, centre-crops it
// to size×size and writes the RGB pixels (HWC) into dst.
func loadImageFile(dst []uint8, path string, resizeTo, size int) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return decodeImage(dst, raw, resizeTo, size)
}

// decodeImage is loadImageFile on the file's bytes: the header's size is checked against
// MaxImagePixels before the image is decoded.
func decodeImage(dst []uint8, raw []byte, resizeTo, size int) error {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("decoding: %w", err)
	}
	h, w := cfg.Height, cfg.Width
	if h <= 0 || w <= 0 {
		return fmt.Errorf("%s image of %dx%d pixels; expected a non-empty image", format, w, h)
	}
	outH, outW := resizedSize(h, w, resizeTo)
	if int64(h)*int64(w) > MaxImagePixels || outH*outW > MaxImagePixels {
		return fmt.Errorf("%s image of %dx%d pixels (%dx%d once resized to a shorter side of %d); expected at most %d pixels",
			format, w, h, outW, outH, resizeTo, MaxImagePixels)
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("decoding: %w", err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		return fmt.Errorf("%s image decodes to %dx%d pixels but its header says %dx%d", format, b.Dx(), b.Dy(), w, h)
	}
	rgb, h, w := imageToRGB(img)
	ResizeCenterCrop(dst, rgb, h, w, 3, resizeTo, size)
	return nil
}

// resizedSize is the size ResizeCenterCrop resizes a height×width image to before its crop:
// shorter side resizeTo, the longer int(resizeTo·long/short) (saturating, for the bound check).
func resizedSize(height, width, resizeTo int) (outH, outW int64) {
	long := func(l, s int) int64 { return int64(math.Min(float64(resizeTo)*float64(l)/float64(s), 1<<40)) }
	if height < width {
		return int64(resizeTo), long(width, height)
	}
	return long(height, width), int64(resizeTo)
}

// imageToRGB converts any image to float32 RGB values on the 0..255 scale, HWC.
func imageToRGB(img image.Image) ([]float32, int, int) {
	b := img.Bounds()
	h, w := b.Dy(), b.Dx()
	out := make([]float32, h*w*3)
	for y := range h {
		for x := range w {
			c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			o := (y*w + x) * 3
			out[o], out[o+1], out[o+2] = float32(c.R), float32(c.G), float32(c.B)
		}
	}
	return out, h, w
}

// ResizeCenterCrop resizes src (HWC, 0..255) so that its shorter side is resizeTo (bilinear,
// antialiased; the longer side int(resizeTo·long/short) as torchvision's Resize) and writes
// the central size×size crop (torchvision's CenterCrop offsets, round((side−size)/2)) into dst
// as rounded uint8. resizeTo must be at least size.
func ResizeCenterCrop(dst []uint8, src []float32, height, width, channels, resizeTo, size int) {
	h64, w64 := resizedSize(height, width, resizeTo)
	outH, outW := int(h64), int(w64)
	resized := src
	if outH != height || outW != width {
		resized = make([]float32, outH*outW*channels)
		Resample(resized, outH, outW, src, height, width, channels, 0, 0, float64(height), float64(width), Bilinear)
	}
	top := int(math.RoundToEven(float64(outH-size) / 2)) // Python's round()
	left := int(math.RoundToEven(float64(outW-size) / 2))
	for y := range size {
		for x := range size {
			for c := range channels {
				v := resized[((y+top)*outW+x+left)*channels+c]
				dst[(y*size+x)*channels+c] = uint8(min(max(math.Round(float64(v)), 0), 255))
			}
		}
	}
}
