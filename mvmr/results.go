package mvmr

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
)

// Evaluation protocol names, as Result.Protocol and `mvmr eval -protocol` spell them.
const (
	ProtocolLinear = "linear"
	ProtocolKNN    = "knn"
	ProtocolSemi1  = "semi1"
	ProtocolSemi10 = "semi10"
	ProtocolTSNE   = "tsne"
)

// Result is one evaluation of an encoder under one protocol: what was evaluated, on which data,
// with which seeds, and the numbers. Accuracies are fractions in [0, 1]; every number must be
// finite (SaveResults refuses NaN and Inf, which JSON cannot hold).
type Result struct {
	// Protocol is one of the Protocol* names.
	Protocol string `json:"protocol"`
	// Variant distinguishes results of one protocol ("k=20", "k=200", "h", "z").
	Variant string `json:"variant,omitempty"`
	// Features names the representation evaluated ("h" or "z").
	Features string `json:"features"`
	// Dataset, TrainSplit and TestSplit name the data (e.g. "mnist", "mnist/train", "mnist/test").
	Dataset    string `json:"dataset"`
	TrainSplit string `json:"train_split"`
	TestSplit  string `json:"test_split"`
	// Checkpoint is the evaluated checkpoint file and Step its training step.
	Checkpoint string `json:"checkpoint,omitempty"`
	Step       int64  `json:"step"`
	// TrainSeed is the seed of the self-supervised run; EvalSeed that of the protocol (probe
	// initialisation and order, label sampling, t-SNE).
	TrainSeed int64 `json:"train_seed"`
	EvalSeed  int64 `json:"eval_seed"`
	// Top1 and Top5 are test accuracies (0 for a protocol without them, such as t-SNE).
	Top1 float64 `json:"top1"`
	Top5 float64 `json:"top5"`
	// Metrics holds protocol-specific numbers by name ("train_top1", "kl", "trustworthiness",
	// "label_fraction", "labelled").
	Metrics map[string]float64 `json:"metrics,omitempty"`
	// Seconds is the wall time of the evaluation.
	Seconds float64 `json:"seconds"`
	// Time is when the evaluation finished (RFC 3339, UTC).
	Time string `json:"time"`
}

// Stamp sets r.Seconds from start and r.Time to now.
func (r *Result) Stamp(start time.Time) {
	r.Seconds = time.Since(start).Seconds()
	r.Time = time.Now().UTC().Format(time.RFC3339)
}

// resultColumns are the fixed CSV columns; the metrics follow, sorted by name.
var resultColumns = []string{"protocol", "variant", "features", "dataset", "train_split", "test_split",
	"checkpoint", "step", "train_seed", "eval_seed", "top1", "top5", "seconds", "time"}

// WriteResultsCSV writes results as CSV rows under a header: the fixed columns, then one column
// per metric name found in any result (empty where a result lacks it).
func WriteResultsCSV(w io.Writer, results []Result) error {
	var metrics []string
	for _, r := range results {
		for name := range r.Metrics {
			if !slices.Contains(metrics, name) {
				metrics = append(metrics, name)
			}
		}
	}
	slices.Sort(metrics)
	cw := csv.NewWriter(w)
	if err := cw.Write(append(slices.Clone(resultColumns), metrics...)); err != nil {
		return err
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for _, r := range results {
		row := []string{r.Protocol, r.Variant, r.Features, r.Dataset, r.TrainSplit, r.TestSplit, r.Checkpoint,
			strconv.FormatInt(r.Step, 10), strconv.FormatInt(r.TrainSeed, 10), strconv.FormatInt(r.EvalSeed, 10),
			num(r.Top1), num(r.Top5), num(r.Seconds), r.Time}
		for _, name := range metrics {
			if v, ok := r.Metrics[name]; ok {
				row = append(row, num(v))
			} else {
				row = append(row, "")
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SaveResults writes results to path atomically, as a JSON array (".json") or CSV rows
// (".csv").
func SaveResults(path string, results []Result) error {
	for i, r := range results {
		if err := r.checkFinite(); err != nil {
			return fmt.Errorf("mvmr: results file %s: results[%d] (%s): %w", path, i, r.Protocol, err)
		}
	}
	var write func(io.Writer) error
	switch filepath.Ext(path) {
	case ".json":
		write = func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(results)
		}
	case ".csv":
		write = func(w io.Writer) error { return WriteResultsCSV(w, results) }
	default:
		return fmt.Errorf("mvmr: results file %s: expected a .json or .csv extension", path)
	}
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("mvmr: writing results: %w", err)
	}
	return nil
}

func (r Result) checkFinite() error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	switch {
	case bad(r.Top1):
		return fmt.Errorf("top1 = %v; expected a finite number", r.Top1)
	case bad(r.Top5):
		return fmt.Errorf("top5 = %v; expected a finite number", r.Top5)
	case bad(r.Seconds):
		return fmt.Errorf("seconds = %v; expected a finite number", r.Seconds)
	}
	for name, v := range r.Metrics {
		if bad(v) {
			return fmt.Errorf("metrics[%q] = %v; expected a finite number", name, v)
		}
	}
	return nil
}

// LoadResults reads a JSON results file written by SaveResults.
func LoadResults(path string) ([]Result, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mvmr: reading results: %w", err)
	}
	var results []Result
	if err := json.Unmarshal(raw, &results); err != nil {
		return nil, fmt.Errorf("mvmr: %s: expected a JSON array of results: %w", path, err)
	}
	return results, nil
}

// AppendResults adds results to the JSON or CSV file at path (created when missing), keeping
// the rows already there, and rewrites it atomically. A CSV file is regenerated from a JSON
// sidecar (path + ".json") so that its columns stay consistent.
func AppendResults(path string, results ...Result) error {
	store := path
	if filepath.Ext(path) == ".csv" {
		store = path + ".json"
	}
	var all []Result
	if _, err := os.Stat(store); err == nil {
		if all, err = LoadResults(store); err != nil {
			return err
		}
	}
	all = append(all, results...)
	if store != path {
		if err := SaveResults(store, all); err != nil {
			return err
		}
	}
	return SaveResults(path, all)
}
