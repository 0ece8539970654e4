package plotting

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

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

// Render draws f in the given format ("png", "svg" or "pdf") at its own size (Sizer) or else
// at DefaultWidth × DefaultHeight.
func Render(f Figure, format string) ([]byte, error) {
	if isNil(f) {
		return nil, fmt.Errorf("plotting: rendering %s: the figure is nil", format)
	}
	width, height := FigureSize(f)
	return RenderSize(f, format, width, height)
}

// RenderSize draws f at the given size in the given format.
func RenderSize(f Figure, format string, width, height vg.Length) ([]byte, error) {
	switch format {
	case FormatPNG, FormatSVG, FormatPDF:
	default:
		return nil, fmt.Errorf("plotting: format %q; expected %q, %q or %q", format, FormatPNG, FormatSVG, FormatPDF)
	}
	if isNil(f) {
		return nil, fmt.Errorf("plotting: rendering %s: the figure is nil", format)
	}
	if v, ok := f.(interface{ check() error }); ok {
		if err := v.check(); err != nil {
			return nil, fmt.Errorf("plotting: rendering %s: %w", format, err)
		}
	}
	w, err := draw.NewFormattedCanvas(width, height, format)
	if err != nil {
		return nil, fmt.Errorf("plotting: rendering %s: %w", format, err)
	}
	f.Draw(draw.New(w))
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plotting: rendering %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// isNil reports a nil Figure, or a nil pointer inside one (a figure function's result when it
// returned an error).
func isNil(f Figure) bool {
	if f == nil {
		return true
	}
	v := reflect.ValueOf(f)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Save writes f to path at its size (see Render), in the format its extension names (.png, .svg or
// .pdf), atomically: an interrupted save never leaves a partial file.
func Save(f Figure, path string) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	data, err := Render(f, format)
	if err != nil {
		return fmt.Errorf("plotting: saving %s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// SaveAll writes f once per extension, to base + "." + ext; it returns the paths written.
func SaveAll(f Figure, base string, exts ...string) ([]string, error) {
	var paths []string
	for _, ext := range exts {
		path := base + "." + strings.TrimPrefix(ext, ".")
		if err := Save(f, path); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
