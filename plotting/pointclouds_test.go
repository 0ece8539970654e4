package plotting

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// pointClouds returns an L of 60 seeded points, the same L rotated by 90° and scaled by 2, and
// a seeded Gaussian cloud, with each point's height in the L as its shade.
func pointClouds() ([]Cloud, []float64) {
	rng := rand.New(rand.NewPCG(7, 8))
	var l, turned, noise, shade []float64
	for i := range 60 {
		x, y := 0.0, float64(i)/30
		if i >= 40 {
			x, y = float64(i-40)/20, 0
		}
		x, y = x+0.02*rng.NormFloat64(), y+0.02*rng.NormFloat64()
		l = append(l, x, y)
		turned = append(turned, -2*y, 2*x)
		noise = append(noise, rng.NormFloat64(), rng.NormFloat64())
		shade = append(shade, y)
	}
	return []Cloud{{Name: "x", Caption: "the shape", XY: l}, {Name: "noise", Caption: "dCor = 0.20", XY: noise},
		{Name: "rotated, scaled", Caption: "dCor = 1.00", XY: turned}}, shade
}

func ExamplePointClouds() {
	clouds, shade := pointClouds()
	fig, err := PointClouds(clouds, PointCloudsOptions{Title: "points moved by 1 - dCor", Shade: shade})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(fig, "point_clouds.png"))
	// Output: point_clouds.png
}

func TestPointClouds(t *testing.T) {
	clouds, shade := pointClouds()
	fig, err := PointClouds(clouds, PointCloudsOptions{Title: "points moved by 1 - dCor", Shade: shade})
	if err != nil {
		t.Fatal(err)
	}
	png := checkFigure(t, fig, 0.01, 6, "x", "noise", "rotated, scaled", "dCor = 1.00", "points moved by 1 - dCor")
	checkGolden(t, "point_clouds", png)
	// Equal scales: every panel's axes span the same length.
	for _, p := range fig.Plots[0] {
		if dx, dy := p.X.Max-p.X.Min, p.Y.Max-p.Y.Min; math.Abs(dx-dy) > 1e-9 {
			t.Errorf("panel %q spans %.3f × %.3f; want equal spans", p.Title.Text, dx, dy)
		}
	}
	two, err := PointClouds(clouds, PointCloudsOptions{Cols: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(two.Plots) != 2 || two.Plots[1][1] != nil {
		t.Errorf("3 clouds in 2 columns: %d rows; want 2, the last cell empty", len(two.Plots))
	}
	bad := []struct {
		name   string
		clouds []Cloud
		shade  []float64
		want   string
	}{
		{"none", nil, nil, "no clouds"},
		{"odd", []Cloud{{Name: "odd", XY: []float64{1, 2, 3}}}, nil, `"odd"`},
		{"sizes", []Cloud{clouds[0], {Name: "short", XY: []float64{1, 2}}}, nil, `"short"`},
		{"nan", []Cloud{{Name: "nan", XY: []float64{1, math.NaN()}}}, nil, "finite"},
		{"shade", clouds, []float64{1}, "shade"},
	}
	for _, b := range bad {
		if _, err := PointClouds(b.clouds, PointCloudsOptions{Shade: b.shade}); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error %v; want one mentioning %s", b.name, err, b.want)
		}
	}
}
