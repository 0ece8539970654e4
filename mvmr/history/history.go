// Package history records named values per training step: the loss components, the learning
// rate and any metric, under the names the trainer gives them ("mse", "std", "dcor_zz",
// "dcor/image", "total", ...). It has no GoMLX dependency, so plotting and reporting code can
// use it on its own.
package history

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
)

// History holds, for each recorded step, a value per name. A name missing at a step reads NaN.
// The zero value is ready to use.
type History struct {
	steps  []int64
	names  []string
	values map[string][]float64
}

// New returns an empty History.
func New() *History { return &History{} }

// Append records values at step. Steps must be appended in increasing order; names seen for the
// first time are added in sorted order after the existing ones.
func (h *History) Append(step int64, values map[string]float64) error {
	if n := len(h.steps); n > 0 && step <= h.steps[n-1] {
		return fmt.Errorf("history: step %d appended after step %d; steps must increase", step, h.steps[n-1])
	}
	if h.values == nil {
		h.values = map[string][]float64{}
	}
	var newNames []string
	for name := range values {
		if _, ok := h.values[name]; !ok {
			newNames = append(newNames, name)
		}
	}
	slices.Sort(newNames)
	for _, name := range newNames {
		h.names = append(h.names, name)
		h.values[name] = nanSlice(len(h.steps))
	}
	h.steps = append(h.steps, step)
	for _, name := range h.names {
		v, ok := values[name]
		if !ok {
			v = math.NaN()
		}
		h.values[name] = append(h.values[name], v)
	}
	return nil
}

// AppendOrdered records values given in the order of names (which fixes the order of new names).
func (h *History) AppendOrdered(step int64, names []string, values []float64) error {
	if len(names) != len(values) {
		return fmt.Errorf("history: %d names for %d values", len(names), len(values))
	}
	if h.values == nil {
		h.values = map[string][]float64{}
	}
	for _, name := range names {
		if _, ok := h.values[name]; !ok {
			h.names = append(h.names, name)
			h.values[name] = nanSlice(len(h.steps))
		}
	}
	m := make(map[string]float64, len(names))
	for i, name := range names {
		m[name] = values[i]
	}
	return h.Append(step, m)
}

// Len returns the number of recorded steps.
func (h *History) Len() int { return len(h.steps) }

// Names returns the recorded names in first-seen order.
func (h *History) Names() []string { return slices.Clone(h.names) }

// Steps returns the recorded steps.
func (h *History) Steps() []int64 { return slices.Clone(h.steps) }

// Series returns the values recorded under name, one per step (NaN where missing), or nil.
func (h *History) Series(name string) []float64 {
	return slices.Clone(h.values[name])
}

// Last returns the last value recorded under name and whether there is one.
func (h *History) Last(name string) (float64, bool) {
	v := h.values[name]
	for i := len(v) - 1; i >= 0; i-- {
		if !math.IsNaN(v[i]) {
			return v[i], true
		}
	}
	return math.NaN(), false
}

// Truncate drops the steps after step (used when a run is resumed from a checkpoint).
func (h *History) Truncate(step int64) {
	n, _ := slices.BinarySearch(h.steps, step+1)
	h.steps = h.steps[:n]
	for name, v := range h.values {
		h.values[name] = v[:n]
	}
}

// Clone returns a deep copy.
func (h *History) Clone() *History {
	c := &History{steps: slices.Clone(h.steps), names: slices.Clone(h.names), values: map[string][]float64{}}
	for name, v := range h.values {
		c.values[name] = slices.Clone(v)
	}
	return c
}

type jsonHistory struct {
	Steps  []int64               `json:"steps"`
	Names  []string              `json:"names"`
	Values map[string][]*float64 `json:"values"` // null for NaN
}

// MarshalJSON writes {"steps": [...], "names": [...], "values": {name: [...]}} with null for NaN.
func (h *History) MarshalJSON() ([]byte, error) {
	j := jsonHistory{Steps: h.steps, Names: h.names, Values: map[string][]*float64{}}
	if j.Steps == nil {
		j.Steps = []int64{}
	}
	if j.Names == nil {
		j.Names = []string{}
	}
	for name, v := range h.values {
		out := make([]*float64, len(v))
		for i := range v {
			if !math.IsNaN(v[i]) && !math.IsInf(v[i], 0) {
				out[i] = &v[i]
			}
		}
		j.Values[name] = out
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes, checking that every series has one value per step.
func (h *History) UnmarshalJSON(data []byte) error {
	var j jsonHistory
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if !slices.IsSorted(j.Steps) {
		return fmt.Errorf("history: steps are not increasing")
	}
	h.steps, h.names, h.values = j.Steps, j.Names, map[string][]float64{}
	for _, name := range j.Names {
		raw, ok := j.Values[name]
		if !ok || len(raw) != len(j.Steps) {
			return fmt.Errorf("history: series %q has %d values for %d steps", name, len(raw), len(j.Steps))
		}
		v := make([]float64, len(raw))
		for i, p := range raw {
			v[i] = math.NaN()
			if p != nil {
				v[i] = *p
			}
		}
		h.values[name] = v
	}
	if len(j.Values) != len(j.Names) {
		return fmt.Errorf("history: %d series for %d names", len(j.Values), len(j.Names))
	}
	return nil
}

// WriteCSV writes a header "step,<name>,..." and one row per step (empty cells for NaN).
func (h *History) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"step"}, h.names...)); err != nil {
		return err
	}
	row := make([]string, len(h.names)+1)
	for i, step := range h.steps {
		row[0] = strconv.FormatInt(step, 10)
		for k, name := range h.names {
			v := h.values[name][i]
			row[k+1] = ""
			if !math.IsNaN(v) {
				row[k+1] = strconv.FormatFloat(v, 'g', -1, 64)
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}
