package plotting

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
)

// Default figure size.
var (
	DefaultWidth  = 8 * vg.Inch
	DefaultHeight = 4.5 * vg.Inch
)

// Formats that Save and Render accept.
const (
	FormatPNG = "png"
	FormatSVG = "svg"
	FormatPDF = "pdf"
)

// Render draws p at the default size in the given format ("png", "svg" or "pdf").
func Render(p *plot.Plot, format string) ([]byte, error) {
	return RenderSize(p, format, DefaultWidth, DefaultHeight)
}

// RenderSize draws p at the given size in the given format.
func RenderSize(p *plot.Plot, format string, width, height vg.Length) ([]byte, error) {
	switch format {
	case FormatPNG, FormatSVG, FormatPDF:
	default:
		return nil, fmt.Errorf("plotting: format %q; expected %q, %q or %q", format, FormatPNG, FormatSVG, FormatPDF)
	}
	w, err := p.WriterTo(width, height, format)
	if err != nil {
		return nil, fmt.Errorf("plotting: rendering %s: %w", format, err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plotting: rendering %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// Save writes p to path at the default size, in the format its extension names (.png, .svg or
// .pdf), atomically: an interrupted save never leaves a partial file.
func Save(p *plot.Plot, path string) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	data, err := Render(p, format)
	if err != nil {
		return fmt.Errorf("plotting: saving %s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// SaveAll writes p once per extension, to base + "." + ext; it returns the paths written.
func SaveAll(p *plot.Plot, base string, exts ...string) ([]string, error) {
	var paths []string
	for _, ext := range exts {
		path := base + "." + strings.TrimPrefix(ext, ".")
		if err := Save(p, path); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
