package mvmr

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// RepresentationSummary describes a registered representation with its default parameters for
// one image shape.
type RepresentationSummary struct {
	Name string
	// Dim is the number of features for the image shape; 0 when the shape does not suit it.
	Dim int
	// FreshView is true when the representation is computed on a fresh augmented view.
	FreshView bool
	// Err says why the shape does not suit it.
	Err error
}

// ListRepresentations returns every registered representation, with default parameters, and
// its output size for images of the given shape.
func ListRepresentations(height, width, channels int) []RepresentationSummary {
	var out []RepresentationSummary
	for _, name := range RepresentationNames() {
		s := RepresentationSummary{Name: name}
		rep, err := NewRepresentation(name, nil)
		if err != nil {
			s.Err = err
		} else {
			s.FreshView = UsesFreshView(rep)
			s.Dim, s.Err = RepresentationDim(rep, height, width, channels)
		}
		out = append(out, s)
	}
	return out
}

// WriteRepresentationTable writes ListRepresentations as an aligned table.
func WriteRepresentationTable(w io.Writer, height, width, channels int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "representation\tview\tfeatures for %dx%dx%d\n", height, width, channels)
	for _, s := range ListRepresentations(height, width, channels) {
		view := "original"
		if s.FreshView {
			view = "fresh augmentation"
		}
		size := fmt.Sprint(s.Dim)
		if s.Err != nil {
			size = "n/a: " + s.Err.Error()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, view, size)
	}
	return tw.Flush()
}
