package runs

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// RunRows are the rows of one run (one trained model, one per protocol): a line of a wide table
// such as distill-demo's, which shows a model's linear and kNN accuracies side by side.
type RunRows []Row

// Find returns the run's row of a protocol label ("linear", "knn k=20"; Row.ProtocolLabel).
func (g RunRows) Find(label string) (Row, bool) {
	for _, r := range g {
		if r.ProtocolLabel() == label {
			return r, true
		}
	}
	return Row{}, false
}

// Top1 returns the top-1 accuracy of the run's row of a protocol label, and whether it has one.
func (g RunRows) Top1(label string) (float64, bool) {
	r, ok := g.Find(label)
	return r.Top1, ok
}

// ByRun groups rows by run (sweep, run and training seed), in the order the runs first appear.
func ByRun(rows []Row) []RunRows {
	var out []RunRows
	index := map[string]int{}
	for _, r := range rows {
		key := r.Sweep + "\x00" + r.Run + "\x00" + strconv.FormatInt(r.TrainSeed, 10)
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}

// column is one column of a wide table: its header and its cell of a run.
type column struct {
	Name string
	Cell func(RunRows) string
}

// writeColumnsCSV writes the columns' header and one line per run.
func writeColumnsCSV(w io.Writer, columns []column, runs []RunRows) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(columns))
	for i, c := range columns {
		header[i] = c.Name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, run := range runs {
		line := make([]string, len(columns))
		for i, c := range columns {
			line[i] = c.Cell(run)
		}
		if err := cw.Write(line); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// fixed formats v with digits decimals ("" for a missing value).
func fixed(v float64, ok bool, digits int) string {
	if !ok {
		return ""
	}
	return strconv.FormatFloat(v, 'f', digits, 64)
}

// Protocol labels of the distillation table's accuracies.
const (
	labelLinear = mvmr.ProtocolLinear
	labelKNN20  = mvmr.ProtocolKNN + " k=20"
	labelKNN200 = mvmr.ProtocolKNN + " k=200"
)

// distillColumns are the columns of distill-demo's table (notebooks/data/distillation.csv): one
// line per model, its labels and parameters, the size of h, and its linear-probe and kNN
// accuracies as fractions.
var distillColumns = []column{
	{"model", func(g RunRows) string { return g[0].Run }},
	{"encoder", func(g RunRows) string { return g[0].Encoder }},
	{"teacher", func(g RunRows) string { return g[0].Teacher }},
	{"backbone_params", func(g RunRows) string { return strconv.Itoa(g[0].BackboneParams) }},
	{"total_params", func(g RunRows) string { return strconv.Itoa(g[0].TotalParams) }},
	{"h_dim", func(g RunRows) string { r, _ := g.Find(labelLinear); return strconv.Itoa(r.Dim()) }},
	{"steps", func(g RunRows) string { return strconv.FormatInt(g[0].Step, 10) }},
	{"train_seconds", func(g RunRows) string { return fixed(g[0].TrainSeconds, true, 1) }},
	{"linear_top1", func(g RunRows) string { v, ok := g.Top1(labelLinear); return fixed(v, ok, 4) }},
	{"linear_top5", func(g RunRows) string { r, ok := g.Find(labelLinear); return fixed(r.Top5, ok, 4) }},
	{"knn20_top1", func(g RunRows) string { v, ok := g.Top1(labelKNN20); return fixed(v, ok, 4) }},
	{"knn200_top1", func(g RunRows) string { v, ok := g.Top1(labelKNN200); return fixed(v, ok, 4) }},
}

// WriteDistillCSV writes rows as distill-demo's table (distillColumns), one line per model.
func WriteDistillCSV(w io.Writer, rows []Row) error {
	return writeColumnsCSV(w, distillColumns, ByRun(rows))
}

// distillLine is a line of distill-demo's table, as its CSV columns and the JSON rows that
// distill-demo wrote before it recorded Rows name them.
type distillLine struct {
	Model          string  `json:"model"`
	Encoder        string  `json:"encoder"`
	Teacher        string  `json:"teacher"`
	BackboneParams int     `json:"backbone_params"`
	TotalParams    int     `json:"total_params"`
	HDim           int     `json:"h_dim"`
	Steps          int     `json:"steps"`
	TrainSeconds   float64 `json:"train_seconds"`
	Top1           float64 `json:"linear_top1"`
	Top5           float64 `json:"linear_top5"`
	KNN20          float64 `json:"knn20_top1"`
	KNN200         float64 `json:"knn200_top1"`
	hasKNN20       bool
	hasKNN200      bool
}

// rows returns the model's rows: its linear probe and its kNN accuracies (k = 20 and 200).
func (l distillLine) rows() []Row {
	base := Row{Run: l.Model, Encoder: l.Encoder, Teacher: l.Teacher, BackboneParams: l.BackboneParams,
		TotalParams: l.TotalParams, TrainSeconds: l.TrainSeconds,
		Result: mvmr.Result{Features: "h", Dataset: "mnist", Step: int64(l.Steps)}}
	linear := base
	linear.Protocol, linear.Top1, linear.Top5 = mvmr.ProtocolLinear, l.Top1, l.Top5
	linear.Metrics = map[string]float64{"dim": float64(l.HDim)}
	out := []Row{linear}
	for _, k := range []struct {
		variant string
		top1    float64
		ok      bool
	}{{"k=20", l.KNN20, l.hasKNN20}, {"k=200", l.KNN200, l.hasKNN200}} {
		if k.ok {
			r := base
			r.Protocol, r.Variant, r.Top1 = mvmr.ProtocolKNN, k.variant, k.top1
			r.Metrics = map[string]float64{"dim": float64(l.HDim)}
			out = append(out, r)
		}
	}
	return out
}

// ReadDistillCSV reads a table written by WriteDistillCSV (distill-demo's, as
// notebooks/data/distillation.csv) into rows: per model its linear row and its kNN rows. Errors
// name the file, the line and the column.
func ReadDistillCSV(path string) ([]Row, error) {
	records, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	header := make([]string, len(distillColumns))
	for i, c := range distillColumns {
		header[i] = c.Name
	}
	if len(records) == 0 || strings.Join(records[0], ",") != strings.Join(header, ",") {
		return nil, fmt.Errorf("runs: %s: expected the header %q", path, strings.Join(header, ","))
	}
	var out []Row
	for i, rec := range records[1:] {
		l := distillLine{Model: rec[0], Encoder: rec[1], Teacher: rec[2]}
		for k, dst := range []*int{&l.BackboneParams, &l.TotalParams, &l.HDim, &l.Steps} {
			if *dst, err = strconv.Atoi(rec[3+k]); err != nil {
				return nil, fmt.Errorf("runs: %s: line %d: %s = %q; expected an integer", path, i+2, header[3+k], rec[3+k])
			}
		}
		for k, dst := range []*float64{&l.TrainSeconds, &l.Top1, &l.Top5, &l.KNN20, &l.KNN200} {
			if k >= 3 && rec[7+k] == "" { // a kNN accuracy not computed
				continue
			}
			if *dst, err = strconv.ParseFloat(rec[7+k], 64); err != nil {
				return nil, fmt.Errorf("runs: %s: line %d: %s = %q; expected a number", path, i+2, header[7+k], rec[7+k])
			}
		}
		l.hasKNN20, l.hasKNN200 = rec[10] != "", rec[11] != ""
		out = append(out, l.rows()...)
	}
	return out, nil
}

// DecodeRows decodes a JSON array of rows: Row objects, the model rows distill-demo wrote before
// it recorded Rows ({"model": ..., "linear_top1": ..., "knn20_top1": ...}; each becomes the
// model's linear and kNN rows), or the term-variant results the notebooks wrote before
// ({"name": ..., "losses": ..., "probe": {...}}; each becomes its linear row).
func DecodeRows(raw []byte) ([]Row, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	var out []Row
	for i, item := range items {
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(item, &keys); err != nil {
			return nil, fmt.Errorf("rows[%d]: %w", i, err)
		}
		if _, legacy := keys["model"]; legacy {
			var l distillLine
			if err := json.Unmarshal(item, &l); err != nil {
				return nil, fmt.Errorf("rows[%d]: %w", i, err)
			}
			l.hasKNN20, l.hasKNN200 = true, true
			out = append(out, l.rows()...)
			continue
		}
		if _, legacy := keys["probe"]; legacy {
			var v variantLine
			if err := json.Unmarshal(item, &v); err != nil {
				return nil, fmt.Errorf("rows[%d]: %w", i, err)
			}
			out = append(out, v.row())
			continue
		}
		var r Row
		if err := json.Unmarshal(item, &r); err != nil {
			return nil, fmt.Errorf("rows[%d]: %w", i, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// variantLine is a term variant's result as the notebooks wrote it before they recorded Rows.
type variantLine struct {
	Name    string               `json:"name"`
	Seed    int64                `json:"seed"`
	Steps   int64                `json:"steps"`
	Losses  *history.History     `json:"losses"`
	Probe   mvmr.ProbeEvaluation `json:"probe"`
	Stopped string               `json:"stopped"`
}

func (v variantLine) row() Row {
	return Row{Run: v.Name, History: v.Losses, Stopped: v.Stopped, Result: mvmr.Result{
		Protocol: mvmr.ProtocolLinear, Features: "h", Step: v.Steps, TrainSeed: v.Seed, Top1: v.Probe.Top1, Top5: v.Probe.Top5,
		Metrics: map[string]float64{"train_top1": v.Probe.TrainTop1, "dim": float64(v.Probe.Dim)}, Seconds: v.Probe.Seconds}}
}
