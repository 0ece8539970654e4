package plotting

import (
	"fmt"

	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot"
)

// Show displays p inline when the program runs in a GoNB notebook cell, as a PNG image (an
// image/png output, which every notebook viewer renders, GitHub's included). Outside a notebook
// it returns an error that says so; use Save there.
func Show(p *plot.Plot) error {
	if !gonbui.IsNotebook {
		return fmt.Errorf("plotting: Show needs a GoNB notebook; use plotting.Save outside one")
	}
	png, err := RenderSize(p, FormatPNG, DefaultWidth, DefaultHeight)
	if err != nil {
		return err
	}
	gonbui.DisplayPNG(png)
	return gonbui.Error()
}

// ShowSVG displays p inline in a GoNB notebook as SVG (sharp at any zoom; GoNB sends it as HTML,
// which some viewers do not render).
func ShowSVG(p *plot.Plot) error {
	if !gonbui.IsNotebook {
		return fmt.Errorf("plotting: ShowSVG needs a GoNB notebook; use plotting.Save outside one")
	}
	svg, err := Render(p, FormatSVG)
	if err != nil {
		return err
	}
	gonbui.DisplaySVG(string(svg))
	return gonbui.Error()
}
