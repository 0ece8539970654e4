package reps

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// Factory creates a representation's computation from its parameters (nil for defaults). name
// is the registry name, for error messages; an error names the bad parameter.
type Factory func(name string, params Params) (Representation, error)

// Entry is one line of a Registry.
type Entry struct {
	// New creates the computation.
	New Factory
	// FreshView computes it on a fresh augmentation of the original image instead of the image
	// itself (the official full_img_augment and aug_* methods).
	FreshView bool
	// Needs, when set, says what the representation needs before it has a size, and how to give
	// it (the distillation teacher needs a teacher model): List shows it instead of building the
	// representation with default parameters.
	Needs string
}

// Registry maps representation names to their entries. Names contain no space or '/'.
type Registry map[string]Entry

// Known is the table of the built-in representations, one line each, as GoMLX's
// KnownOptimizers. A program may add its own before it builds a configuration naming it; the
// distillation teacher is added by the mvmr package (mvmr.Representations).
var Known = Registry{
	"image":         {New: newImage},
	"augmented":     {New: newImage, FreshView: true},
	"std":           {New: newStd},
	"aug_std":       {New: newStd, FreshView: true},
	"hog":           {New: newHOG},
	"aug_hog":       {New: newHOG, FreshView: true},
	"dct":           {New: newDCT},
	"gabor":         {New: newGabor},
	"lbp":           {New: newLBP},
	"colorhist":     {New: newColorHist},
	"scatnet":       {New: newFullScatNet},
	"aug_scatnet":   {New: newAugScatNet, FreshView: true},
	"patch_scatnet": {New: newPatchScatNet},
}

// Names lists the registry's names, sorted.
func (r Registry) Names() []string {
	return slices.Sorted(maps.Keys(r))
}

// New creates the representation name with the given parameters, with the projection
// parameters ParamProject and ParamProjectSeed applied to a host representation.
func (r Registry) New(name string, params Params) (*Rep, error) {
	entry, ok := r[name]
	if !ok || entry.New == nil {
		return nil, fmt.Errorf("unknown representation %q; registered: %s", name, strings.Join(r.Names(), ", "))
	}
	if name == "" || strings.ContainsAny(name, " /") {
		return nil, fmt.Errorf("representation name %q; expected a name without spaces or '/'", name)
	}
	impl, err := withProjection(name, params, entry.New)
	if err != nil {
		return nil, err
	}
	if entry.FreshView {
		return onFreshView(name, impl), nil
	}
	return original(impl), nil
}

// Summary describes a registered representation with its default parameters for one image
// shape.
type Summary struct {
	Name string
	// Dim is the number of features for the image shape; 0 when the shape does not suit it.
	Dim int
	// FreshView is true when the representation is computed on a fresh augmented view.
	FreshView bool
	// Err says why the shape does not suit it.
	Err error
	// Needs is the entry's Needs: the representation has no size of its own (Dim is 0).
	Needs string
}

// List returns every registered representation, with default parameters, and its output size
// for images of the given shape.
func (r Registry) List(height, width, channels int) []Summary {
	var out []Summary
	for _, name := range r.Names() {
		s := Summary{Name: name, FreshView: r[name].FreshView, Needs: r[name].Needs}
		if s.Needs != "" {
			out = append(out, s)
			continue
		}
		rep, err := r.New(name, nil)
		if err != nil {
			s.Err = err
		} else {
			s.FreshView = rep.FreshView()
			s.Dim, s.Err = rep.Dim(height, width, channels)
		}
		out = append(out, s)
	}
	return out
}

// WriteTable writes List as an aligned table.
func (r Registry) WriteTable(w io.Writer, height, width, channels int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "representation\tview\tfeatures for %dx%dx%d\n", height, width, channels)
	for _, s := range r.List(height, width, channels) {
		view := "original"
		if s.FreshView {
			view = "fresh augmentation"
		}
		size := fmt.Sprint(s.Dim)
		switch {
		case s.Needs != "":
			size = s.Needs
		case s.Err != nil:
			size = "n/a: " + s.Err.Error()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, view, size)
	}
	return tw.Flush()
}
