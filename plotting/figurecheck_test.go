package plotting

import (
	"bytes"
	"flag"
	"fmt"
	"html"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/cmpimg"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite plotting/testdata/*_golden.png from the current output")

// checkFigure renders f as PNG and SVG and asserts that the PNG has f's size, that it is not
// blank (at least minInk of the pixels are inked, in at least minColours colours), and that the
// SVG's text carries every name (legend entries, tick labels, captions). It returns the PNG.
func checkFigure(t *testing.T, f Figure, minInk float64, minColours int, names ...string) []byte {
	t.Helper()
	pngBytes, err := Render(f, FormatPNG)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	w, h := FigureSize(f)
	b := img.Bounds()
	if wantW, wantH := int(w.Dots(96)+0.5), int(h.Dots(96)+0.5); abs(b.Dx()-wantW) > 1 || abs(b.Dy()-wantH) > 1 {
		t.Errorf("PNG is %dx%d, want %dx%d", b.Dx(), b.Dy(), wantW, wantH)
	}
	ink, colours := inkedPixels(img)
	if float64(ink) < minInk*float64(b.Dx()*b.Dy()) || colours < minColours {
		t.Errorf("figure looks blank: %d of %d pixels inked (want ≥ %.1f%%), %d colours (want ≥ %d)",
			ink, b.Dx()*b.Dy(), 100*minInk, colours, minColours)
	}
	if dir := os.Getenv("PLOTTING_DUMP_DIR"); dir != "" { // for looking at the figures
		name := strings.ReplaceAll(t.Name(), "/", "_")
		for i := 0; ; i++ {
			path := filepath.Join(dir, fmt.Sprintf("%s_%d.png", name, i))
			if _, err := os.Stat(path); err != nil {
				_ = os.WriteFile(path, pngBytes, 0o644)
				break
			}
		}
	}
	svg, err := Render(f, FormatSVG)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if !bytes.Contains(svg, []byte(">"+html.EscapeString(name)+"<")) {
			t.Errorf("the figure's text lacks %q", name)
		}
	}
	return pngBytes
}

// inkedPixels counts the pixels that are neither white nor transparent, and their distinct
// colours (4 bits per channel).
func inkedPixels(img image.Image) (ink, colours int) {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if a > 0 && (r < 0xf000 || g < 0xf000 || bl < 0xf000) {
				ink++
				seen[[3]uint32{r >> 12, g >> 12, bl >> 12}] = true
			}
		}
	}
	return ink, len(seen)
}

// checkGolden compares got with testdata/<name>_golden.png, allowing small differences in
// anti-aliasing (cmpimg's YIQ distance); -update-golden rewrites the file.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+"_golden.png")
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden image: %v (run go test ./plotting -update-golden to create it)", err)
	}
	ok, err := cmpimg.EqualApprox("png", got, want, 0.02)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		out := filepath.Join(t.TempDir(), name+".png")
		_ = os.WriteFile(out, got, 0o644)
		t.Errorf("%s differs from %s beyond the tolerance; the new image is %s (rerun with -update-golden if the change is intended)", name, path, out)
	}
}

func abs(x int) int { return max(x, -x) }
