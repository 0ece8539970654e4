package datasets

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/fuzzseed"
)

// encodedImage is a w×h gradient image encoded as PNG or JPEG.
func encodedImage(t testing.TB, w, h int, asJPEG bool) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(10 * x), uint8(20 * y), uint8(x + y), 255})
		}
	}
	var buf bytes.Buffer
	var err error
	if asJPEG {
		err = jpeg.Encode(&buf, img, nil)
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngWithSize is a PNG whose header says width×height (its IHDR checksum recomputed), holding
// the data of a 4×4 image: a header that claims what the file does not hold.
func pngWithSize(t testing.TB, width, height uint32) []byte {
	raw := bytes.Clone(encodedImage(t, 4, 4, false))
	ihdr := raw[8+8 : 8+8+13] // signature, chunk length and type, then the IHDR data
	binary.BigEndian.PutUint32(ihdr[0:], width)
	binary.BigEndian.PutUint32(ihdr[4:], height)
	binary.BigEndian.PutUint32(raw[8+8+13:], crc32.ChecksumIEEE(raw[8+4:8+8+13]))
	return raw
}

func TestFolderImageSizeIsCheckedBeforeDecoding(t *testing.T) {
	dst := make([]uint8, 8*8*3)
	if err := decodeImage(dst, encodedImage(t, 12, 10, false), 8, 8); err != nil {
		t.Fatalf("a 12x10 PNG: %v", err)
	}
	for _, tc := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"gigapixel header", pngWithSize(t, 40000, 40000), "png image of 40000x40000 pixels"},
		{"extreme aspect ratio", pngWithSize(t, 1<<24, 1), "expected at most 33554432 pixels"},
		{"empty", pngWithSize(t, 0, 4), "decoding"},
		{"not an image", []byte("GIF89a"), "decoding: image: unknown format"},
	} {
		err := decodeImage(dst, tc.raw, 8, 8)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v; want %q", tc.name, err, tc.want)
		}
	}
}

// FuzzDecodeFolderImage decodes any bytes as a folder data set's image file: no panic, no
// allocation beyond MaxImagePixels, and an image that decodes fills the size×size crop.
func FuzzDecodeFolderImage(f *testing.F) {
	fuzzseed.Add(f,
		fuzzseed.Seed{Name: "png_12x10", Values: []any{encodedImage(f, 12, 10, false), uint8(0)}},
		fuzzseed.Seed{Name: "jpeg_9x16", Values: []any{encodedImage(f, 9, 16, true), uint8(3)}},
		fuzzseed.Seed{Name: "png_claims_40000x40000", Values: []any{pngWithSize(f, 40000, 40000), uint8(1)}},
		fuzzseed.Seed{Name: "png_truncated", Values: []any{encodedImage(f, 12, 10, false)[:60], uint8(2)}},
		fuzzseed.Seed{Name: "jpeg_truncated", Values: []any{encodedImage(f, 9, 16, true)[:200], uint8(0)}},
	)
	f.Fuzz(func(t *testing.T, raw []byte, variant uint8) {
		const size = 8
		resizeTo := size + int(variant%8)
		dst := make([]uint8, size*size*3)
		for i := range dst {
			dst[i] = 1
		}
		if err := decodeImage(dst, raw, resizeTo, size); err != nil {
			return
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
		if err != nil || int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
			t.Fatalf("decoded an image whose header says %+v (%v)", cfg, err)
		}
	})
}
