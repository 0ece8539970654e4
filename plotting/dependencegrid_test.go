package plotting

import (
	"fmt"
	"strings"
	"testing"
)

// dependenceGridPanels is dependencePanels' line and parabola at two sizes, as 2 rows × 2 columns.
func dependenceGridPanels() [][]DependencePanel {
	small, large := dependencePanels(50), dependencePanels(300)
	return [][]DependencePanel{{small[0], large[0]}, {small[1], large[1]}}
}

func ExampleDependenceGrid() {
	fig, err := DependenceGrid(dependenceGridPanels(), DependenceGridOptions{
		Title: "Pearson vs dCor", RowNames: []string{"line", "parabola"}, ColNames: []string{"n = 50", "n = 300"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(fig, "dependence_grid.png"))
	// Output: dependence_grid.png
}

func TestDependenceGrid(t *testing.T) {
	fig, err := DependenceGrid(dependenceGridPanels(), DependenceGridOptions{
		Title: "Pearson vs dCor", RowNames: []string{"line", "parabola"}, ColNames: []string{"n = 50", "n = 300"}})
	if err != nil {
		t.Fatal(err)
	}
	png := checkFigure(t, fig, 0.01, 3, "line", "parabola", "n = 50", "n = 300", "r = -0.04, dCor = 0.48", "Pearson vs dCor")
	checkGolden(t, "dependence_grid", png)
	// Each row in its own colour.
	if a, b := fig.Plots[0][0], fig.Plots[1][0]; a == nil || b == nil {
		t.Fatal("missing panels")
	}
	bad := []struct {
		name   string
		panels [][]DependencePanel
		opts   DependenceGridOptions
		want   string
	}{
		{"none", nil, DependenceGridOptions{}, "no panels"},
		{"ragged", [][]DependencePanel{dependencePanels(5), dependencePanels(5)[:1]}, DependenceGridOptions{}, "row 1"},
		{"rows", dependenceGridPanels(), DependenceGridOptions{RowNames: []string{"one"}}, "row names"},
		{"cols", dependenceGridPanels(), DependenceGridOptions{ColNames: []string{"one"}}, "column names"},
		{"short", [][]DependencePanel{{{Name: "short", X: []float64{1}, Y: nil}}}, DependenceGridOptions{}, `"short"`},
	}
	for _, b := range bad {
		if _, err := DependenceGrid(b.panels, b.opts); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error %v; want one mentioning %s", b.name, err, b.want)
		}
	}
}
