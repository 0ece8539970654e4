package runs

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A strict decoder from the generic values yaml.v3 produces (map[string]any, []any, string,
// int, float64, bool, nil) into the tagged structs of this package. Unlike yaml.Unmarshal it
// names every bad value by its full dotted key ("dataset.size = abc: expected an integer"),
// collects every unknown key instead of stopping at the first, and treats a key that is present
// but empty (the official configs' "path:") as "leave the default".

// genericDecoder is implemented by the types that decode themselves from a generic value.
type genericDecoder interface {
	decodeGeneric(key string, value any) error
}

// decoder holds what one decoding pass found.
type decoder struct {
	unknown []string // unknown dotted keys, each with the keys allowed there
	errs    []string // bad values
	present map[string]bool
}

func (d *decoder) failf(format string, args ...any) {
	d.errs = append(d.errs, fmt.Sprintf(format, args...))
}

// problems returns what the pass found, one line each: the unknown keys (on one line), then the
// bad values.
func (d *decoder) problems() []string {
	var problems []string
	if len(d.unknown) > 0 {
		problems = append(problems, "unknown keys: "+strings.Join(d.unknown, "; "))
	}
	return append(problems, d.errs...)
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// yamlKeys returns the YAML keys of struct type t, in field order, with their field indices.
func yamlKeys(t reflect.Type) ([]string, map[string]int) {
	var keys []string
	index := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		keys = append(keys, name)
		index[name] = i
	}
	return keys, index
}

// decodeValue decodes value (a generic YAML value) into dst, naming errors by key.
func (d *decoder) decodeValue(key string, value any, dst reflect.Value) {
	if d.present != nil {
		d.present[key] = true
	}
	if value == nil {
		return // "key:" with nothing after it keeps the default
	}
	if dst.CanAddr() {
		if g, ok := dst.Addr().Interface().(genericDecoder); ok {
			if err := g.decodeGeneric(key, value); err != nil {
				d.errs = append(d.errs, err.Error())
			}
			return
		}
	}
	switch dst.Kind() {
	case reflect.Struct:
		m, ok := value.(map[string]any)
		if !ok {
			d.failf("%s = %s: expected a mapping of keys", key, show(value))
			return
		}
		keys, index := yamlKeys(dst.Type())
		for _, k := range sortedKeys(m) {
			i, ok := index[k]
			if !ok {
				d.unknown = append(d.unknown, fmt.Sprintf("%s (allowed: %s)", join(key, k), strings.Join(keys, ", ")))
				continue
			}
			d.decodeValue(join(key, k), m[k], dst.Field(i))
		}
	case reflect.String:
		switch v := value.(type) {
		case string:
			dst.SetString(v)
		case int, float64, bool:
			dst.SetString(fmt.Sprint(v)) // a name that happens to look like a number
		default:
			d.failf("%s = %s: expected a string", key, show(value))
		}
	case reflect.Bool:
		b, ok := value.(bool)
		if !ok {
			d.failf("%s = %s: expected true or false", key, show(value))
			return
		}
		dst.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, ok := asInt(value)
		if !ok {
			d.failf("%s = %s: expected an integer", key, show(value))
			return
		}
		dst.SetInt(n)
	case reflect.Float64:
		f, ok := asFloat(value)
		if !ok {
			d.failf("%s = %s: expected a number", key, show(value))
			return
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			d.failf("%s = %s: expected a finite number", key, show(value))
			return
		}
		dst.SetFloat(f)
	case reflect.Slice:
		list, ok := value.([]any)
		if !ok {
			if s, isString := value.(string); isString && dst.Type().Elem().Kind() != reflect.Struct {
				// "a,b,c" on the command line or in a sweep axis.
				list = splitList(s)
			} else {
				list = []any{value}
			}
		}
		if len(list) == 0 {
			dst.SetZero() // [] and an absent list are the same
			return
		}
		out := reflect.MakeSlice(dst.Type(), len(list), len(list))
		for i, item := range list {
			d.decodeValue(fmt.Sprintf("%s[%d]", key, i), item, out.Index(i))
		}
		dst.Set(out)
	case reflect.Map:
		m, ok := value.(map[string]any)
		if !ok {
			d.failf("%s = %s: expected a mapping", key, show(value))
			return
		}
		dst.Set(reflect.ValueOf(deepCopy(m)))
	case reflect.Interface:
		dst.Set(reflect.ValueOf(value))
	default:
		d.failf("%s: cannot decode into %s", key, dst.Type())
	}
}

func splitList(s string) []any {
	var out []any
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, parseScalar(part))
		}
	}
	return out
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x), true
		}
	case string:
		// yaml.v3 reads 1e-4 as a float but "1e3" written as a string stays one.
		if f, err := strconv.ParseFloat(x, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<62 {
			return int64(f), true
		}
	}
	return 0, false
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		// YAML 1.2 reads "1e-6" as a float; PyYAML (YAML 1.1) and some writers leave "1e-6"
		// without a dot as a string: accept both, as the official configs use it.
		if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
			return f, true
		}
	}
	return 0, false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// show prints a generic value as it would appear in YAML.
func show(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case nil:
		return "null"
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := strings.TrimSpace(string(b))
	if strings.Contains(s, "\n") {
		return fmt.Sprint(v)
	}
	return s
}

// parseScalar reads a command-line value as YAML would ("3" an int, "1e-3" a number, "[a, b]"
// a list, "true" a bool), falling back to the string itself.
func parseScalar(raw string) any {
	var v any
	if err := yaml.Unmarshal([]byte(raw), &v); err != nil {
		return raw
	}
	if s, ok := v.(string); ok {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	}
	return v
}

// setPath sets the dotted key in the generic mapping m, creating intermediate mappings.
func setPath(m map[string]any, key string, value any) error {
	parts := strings.Split(key, ".")
	for i, p := range parts {
		if p == "" {
			return fmt.Errorf("key %q: empty part; expected names joined by dots, as dataset.name", key)
		}
		if i == len(parts)-1 {
			m[p] = value
			return nil
		}
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	return nil
}

// merge copies src's keys into dst, recursing into mappings present in both.
func merge(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				merge(dm, sm)
				continue
			}
			dst[k] = deepCopy(sm)
			continue
		}
		dst[k] = v
	}
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}
