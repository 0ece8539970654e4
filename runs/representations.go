package runs

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// Representation is one L3 term of a run: a registered representation, its parameters, its
// weight and its mode.
type Representation struct {
	// Name is a registered representation (mvmr.Representations).
	Name string `yaml:"name"`
	// Params are its parameters; hog and scatnet ones default to the hog and scatnet sections.
	Params reps.Params `yaml:"params,omitempty"`
	// Weight multiplies the term in the total (default 1).
	Weight float64 `yaml:"weight"`
	// Mode is maximize or official; empty takes the config's l3_mode.
	Mode string `yaml:"mode,omitempty"`
}

// Representations are the L3 terms of a run. In YAML they are a list whose items are a name or
// a mapping {name, params, weight, mode}; a string "image,std" lists names, and "none" (or an
// empty list) means no L3 term.
type Representations []Representation

// NoRepresentations is the value that means "no L3 term", as a sweep subset or a --set value.
const NoRepresentations = "none"

func (r *Representations) decodeGeneric(key string, value any) error {
	var items []any
	switch v := value.(type) {
	case string:
		for _, name := range splitRepresentationNames(v) {
			items = append(items, name)
		}
	case []any:
		items = v
	default:
		return fmt.Errorf("%s = %s: expected a list of representations (names or {name, params, weight, mode}), or %q", key, show(value), NoRepresentations)
	}
	out := make(Representations, 0, len(items))
	var problems []string
	for i, item := range items {
		itemKey := fmt.Sprintf("%s[%d]", key, i)
		rep := Representation{Weight: 1}
		switch x := item.(type) {
		case string:
			rep.Name = x
		case map[string]any:
			d := decoder{}
			d.decodeValue(itemKey, x, reflect.ValueOf(&rep).Elem())
			problems = append(problems, d.problems()...)
		default:
			problems = append(problems, fmt.Sprintf("%s = %s: expected a representation name or {name, params, weight, mode}", itemKey, show(item)))
		}
		out = append(out, rep)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	*r = out
	return nil
}

// ParseRepresentationNames parses a comma-separated list of representation names: the string
// form of a config's representations key, the notebooks' --reps and the distill commands'
// -reps. Spaces around a name are trimmed and empty items skipped; "none" names no
// representation, so "", "none" and " , " are the empty list and "image,none,hog" is image and
// hog. Every name must be registered and appear once (CheckRepresentationNames); the error names
// key and the item, e.g. `-reps[1] = "nope": expected one of image, std, ...`.
func ParseRepresentationNames(key, list string) ([]string, error) {
	names := splitRepresentationNames(list)
	if err := CheckRepresentationNames(key, names); err != nil {
		return nil, err
	}
	return names, nil
}

// CheckRepresentationNames returns an error for each name that is not a registered
// representation or repeats an earlier one, naming key[i] and what is allowed.
func CheckRepresentationNames(key string, names []string) error {
	var errs []error
	for i, name := range names {
		if err := checkRepresentationName(fmt.Sprintf("%s[%d]", key, i), name, names[:i]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkRepresentationName is the one check of a representation's name: registered, and not
// among the earlier ones.
func checkRepresentationName(key, name string, earlier []string) error {
	if known := mvmr.Representations().Names(); !slices.Contains(known, name) {
		return fmt.Errorf("%s = %s: expected one of %s", key, show(name), strings.Join(known, ", "))
	}
	if slices.Contains(earlier, name) {
		return fmt.Errorf("%s = %s: expected each representation once", key, show(name))
	}
	return nil
}

// splitRepresentationNames splits a comma-separated list of names, trimming spaces and
// skipping empty items and "none".
func splitRepresentationNames(list string) []string {
	names := []string{}
	for name := range strings.SplitSeq(list, ",") {
		if name = strings.TrimSpace(name); name != "" && name != NoRepresentations {
			names = append(names, name)
		}
	}
	return names
}

// Names returns the representation names in order.
func (r Representations) Names() []string {
	names := make([]string, len(r))
	for i, rep := range r {
		names[i] = rep.Name
	}
	return names
}

// Label is the names joined by "+", or "none".
func (r Representations) Label() string {
	if len(r) == 0 {
		return NoRepresentations
	}
	return strings.Join(r.Names(), "+")
}

// sectionDefaults are the parameters the official hog and scatnet sections give each
// representation that reads them.
func (c Config) sectionDefaults(name string) reps.Params {
	switch name {
	case "hog", "aug_hog":
		return reps.Params{"nbins": c.HOG.NBins, "pool": c.HOG.Pool}
	case "scatnet", "aug_scatnet", "patch_scatnet":
		return reps.Params{"J": c.Scatnet.J, "L": c.Scatnet.L}
	}
	return nil
}

// lossTerms returns the representations as mvmr terms, with section defaults and l3_mode
// filled in.
func (c Config) lossTerms() []mvmr.RepresentationTerm {
	terms := make([]mvmr.RepresentationTerm, 0, len(c.Representations))
	for _, rep := range c.Representations {
		params := c.sectionDefaults(rep.Name)
		if params == nil && len(rep.Params) > 0 {
			params = reps.Params{}
		}
		for k, v := range rep.Params {
			params[k] = v
		}
		mode := rep.Mode
		if mode == "" {
			mode = c.L3Mode
		}
		terms = append(terms, mvmr.RepresentationTerm{Name: rep.Name, Params: params, Weight: rep.Weight, Mode: mvmr.TermMode(mode)})
	}
	return terms
}
