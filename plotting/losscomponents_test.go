package plotting

import (
	"bytes"
	"fmt"
	"html"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// syntheticHistory mimics a training run: decaying noisy loss terms and a learning rate.
func syntheticHistory(steps int) *history.History {
	rng := rand.New(rand.NewPCG(1, 2))
	h := history.New()
	names := []string{"mse", "std", "dcor_zz", "dcor/image", "dcor/std", "total", "lr"}
	for s := range steps {
		decay := math.Exp(-float64(s) / 80)
		values := []float64{
			0.2 + 0.05*decay + 0.01*rng.NormFloat64(),
			1.3 * decay,
			0.1 + 0.3*decay + 0.02*rng.NormFloat64(),
			0.3 + 0.4*decay + 0.02*rng.NormFloat64(),
			0.35 + 0.3*decay + 0.02*rng.NormFloat64(),
			0, 1e-3,
		}
		for i := range 5 {
			values[5] += values[i]
		}
		h.AppendOrdered(int64(s), names, values)
	}
	return h
}

func ExampleLossComponents() {
	p, err := LossComponents(syntheticHistory(300), LossComponentsOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "plotting-example")
	defer os.RemoveAll(dir)
	paths, err := SaveAll(p, filepath.Join(dir, "loss_components"), "png", "svg")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, path := range paths {
		fmt.Println(filepath.Base(path))
	}
	// Output:
	// loss_components.png
	// loss_components.svg
}

func TestLossComponentsFigure(t *testing.T) {
	h := syntheticHistory(200)
	p, err := LossComponents(h, LossComponentsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pngBytes, err := Render(p, FormatPNG)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if wantW := int(DefaultWidth.Dots(96)); b.Dx() < wantW-2 || b.Dx() > wantW+2 {
		t.Errorf("PNG is %dx%d, want width %d", b.Dx(), b.Dy(), wantW)
	}
	// Not blank: a good share of the pixels are neither white nor transparent, and several
	// distinct colours (one per series) are present.
	colours := map[[3]uint32]bool{}
	var ink int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if a > 0 && (r < 0xf000 || g < 0xf000 || bl < 0xf000) {
				ink++
				colours[[3]uint32{r >> 12, g >> 12, bl >> 12}] = true
			}
		}
	}
	if ink < b.Dx()*b.Dy()/100 || len(colours) < 6 {
		t.Errorf("figure looks blank: %d inked pixels, %d colours", ink, len(colours))
	}
	// The legend carries every loss name as the trainer names it, with its human name, and not "lr";
	// the variance hinge and the local-std representation are told apart.
	svg, err := Render(p, FormatSVG)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"invariance MSE (mse)", "variance hinge (std)", "1 − dCor of the views (dcor_zz)", "image (dcor/image)",
		"local std 3×3 (dcor/std)", "total"} {
		name = html.EscapeString(name)
		if !bytes.Contains(svg, []byte(">"+name+"<")) {
			t.Errorf("legend lacks %q", name)
		}
	}
	if bytes.Contains(svg, []byte(">lr<")) {
		t.Error("legend shows the learning rate, which is not a loss term")
	}

	if _, err := LossComponents(history.New(), LossComponentsOptions{}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty history: %v", err)
	}
	if _, err := LossComponents(h, LossComponentsOptions{Names: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown series: %v", err)
	}
	if _, err := LossComponents(h, LossComponentsOptions{LinearY: true}); err != nil {
		t.Errorf("log scale: %v", err)
	}
}

func TestSaveByExtension(t *testing.T) {
	p, err := LossComponents(syntheticHistory(50), LossComponentsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for ext, magic := range map[string]string{".png": "\x89PNG", ".svg": "<?xml", ".pdf": "%PDF"} {
		path := filepath.Join(dir, "fig"+ext)
		if err := Save(p, path); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		if !bytes.HasPrefix(data, []byte(magic)) {
			t.Errorf("%s starts with %q, want %q", path, data[:min(8, len(data))], magic)
		}
	}
	if err := Save(p, filepath.Join(dir, "fig.gif")); err == nil || !strings.Contains(err.Error(), `"gif"`) {
		t.Errorf("Save to .gif: %v", err)
	}
	if err := Show(p); err == nil {
		t.Error("Show outside a notebook should fail")
	}
}

// TestLossComponentsSkipsNonFiniteValues draws a history where a logged-only term is NaN at every
// step and another is Inf at some: the figure is drawn, the finite points only, and a series with
// no finite value is left out of the legend.
func TestLossComponentsSkipsNonFiniteValues(t *testing.T) {
	h := history.New()
	names := []string{"mse", "dcor/nan", "dcor/inf", "total"}
	for s := range 20 {
		inf := 0.5
		if s%3 == 0 {
			inf = math.Inf(1)
		}
		if err := h.AppendOrdered(int64(s), names, []float64{1 / float64(s+1), math.NaN(), inf, 2}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := LossComponents(h, LossComponentsOptions{LinearY: true})
	if err != nil {
		t.Fatalf("history with NaN and Inf terms: %v", err)
	}
	if p.Y.Max > 3 {
		t.Errorf("loss axis up to %g: the Inf values set it", p.Y.Max)
	}
	svg, err := Render(p, FormatSVG)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte(">dcor/inf<")) || bytes.Contains(svg, []byte(">dcor/nan<")) {
		t.Error("legend: want dcor/inf (finite at some steps) and not dcor/nan (never finite)")
	}
}

// TestLossComponentsGolden draws the Example's figure on its default log axis and compares it
// with the golden image.
func TestLossComponentsGolden(t *testing.T) {
	p, err := LossComponents(syntheticHistory(300), LossComponentsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Y.Scale.(plot.LogScale); !ok {
		t.Errorf("loss axis scale %T; want a log scale by default", p.Y.Scale)
	}
	checkGolden(t, "loss_components", checkFigure(t, p, 0.02, 6, "0.1", "1", "100", "200"))
}
