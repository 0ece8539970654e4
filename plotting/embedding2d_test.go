package plotting

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg/draw"
)

// digitNames are MNIST's class names.
var digitNames = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// gaussianClusters returns n points in k Gaussian clusters on a circle, row-major x y, and
// their labels.
func gaussianClusters(n, k int, seed uint64) ([]float32, []uint8) {
	rng := rand.New(rand.NewPCG(seed, 7))
	xy := make([]float32, 2*n)
	labels := make([]uint8, n)
	for i := range n {
		c := rng.IntN(k)
		angle := 2 * math.Pi * float64(c) / float64(k)
		xy[2*i] = float32(30*math.Cos(angle) + 4*rng.NormFloat64())
		xy[2*i+1] = float32(30*math.Sin(angle) + 4*rng.NormFloat64())
		labels[i] = uint8(c)
	}
	return xy, labels
}

func ExampleEmbedding2D() {
	xy, labels := gaussianClusters(2000, 10, 1)
	fig, err := Embedding2D(xy, labels, Embedding2DOptions{ClassNames: digitNames, Method: "t-SNE"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(fig, "tsne.png"))
	// Output: tsne.png
}

func TestEmbedding2DFigure(t *testing.T) {
	xy, labels := gaussianClusters(10000, 10, 2)
	fig, err := Embedding2D(xy, labels, Embedding2DOptions{ClassNames: digitNames, Method: "t-SNE"})
	if err != nil {
		t.Fatal(err)
	}
	png := checkFigure(t, fig, 0.05, 10, append([]string{"t-SNE embedding by class", "t-SNE 1", "t-SNE 2"}, digitNames...)...)
	small, smallLabels := gaussianClusters(300, 10, 3)
	fig, err = Embedding2D(small, smallLabels, Embedding2DOptions{ClassNames: digitNames, Method: "t-SNE"})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "embedding2d", checkFigure(t, fig, 0.02, 10))
	_ = png

	// Without names the legend numbers the classes present; 25 classes get 25 distinct markers.
	many, manyLabels := gaussianClusters(2000, 25, 4)
	fig, err = Embedding2D(many, manyLabels, Embedding2DOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkFigure(t, fig, 0.02, 20, "0", "9", "24", "2-D embedding by class", "dim 1")
	// 100 classes (CIFAR-100): no legend, the names sit on the clusters.
	many, manyLabels = gaussianClusters(3000, 100, 5)
	fig, err = Embedding2D(many, manyLabels, Embedding2DOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if fig.Legend.Rectangle(draw.Canvas{}).Size().Y != 0 {
		t.Error("100 classes still get a legend")
	}
	checkFigure(t, fig, 0.02, 20, "0", "57", "99")
	seen := map[string]bool{}
	for k := range 25 {
		g := ClassGlyph(k, 1)
		r, gr, b, _ := g.Color.RGBA()
		key := fmt.Sprintf("%d %d %d %T", r, gr, b, g.Shape)
		if seen[key] {
			t.Errorf("class %d has the marker of an earlier class", k)
		}
		seen[key] = true
	}
}

func TestEmbedding2DBadInput(t *testing.T) {
	xy, labels := gaussianClusters(10, 3, 5)
	nan := append([]float32{}, xy...)
	nan[7] = float32(math.NaN())
	for _, c := range []struct {
		name   string
		xy     []float32
		labels []uint8
		opts   Embedding2DOptions
		want   string
	}{
		{"empty", nil, nil, Embedding2DOptions{}, "no points"},
		{"mismatched", xy[:18], labels, Embedding2DOptions{}, "18 coordinates for 10 labels; expected 20"},
		{"NaN", nan, labels, Embedding2DOptions{}, "point 3"},
		{"label beyond the names", xy, labels, Embedding2DOptions{ClassNames: []string{"a"}}, "out of range [0, 1)"},
	} {
		fig, err := Embedding2D(c.xy, c.labels, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
		if fig != nil {
			t.Errorf("%s: got a figure with the error", c.name)
		}
	}
	if _, err := Embedding2D([]float64{1, 2}, []int{-1}, Embedding2DOptions{}); err == nil {
		t.Error("negative label accepted")
	}
}

// BenchmarkEmbedding2D builds and renders a 10 000-point embedding (MNIST test set size) to PNG
// and to SVG.
func BenchmarkEmbedding2D(b *testing.B) {
	xy, labels := gaussianClusters(10000, 10, 6)
	for _, format := range []string{FormatPNG, FormatSVG} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				fig, err := Embedding2D(xy, labels, Embedding2DOptions{ClassNames: digitNames})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Render(fig, format); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
