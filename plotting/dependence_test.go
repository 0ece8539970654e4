package plotting

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// dependencePanels returns a line and a parabola of n seeded points.
func dependencePanels(n int) []DependencePanel {
	rng := rand.New(rand.NewPCG(3, 4))
	line := DependencePanel{Name: "line", Caption: "r = 0.99, dCor = 0.98"}
	parabola := DependencePanel{Name: "parabola", Caption: "r = -0.04, dCor = 0.48"}
	for range n {
		x := 2*rng.Float64() - 1
		line.X, line.Y = append(line.X, x), append(line.Y, x+0.1*rng.NormFloat64())
		parabola.X, parabola.Y = append(parabola.X, x), append(parabola.Y, x*x+0.1*rng.NormFloat64())
	}
	return []DependencePanel{line, parabola}
}

func ExampleDependence() {
	p, err := Dependence(dependencePanels(300), "Pearson vs distance correlation")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(p, "dependence.png"))
	// Output: dependence.png
}

func TestDependenceFigure(t *testing.T) {
	p, err := Dependence(dependencePanels(300), "toy")
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
	if wantW := int(DefaultWidth.Dots(96)); math.Abs(float64(b.Dx()-wantW)) > 2 {
		t.Errorf("PNG is %dx%d, want width %d", b.Dx(), b.Dy(), wantW)
	}
	// Not blank, and the two panels use their own colours: each half of the plot area holds
	// inked pixels, with different dominant hues.
	inkIn := func(x0, x1 int) (ink int, colours map[[3]uint32]int) {
		colours = map[[3]uint32]int{}
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := x0; x < x1; x++ {
				r, g, bl, a := img.At(x, y).RGBA()
				if a > 0 && (r < 0xe000 || g < 0xe000 || bl < 0xe000) && !(r == g && g == bl) {
					ink++
					colours[[3]uint32{r >> 12, g >> 12, bl >> 12}]++
				}
			}
		}
		return ink, colours
	}
	mid := (b.Min.X + b.Max.X) / 2
	leftInk, left := inkIn(b.Min.X, mid)
	rightInk, right := inkIn(mid, b.Max.X)
	if leftInk < 500 || rightInk < 500 {
		t.Errorf("coloured pixels: %d left, %d right; want both panels drawn", leftInk, rightInk)
	}
	if dominant(left) == dominant(right) {
		t.Errorf("both panels are drawn in %v", dominant(left))
	}
	// The captions and names are the x tick labels.
	svg, err := Render(p, FormatSVG)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">line<", ">parabola<", ">r = -0.04, dCor = 0.48<"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("SVG lacks the label %s", want)
		}
	}
	bad := []DependencePanel{{Name: "short", X: []float64{1, 2}, Y: []float64{1}}}
	if _, err := Dependence(bad, ""); err == nil || !strings.Contains(err.Error(), `"short"`) {
		t.Errorf("mismatched panel: %v", err)
	}
	if _, err := Dependence(nil, ""); err == nil {
		t.Error("no panels: no error")
	}
}

func dominant(counts map[[3]uint32]int) [3]uint32 {
	var best [3]uint32
	for c, n := range counts {
		if n > counts[best] {
			best = c
		}
	}
	return best
}
