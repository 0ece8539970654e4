package plotting

import (
	"fmt"

	"github.com/janpfeifer/gonb/gonbui"
)

// Show displays f (a *plot.Plot or any Figure) inline when the program runs in a GoNB notebook cell, as a PNG image (an
// image/png output, which every notebook viewer renders, GitHub's included). Outside a notebook
// it returns an error that says so; use Save there.
func Show(f Figure) error {
	if !gonbui.IsNotebook {
		return fmt.Errorf("plotting: Show needs a GoNB notebook; use plotting.Save outside one")
	}
	png, err := Render(f, FormatPNG)
	if err != nil {
		return err
	}
	gonbui.DisplayPNG(png)
	// Wait until GoNB has the image: a cell whose program ends right after Show lost it now and then
	// (its last output still in the pipe when the program exited; seen in the notebook test).
	gonbui.Sync()
	return gonbui.Error()
}

// ShowSVG displays f inline in a GoNB notebook as SVG (sharp at any zoom; GoNB sends it as HTML,
// which some viewers do not render).
func ShowSVG(f Figure) error {
	if !gonbui.IsNotebook {
		return fmt.Errorf("plotting: ShowSVG needs a GoNB notebook; use plotting.Save outside one")
	}
	svg, err := Render(f, FormatSVG)
	if err != nil {
		return err
	}
	gonbui.DisplaySVG(string(svg))
	// Wait until GoNB has the image: a cell whose program ends right after Show lost it now and then
	// (its last output still in the pipe when the program exited; seen in the notebook test).
	gonbui.Sync()
	return gonbui.Error()
}
