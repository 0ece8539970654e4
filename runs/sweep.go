package runs

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// Sweep is a sweep file: a base config and axes whose product is the list of runs.
//
//	name: ablation
//	base: base.yaml            # optional, relative to the sweep file
//	set: {steps: 300}          # optional overrides, dotted keys or nested mappings
//	out: runs/ablation         # optional, relative to the sweep file (default: the sweep's name)
//	axes:
//	  - key: representations
//	    subsets: [none, each, all]
//	    from: [image, std, hog]  # default: the base config's representations
//	  - key: l3_mode
//	    values: [maximize, official]
//	  - key: seed
//	    values: [1, 2, 3]
type Sweep struct {
	// Name names the sweep in result rows.
	Name string `yaml:"name"`
	// Base is a config file the runs start from (empty: Default).
	Base string `yaml:"base"`
	// Set are overrides applied to the base for every run.
	Set map[string]any `yaml:"set"`
	// Out is the sweep folder; each run gets a sub-folder named by its id.
	Out string `yaml:"out"`
	// Axes are combined as a Cartesian product, the first axis varying slowest.
	Axes []Axis `yaml:"axes"`

	dir string // the sweep file's folder
}

// Axis is one dimension of a sweep: a config key and its values.
type Axis struct {
	// Key is a config key in dotted form (seed, lr, l3_mode, dataset.size, representations).
	Key string `yaml:"key"`
	// Values are the values the key takes.
	Values []any `yaml:"values"`
	// Subsets, for key representations only, adds representation subsets: "none" (no L3
	// term), "each" (every representation of From alone), "all" (From together), or an explicit
	// list ("image,std" or [image, std]).
	Subsets []any `yaml:"subsets"`
	// From is the representations that Subsets draws from (default: the base config's).
	From []string `yaml:"from"`
}

// SweepRun is one run of a sweep.
type SweepRun struct {
	// ID is stable: the axis values in words plus a hash of them, the same on every machine
	// and every restart, independent of sharding.
	ID string
	// Axes are the run's axis values, as printed in the results table.
	Axes map[string]string
	// Config is the run's config.
	Config Config
	// Notices are the base config's unused official keys.
	Notices []string
}

// LoadSweep reads a sweep file.
func LoadSweep(path string) (*Sweep, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("runs: reading sweep: %w", err)
	}
	return parseSweep(path, raw)
}

// parseSweep reads the bytes of the sweep file path.
func parseSweep(path string, raw []byte) (*Sweep, error) {
	m, err := parseYAMLMap(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var s Sweep
	d := decoder{}
	d.decodeValue("", m, reflect.ValueOf(&s).Elem())
	problems := d.problems()
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: %s", path, strings.Join(problems, "\n"))
	}
	s.dir = filepath.Dir(path)
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if s.Out == "" {
		s.Out = s.Name
	}
	if !filepath.IsAbs(s.Out) {
		s.Out = filepath.Join(s.dir, s.Out)
	}
	if s.Base != "" && !filepath.IsAbs(s.Base) {
		s.Base = filepath.Join(s.dir, s.Base)
	}
	return &s, nil
}

// OutDir is the sweep folder.
func (s *Sweep) OutDir() string { return s.Out }

// baseMap returns the base config with the sweep's overrides, as a generic mapping.
func (s *Sweep) baseMap() (map[string]any, error) {
	m := map[string]any{}
	if s.Base != "" {
		raw, err := os.ReadFile(s.Base)
		if err != nil {
			return nil, fmt.Errorf("runs: sweep base: %w", err)
		}
		if m, err = parseYAMLMap(raw); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Base, err)
		}
	}
	for _, k := range sortedKeys(s.Set) {
		v := s.Set[k]
		if sub, ok := v.(map[string]any); ok && !strings.Contains(k, ".") {
			existing, isMap := m[k].(map[string]any)
			if !isMap {
				existing = map[string]any{}
				m[k] = existing
			}
			merge(existing, sub)
			continue
		}
		if err := setPath(m, k, v); err != nil {
			return nil, fmt.Errorf("sweep set: %w", err)
		}
	}
	return m, nil
}

// axisValue is one value of an axis: what it sets and how it is labelled.
type axisValue struct {
	value any
	label string
}

// expandAxis lists the values of one axis.
func (s *Sweep) expandAxis(i int, a Axis, base Config) ([]axisValue, error) {
	key := fmt.Sprintf("axes[%d]", i)
	if a.Key == "" {
		return nil, fmt.Errorf("%s.key is empty: expected a config key such as seed or representations", key)
	}
	var out []axisValue
	for _, v := range a.Values {
		out = append(out, axisValue{v, label(v)})
	}
	if len(a.Subsets) > 0 || len(a.From) > 0 {
		if a.Key != "representations" {
			return nil, fmt.Errorf("%s.subsets: only for key representations, not %q", key, a.Key)
		}
		pool := a.From
		if len(pool) == 0 {
			pool = base.Representations.Names()
		}
		for j, sub := range a.Subsets {
			name, isString := sub.(string)
			switch {
			case isString && name == NoRepresentations:
				out = append(out, axisValue{NoRepresentations, NoRepresentations})
			case isString && name == "each":
				for _, r := range pool {
					out = append(out, axisValue{r, r})
				}
			case isString && name == "all":
				out = append(out, axisValue{strings.Join(pool, ","), strings.Join(pool, "+")})
			case isString:
				out = append(out, axisValue{name, strings.ReplaceAll(strings.ReplaceAll(name, " ", ""), ",", "+")})
			default:
				list, ok := sub.([]any)
				if !ok {
					return nil, fmt.Errorf("%s.subsets[%d] = %s: expected none, each, all, or a list of representations", key, j, show(sub))
				}
				var names []string
				for _, n := range list {
					names = append(names, fmt.Sprint(n))
				}
				out = append(out, axisValue{strings.Join(names, ","), strings.Join(names, "+")})
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s (%s) has no values: expected values (or, for representations, subsets)", key, a.Key)
	}
	seen := map[string]bool{}
	for _, v := range out {
		if seen[v.label] {
			return nil, fmt.Errorf("%s (%s): value %s appears twice", key, a.Key, v.label)
		}
		seen[v.label] = true
	}
	return out, nil
}

func label(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = label(e)
		}
		return strings.Join(parts, "+")
	}
	return strings.TrimSpace(show(v))
}

// MaxSweepRuns bounds the runs of one sweep (the product of its axes' sizes), so that a file of
// a few lines cannot ask for millions of configs to expand and validate.
const MaxSweepRuns = 10000

// Runs expands the sweep into its runs, validating each config; every bad value of every run
// is reported.
func (s *Sweep) Runs() ([]SweepRun, error) {
	baseMap, err := s.baseMap()
	if err != nil {
		return nil, err
	}
	baseLoaded, err := FromMap(baseMap)
	if err != nil {
		return nil, fmt.Errorf("sweep base config: %w", err)
	}
	axes := make([][]axisValue, len(s.Axes))
	keys := map[string]bool{}
	for i, a := range s.Axes {
		if keys[a.Key] {
			return nil, fmt.Errorf("axes[%d]: key %q has an axis already", i, a.Key)
		}
		keys[a.Key] = true
		if axes[i], err = s.expandAxis(i, a, baseLoaded.Config); err != nil {
			return nil, err
		}
	}
	count := 1
	for i, a := range axes {
		if count *= len(a); count > MaxSweepRuns {
			return nil, fmt.Errorf("the axes up to axes[%d] (%s) make more than %d runs; expected at most %d (split the sweep)", i, s.Axes[i].Key, MaxSweepRuns, MaxSweepRuns)
		}
	}
	var runs []SweepRun
	var errs []error
	index := make([]int, len(axes))
	for {
		m := deepCopy(baseMap).(map[string]any)
		labels := map[string]string{}
		var parts []string
		for i, a := range s.Axes {
			v := axes[i][index[i]]
			if err := setPath(m, a.Key, deepCopy(v.value)); err != nil {
				return nil, err
			}
			labels[a.Key] = v.label
			parts = append(parts, a.Key+"="+v.label)
		}
		loaded, err := FromMap(m)
		if err == nil {
			err = loaded.Config.Validate()
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("run %s: %w", strings.Join(parts, " "), err))
		} else {
			runs = append(runs, SweepRun{ID: runID(parts), Axes: labels, Config: loaded.Config, Notices: loaded.Notices})
		}
		// Next combination, the last axis fastest.
		i := len(index) - 1
		for ; i >= 0; i-- {
			index[i]++
			if index[i] < len(axes[i]) {
				break
			}
			index[i] = 0
		}
		if i < 0 {
			break
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return runs, nil
}

var unsafeID = regexp.MustCompile(`[^A-Za-z0-9+._-]+`)

// runID names a run by its axis values: readable, safe as a folder name, and unique through a
// hash of the exact values.
func runID(parts []string) string {
	raw, _ := json.Marshal(parts)
	sum := sha256.Sum256(raw)
	hash := hex.EncodeToString(sum[:4])
	if len(parts) == 0 {
		return "run-" + hash
	}
	words := make([]string, len(parts))
	for i, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		if j := strings.LastIndex(k, "."); j >= 0 {
			k = k[j+1:]
		}
		words[i] = unsafeID.ReplaceAllString(k+"-"+v, "_")
	}
	id := strings.Join(words, "_")
	if len(id) > 80 {
		id = id[:80]
	}
	return id + "-" + hash
}

// Shard is the i-th (from 0) of n disjoint slices of a sweep.
type Shard struct{ Index, Count int }

// ParseShard reads "i/n" (0 <= i < n).
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("--shard = %q: expected i/n with 0 <= i < n, as 0/4 (Slurm: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)", s)
	}
	return Shard{i, n}, nil
}

// Select returns the runs of the shard: every n-th run starting at i, so shards are disjoint,
// cover the sweep, and each gets a mix of the axes.
func (sh Shard) Select(runs []SweepRun) []SweepRun {
	if sh.Count <= 1 {
		return runs
	}
	var out []SweepRun
	for k := sh.Index; k < len(runs); k += sh.Count {
		out = append(out, runs[k])
	}
	return out
}
