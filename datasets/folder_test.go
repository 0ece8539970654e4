package datasets

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writePNG writes a w×h image whose pixel (x, y) is fill(x, y).
func writePNG(t *testing.T, path string, w, h int, fill func(x, y int) color.NRGBA) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, fill(x, y))
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

var (
	red  = color.NRGBA{R: 255, A: 255}
	blue = color.NRGBA{B: 255, A: 255}
)

func TestLoadFolderClassesCropAndSubset(t *testing.T) {
	root := t.TempDir()
	// Class "b" holds a wide 8×4 image: left half red, right half blue. Resize(4) keeps it
	// (shorter side already 4) and CenterCrop(4) keeps columns 2..5: red, red, blue, blue.
	writePNG(t, filepath.Join(root, "b", "wide.png"), 8, 4, func(x, y int) color.NRGBA {
		if x < 4 {
			return red
		}
		return blue
	})
	// Class "a" holds a grey-valued 4×4 image.
	writePNG(t, filepath.Join(root, "a", "x.PNG"), 4, 4, func(x, y int) color.NRGBA {
		return color.NRGBA{R: uint8(16 * (y*4 + x)), G: uint8(16 * (y*4 + x)), B: uint8(16 * (y*4 + x)), A: 255}
	})
	if err := os.WriteFile(filepath.Join(root, "a", "notes.txt"), []byte("ignored"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Open("folder", root, OpenOptions{Size: 4})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 2 || d.NumClasses != 2 || string(d.Labels) != string([]byte{0, 1}) || d.ClassNames[1] != "b" {
		t.Fatalf("%d images, %d classes, labels %v, names %v; want a=0 then b=1", d.Len(), d.NumClasses, d.Labels, d.ClassNames)
	}
	grey := d.Image(0)
	if grey[(2*4+3)*3] != 16*11 || grey[(2*4+3)*3+2] != 16*11 {
		t.Errorf("grey pixel (2, 3) = %v; want 176 in every channel", grey[(2*4+3)*3:(2*4+3)*3+3])
	}
	wide := d.Image(1)
	for x, want := range []color.NRGBA{red, red, blue, blue} {
		got := wide[(1*4+x)*3 : (1*4+x)*3+3]
		if got[0] != want.R || got[2] != want.B {
			t.Errorf("wide image column %d = %v; want %v", x, got, want)
		}
	}

	subset := filepath.Join(t.TempDir(), "subset.txt")
	if err := os.WriteFile(subset, []byte("b Bright Blue\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open("folder", root, OpenOptions{Size: 4, SubsetFile: subset})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 1 || s.NumClasses != 1 || s.ClassNames[0] != "Bright Blue" {
		t.Errorf("subset: %d images, %d classes, names %v; want 1, 1, [Bright Blue]", s.Len(), s.NumClasses, s.ClassNames)
	}
}

func TestLoadFolderFlatAndBadImages(t *testing.T) {
	root := t.TempDir()
	writePNG(t, filepath.Join(root, "1.png"), 6, 6, func(x, y int) color.NRGBA { return red })
	writePNG(t, filepath.Join(root, "2.png"), 3, 3, func(x, y int) color.NRGBA { return blue })
	d, err := LoadFolder(root, FolderOptions{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Unlabeled || d.Len() != 2 || d.Image(0)[0] != 255 || d.Image(1)[2] != 255 || d.Image(1)[0] != 0 {
		t.Errorf("flat folder: unlabeled %v, %d images, pixels %v %v", d.Unlabeled, d.Len(), d.Image(0)[:3], d.Image(1)[:3])
	}
	bad := filepath.Join(root, "3.jpg")
	if err := os.WriteFile(bad, []byte("not a jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFolder(root, FolderOptions{Size: 2}); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "image 2") {
		t.Errorf("bad image: error %v; want one naming %s and image 2", err, bad)
	}
	if _, err := LoadFolder(t.TempDir(), FolderOptions{Size: 2}); err == nil || !strings.Contains(err.Error(), "no .png/.jpg/.jpeg images") {
		t.Errorf("empty folder: error %v", err)
	}
	if _, err := LoadFolder(filepath.Join(root, "missing"), FolderOptions{Size: 2}); err == nil {
		t.Error("missing folder: no error")
	}
}

func TestResampleMatchesPILWeights(t *testing.T) {
	// Shrinking 8 → 4 with the triangle filter widened to support 2 (PIL's antialiasing):
	// output 0 is centred at 1 and weighs inputs 0, 1, 2 by 0.75, 0.75, 0.25; output 1 is
	// centred at 3 and weighs inputs 1..4 by 0.25, 0.75, 0.75, 0.25 (each set normalised).
	row := []float32{1, 2, 4, 8, 16, 32, 64, 128}
	out := make([]float32, 4)
	Resample(out, 1, 4, row, 1, 8, 1, 0, 0, 1, 8, Bilinear)
	want0 := (0.75*1 + 0.75*2 + 0.25*4) / 1.75
	want1 := (0.25*2 + 0.75*4 + 0.75*8 + 0.25*16) / 2
	if math.Abs(float64(out[0])-want0) > 1e-5 || math.Abs(float64(out[1])-want1) > 1e-5 {
		t.Errorf("bilinear 8→4 = %v; want [%g %g …]", out, want0, want1)
	}
	// Same-size resampling is the identity for both filters (their taps vanish at ±1, ±2).
	img := []float32{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8}
	for _, f := range []Interpolation{Bilinear, Bicubic} {
		got := make([]float32, len(img))
		Resample(got, 3, 4, img, 3, 4, 1, 0, 0, 3, 4, f)
		for i := range img {
			if math.Abs(float64(got[i]-img[i])) > 1e-5 {
				t.Fatalf("filter %d: identity resample %v; want %v", f, got, img)
			}
		}
	}
	// Bicubic 2× upsampling of a step: output 1 is centred at 0.75 of input and, by
	// the cubic with a = −0.5, w(x) at distances 1.25, 0.25, 0.75, 1.75 from inputs −1..2.
	cubic := func(x float64) float64 { return Bicubic.weight(x) }
	step := []float32{0, 0, 1, 1}
	up := make([]float32, 8)
	Resample(up, 1, 8, step, 1, 4, 1, 0, 0, 1, 4, Bicubic)
	// Output 3 is centred at input coordinate 1.75 - 0.5 = 1.25 from pixel centres: taps 0..3.
	w := []float64{cubic(1.25), cubic(0.25), cubic(0.75), cubic(1.75)}
	want3 := (w[2] + w[3]) / (w[0] + w[1] + w[2] + w[3])
	if math.Abs(float64(up[3])-want3) > 1e-5 {
		t.Errorf("bicubic upsampled step[3] = %g; want %g", up[3], want3)
	}
	if cubic(0) != 1 || cubic(1) != 0 || math.Abs(cubic(0.5)-0.5625) > 1e-12 {
		t.Errorf("cubic kernel w(0)=%g w(1)=%g w(0.5)=%g; want 1, 0, 0.5625", cubic(0), cubic(1), cubic(0.5))
	}
}

func TestLoadFolderResizeToThenCrop(t *testing.T) {
	// A 4×4 image whose inner 2×2 is blue and border red: ResizeTo 4, Size 2 keeps the centre.
	root := t.TempDir()
	writePNG(t, filepath.Join(root, "c", "x.png"), 4, 4, func(x, y int) color.NRGBA {
		if x >= 1 && x <= 2 && y >= 1 && y <= 2 {
			return blue
		}
		return red
	})
	d, err := LoadFolder(root, FolderOptions{Size: 2, ResizeTo: 4})
	if err != nil {
		t.Fatal(err)
	}
	for k := range 4 {
		if px := d.Image(0)[k*3 : k*3+3]; px[0] != 0 || px[2] != 255 {
			t.Fatalf("pixel %d = %v; want blue (the centre crop)", k, px)
		}
	}
	if _, err := LoadFolder(root, FolderOptions{Size: 4, ResizeTo: 2}); err == nil || !strings.Contains(err.Error(), "resize_to = 2") {
		t.Errorf("ResizeTo < Size: error %v", err)
	}
}
