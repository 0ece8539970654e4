package plotting

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

func TestPanelsAndFigureErrors(t *testing.T) {
	// Two stacked panels with a side legend: the figure has its own size, both panels' titles and
	// the legend entries are drawn.
	top, err := LossComponents(syntheticHistory(100), LossComponentsOptions{Names: []string{"mse"}, Title: "upper panel"})
	if err != nil {
		t.Fatal(err)
	}
	bottom, err := LossComponents(syntheticHistory(100), LossComponentsOptions{Names: []string{"std"}, Title: "lower panel"})
	if err != nil {
		t.Fatal(err)
	}
	fig := NewPanels(2, 1)
	fig.Plots[0][0], fig.Plots[1][0] = top, bottom
	fig.Title = "two panels"
	fig.Width, fig.Height = 5*vg.Inch, 6*vg.Inch
	fig.Legend.Add("side legend entry")
	checkFigure(t, fig, 0.01, 3, "two panels", "upper panel", "lower panel", "side legend entry")

	// Malformed or nil figures are errors, not panics.
	ragged := NewPanels(2, 1)
	ragged.Plots[1] = append(ragged.Plots[1], plot.New())
	if _, err := Render(ragged, FormatPNG); err == nil || !strings.Contains(err.Error(), "row 1 has 2 panels; expected 1") {
		t.Errorf("ragged panels: %v", err)
	}
	if _, err := Render(&Panels{}, FormatSVG); err == nil || !strings.Contains(err.Error(), "no panels") {
		t.Errorf("empty panels: %v", err)
	}
	var nilPlot *plot.Plot
	var nilPanels *Panels
	for _, f := range []Figure{nil, nilPlot, nilPanels} {
		if _, err := Render(f, FormatPNG); err == nil || !strings.Contains(err.Error(), "nil") {
			t.Errorf("Render(%T(nil)): %v", f, err)
		}
	}
	if err := Save(nilPanels, filepath.Join(t.TempDir(), "x.png")); err == nil {
		t.Error("Save of a nil figure succeeded")
	}
	if err := Show(fig); err == nil || !strings.Contains(err.Error(), "notebook") {
		t.Errorf("Show outside a notebook: %v", err)
	}
	if err := ShowSVG(fig); err == nil || !strings.Contains(err.Error(), "notebook") {
		t.Errorf("ShowSVG outside a notebook: %v", err)
	}
	// Every format renders a composite figure, starting with its magic bytes.
	for format, magic := range map[string]string{FormatPNG: "\x89PNG", FormatSVG: "<?xml", FormatPDF: "%PDF"} {
		data, err := Render(fig, format)
		if err != nil || !bytes.HasPrefix(data, []byte(magic)) {
			t.Errorf("Render(%s): %q..., %v", format, data[:min(8, len(data))], err)
		}
	}
}
