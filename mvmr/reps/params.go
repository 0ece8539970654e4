package reps

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Params are a representation's parameters, as read from a config or the command line: numbers
// (float64, or int) and strings, by name.
type Params map[string]any

// ParseParam parses a "key=value" command-line parameter: the value becomes a number when it
// parses as one, a string otherwise.
func ParseParam(kv string) (key string, value any, err error) {
	key, raw, ok := strings.Cut(kv, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return "", nil, fmt.Errorf("parameter %q: expected key=value", kv)
	}
	raw = strings.TrimSpace(raw)
	if f, err := strconv.ParseFloat(raw, 64); err == nil {
		return key, f, nil
	}
	return key, raw, nil
}

// Check returns an error naming representation if p holds a key not in allowed.
func (p Params) Check(representation string, allowed ...string) error {
	keys := make([]string, 0, len(p))
	for key := range p {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		if !slices.Contains(allowed, key) {
			if len(allowed) == 0 {
				return fmt.Errorf("representation %q takes no parameters, got %q", representation, key)
			}
			return fmt.Errorf("representation %q: unknown parameter %q; expected one of %s",
				representation, key, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// Int returns the integer parameter key (def when absent), checking it against [min, max].
func (p Params) Int(representation, key string, def, min, max int) (int, error) {
	v, ok := p[key]
	if !ok {
		return def, nil
	}
	f, isNumber := number(v)
	if !isNumber || f != float64(int(f)) || int(f) < min || int(f) > max {
		return 0, fmt.Errorf("representation %q: %s = %v; expected an integer in [%d, %d]", representation, key, v, min, max)
	}
	return int(f), nil
}

// number returns a parameter value as a float64 when it is a number (float64 from JSON or the
// command line, or int).
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	}
	return 0, false
}

// Choice returns the string parameter key (def when absent), which must be one of allowed.
func (p Params) Choice(representation, key, def string, allowed ...string) (string, error) {
	v, ok := p[key]
	if !ok {
		return def, nil
	}
	s, isString := v.(string)
	if !isString || !slices.Contains(allowed, s) {
		return "", fmt.Errorf("representation %q: %s = %v; expected one of %s", representation, key, v, strings.Join(allowed, ", "))
	}
	return s, nil
}

// Text returns the string parameter key (def when absent).
func (p Params) Text(representation, key, def string) (string, error) {
	v, ok := p[key]
	if !ok {
		return def, nil
	}
	s, isString := v.(string)
	if !isString {
		return "", fmt.Errorf("representation %q: %s = %v; expected a string", representation, key, v)
	}
	return s, nil
}

// Positive returns the positive number parameter key (def when absent).
func (p Params) Positive(representation, key string, def float64) (float64, error) {
	v, ok := p[key]
	if !ok {
		return def, nil
	}
	f, isNumber := number(v)
	if !isNumber || !(f > 0) || f > 1e300 {
		return 0, fmt.Errorf("representation %q: %s = %v; expected a positive number", representation, key, v)
	}
	return f, nil
}

// Floats returns the list parameter key: one number or comma-separated numbers.
func (p Params) Floats(representation, key string) ([]float32, error) {
	v, ok := p[key]
	if !ok {
		return nil, nil
	}
	var parts []string
	switch x := v.(type) {
	case float64:
		return []float32{float32(x)}, nil
	case int:
		return []float32{float32(x)}, nil
	case string:
		parts = strings.Split(x, ",")
	case []any:
		for _, e := range x {
			parts = append(parts, fmt.Sprint(e))
		}
	default:
		return nil, fmt.Errorf("representation %q: %s = %v; expected numbers such as \"0.485,0.456,0.406\"", representation, key, v)
	}
	out := make([]float32, len(parts))
	for i, s := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 32)
		if err != nil {
			return nil, fmt.Errorf("representation %q: %s = %v: %q is not a number", representation, key, v, s)
		}
		out[i] = float32(f)
	}
	return out, nil
}
