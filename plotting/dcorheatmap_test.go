package plotting

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

var heatNames = []string{"image", "std", "hog", "lbp", "scattering"}

var heatMatrix = [][]float64{
	{1, 0.62, 0.71, 0.48, 0.83},
	{0.62, 1, 0.35, 0.29, 0.51},
	{0.71, 0.35, 1, 0.44, 0.77},
	{0.48, 0.29, 0.44, 1, 0.4},
	{0.83, 0.51, 0.77, 0.4, 1},
}

func ExampleDCorHeatmap() {
	fig, err := DCorHeatmap(heatMatrix, heatNames, DCorHeatmapOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(fig, "dcor_heatmap.png"))
	// Output: dcor_heatmap.png
}

func TestDCorHeatmapFigure(t *testing.T) {
	fig, err := DCorHeatmap(heatMatrix, heatNames, DCorHeatmapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Every name labels an axis and every value is printed in its cell.
	want := append([]string{"Distance correlation between representations", "1.00", "0.62", "0.83", "0.29", "0.40"}, heatNames...)
	png := checkFigure(t, fig, 0.15, 8, want...)
	checkGolden(t, "dcor_heatmap", png)
	// A rectangular matrix (embeddings × representations) with 3 decimals.
	fig, err = DCorHeatmap([][]float64{{0.1234, 0.5}, {0.9, 0.25}, {0, 1}}, []string{"h", "z", "teacher"},
		DCorHeatmapOptions{ColumnNames: []string{"hog", "lbp"}, Digits: 3, Title: "embedding vs representation"})
	if err != nil {
		t.Fatal(err)
	}
	checkFigure(t, fig, 0.1, 4, "h", "z", "teacher", "hog", "lbp", "0.123", "0.900", "embedding vs representation")
	// Rounding just above 1 (a float32 dCor) is accepted and drawn as 1.
	if _, err := DCorHeatmap([][]float64{{1 + 1e-7}}, []string{"a"}, DCorHeatmapOptions{}); err != nil {
		t.Errorf("dCor 1+1e-7: %v", err)
	}
}

func TestDCorHeatmapBadInput(t *testing.T) {
	for _, c := range []struct {
		name   string
		matrix [][]float64
		names  []string
		want   string
	}{
		{"empty", nil, nil, "empty"},
		{"names", [][]float64{{1}}, []string{"a", "b"}, "2 names for 1 rows"},
		{"ragged", [][]float64{{1, 0.5}, {0.5}}, []string{"a", "b"}, "row 1 (b) has 1 values; expected 2"},
		{"NaN", [][]float64{{1, math.NaN()}, {0.5, 1}}, []string{"a", "b"}, "dCor(a, b) = NaN"},
		{"range", [][]float64{{1, 0.5}, {-0.5, 1}}, []string{"a", "b"}, "dCor(b, a) = -0.5; expected a value in [0, 1]"},
	} {
		fig, err := DCorHeatmap(c.matrix, c.names, DCorHeatmapOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
		if fig != nil {
			t.Errorf("%s: got a figure with the error", c.name)
		}
	}
}
