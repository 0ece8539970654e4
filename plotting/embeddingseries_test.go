package plotting

import (
	"fmt"
	"strings"
	"testing"
)

// seriesPanels are three maps of the same 600 points, the clusters drawing apart from panel to
// panel (as a t-SNE map does over training).
func seriesPanels() []EmbeddingPanel[float32, uint8] {
	var panels []EmbeddingPanel[float32, uint8]
	for i, title := range []string{"step 0 (random)", "step 200", "step 400"} {
		xy, labels := gaussianClusters(600, 10, 7)
		spread := float32(1 + i)
		for j := range xy {
			xy[j] *= spread / 3
			if j%2 == 0 {
				xy[j] += float32(i) // a shift per panel: each panel has its own range
			}
		}
		for j := range labels {
			xy[2*j] += float32(labels[j]%3) * spread
		}
		panels = append(panels, EmbeddingPanel[float32, uint8]{Title: title, XY: xy, Labels: labels})
	}
	return panels
}

func ExampleEmbeddingSeries() {
	fig, err := EmbeddingSeries(seriesPanels(), Embedding2DOptions{ClassNames: digitNames, Method: "t-SNE",
		Title: "t-SNE of the test digits' h over training"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exampleSave(fig, "embedding_series.png"))
	// Output: embedding_series.png
}

func TestEmbeddingSeriesFigure(t *testing.T) {
	fig, err := EmbeddingSeries(seriesPanels(), Embedding2DOptions{ClassNames: digitNames, Method: "t-SNE"})
	if err != nil {
		t.Fatal(err)
	}
	if len(fig.Plots) != 1 || len(fig.Plots[0]) != 3 {
		t.Fatalf("%d×%d panels; want 1×3", len(fig.Plots), len(fig.Plots[0]))
	}
	got := checkFigure(t, fig, 0.02, 10, append([]string{"t-SNE maps by class", "step 0 (random)", "step 400", "t-SNE 1"}, digitNames...)...)
	checkGolden(t, "embedding_series", got)
}

func TestEmbeddingSeriesRefusesBadPanels(t *testing.T) {
	xy, labels := gaussianClusters(30, 3, 1)
	few, fewLabels := gaussianClusters(30, 2, 1)
	for name, panels := range map[string][]EmbeddingPanel[float32, uint8]{
		"no panel":          nil,
		"short xy":          {{Title: "a", XY: xy[:10], Labels: labels}},
		"different classes": {{Title: "a", XY: xy, Labels: labels}, {Title: "b", XY: few, Labels: fewLabels}},
	} {
		if _, err := EmbeddingSeries(panels, Embedding2DOptions{}); err == nil || !strings.Contains(err.Error(), "EmbeddingSeries") {
			t.Errorf("%s: error %v; want one naming EmbeddingSeries", name, err)
		}
	}
}
