package runs

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// Row is one result: one run evaluated with one protocol (and variant). It is an mvmr.Result
// (protocol, variant, data, step, seeds, accuracies, metrics) with the run's sweep labels and
// training summary; in JSON the Result's fields sit beside the run's. It is the one result type
// of the kit: runs.Run's results.jsonl, `mvmr report`, the quickstart, distill-demo and
// distill-seeds tables and the notebooks' term variants are all rows; their files are column
// layouts of rows (tables.go).
type Row struct {
	// Sweep is the sweep's name (empty for a lone run).
	Sweep string `json:"sweep,omitempty"`
	// Run is the run id (the folder name).
	Run string `json:"run"`
	// Axes are the sweep axis values of the run, by key.
	Axes map[string]string `json:"axes,omitempty"`
	// Representations are the L3 representations (names joined by "+", or "none"), L3Mode
	// their default mode.
	Representations string `json:"representations"`
	L3Mode          string `json:"l3_mode"`
	// FinalLoss holds every loss component at the last step; one that is not finite there (a
	// logged-only term of weight 0 can be NaN) is left out.
	FinalLoss map[string]float64 `json:"final_loss"`
	// TrainSeconds is the training wall time of the whole run, the processes before a resume
	// included (mvmr.Trainer.TrainTime).
	TrainSeconds float64 `json:"train_seconds"`
	// Encoder is the encoder spec CHANNELS/PROJECTOR and Teacher the distillation teacher's
	// KIND:PATH or "none (MV-MR)", where a table shows them (distill-demo, distill-seeds).
	Encoder string `json:"encoder,omitempty"`
	Teacher string `json:"teacher,omitempty"`
	// BackboneParams and TotalParams are the encoder's trainable parameters
	// (mvmr.Trainer.ParameterCount), where a table shows them.
	BackboneParams int `json:"backbone_params,omitempty"`
	TotalParams    int `json:"total_params,omitempty"`
	// Stopped, when not empty, says why training stopped before its last step (a loss that
	// turned non-finite, Job.KeepNonFinite): the encoder was evaluated as it stood.
	Stopped string `json:"stopped,omitempty"`
	// History is the training history (every loss term and monitor series), when the job kept
	// it (Job.KeepHistory: the notebooks' term variants plot it).
	History *history.History `json:"history,omitempty"`
	mvmr.Result
}

// Dim is the size of the evaluated features (the "dim" metric of the linear and kNN
// protocols; 0 when the row has none).
func (r Row) Dim() int { return int(r.Metrics["dim"]) }

// ProtocolLabel is the protocol with its variant, as "linear" or "knn k=20".
func (r Row) ProtocolLabel() string {
	if r.Variant == "" {
		return r.Protocol
	}
	return r.Protocol + " " + r.Variant
}

// writeRows writes rows as JSON lines.
// finalLoss returns the named components of h at its last step, leaving out those that are not
// finite there (JSON has no NaN or Inf).
func finalLoss(h *history.History, names []string) map[string]float64 {
	final := map[string]float64{}
	if h.Len() == 0 {
		return final
	}
	for _, name := range names {
		if s := h.Series(name); s != nil {
			if v := s[len(s)-1]; !math.IsNaN(v) && !math.IsInf(v, 0) {
				final[name] = v
			}
		}
	}
	return final
}

func writeRows(w io.Writer, rows []Row) error {
	enc := json.NewEncoder(w)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// ReadRows reads a results.jsonl file; a bad line is an error naming the file and line.
func ReadRows(path string) ([]Row, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	var rows []Row
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var r Row
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("runs: %s line %d: %w", path, n, err)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

// CollectRows gathers the result rows under each path: a run folder (with status.json and,
// once finished, results.jsonl), a results.jsonl file, or a sweep folder whose run folders are
// its sub-folders. Rows of the same
// (sweep, run, protocol) found twice are kept once. Sub-folders without results (unfinished
// runs) are counted in missing.
func CollectRows(paths ...string) (rows []Row, missing []string, err error) {
	seen := map[string]bool{}
	add := func(file string) error {
		rs, err := ReadRows(file)
		if err != nil {
			return err
		}
		for _, r := range rs {
			key := r.Sweep + "\x00" + r.Run + "\x00" + r.Protocol + "\x00" + r.Variant
			if !seen[key] {
				seen[key] = true
				rows = append(rows, r)
			}
		}
		return nil
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("runs: %w", err)
		}
		if !info.IsDir() {
			if err := add(p); err != nil {
				return nil, nil, err
			}
			continue
		}
		if _, err := os.Stat(filepath.Join(p, FileStatus)); err == nil {
			// A run folder (a sweep folder's merged results.jsonl is not read: its runs are).
			if _, err := os.Stat(filepath.Join(p, FileResults)); err != nil {
				missing = append(missing, p)
				continue
			}
			if err := add(filepath.Join(p, FileResults)); err != nil {
				return nil, nil, err
			}
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, nil, fmt.Errorf("runs: %w", err)
		}
		found := false
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			file := filepath.Join(p, e.Name(), FileResults)
			if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
				if _, cfgErr := os.Stat(filepath.Join(p, e.Name(), FileConfig)); cfgErr == nil {
					missing = append(missing, filepath.Join(p, e.Name()))
				}
				continue
			}
			found = true
			if err := add(file); err != nil {
				return nil, nil, err
			}
		}
		if !found && len(missing) == 0 {
			return nil, nil, fmt.Errorf("runs: %s holds no %s, neither directly nor in a sub-folder", p, FileResults)
		}
	}
	return rows, missing, nil
}

// keysOf returns the union of the keys of field(row) over rows, sorted: the axis keys, metric
// names or loss names that become columns.
func keysOf[V any](rows []Row, field func(Row) map[string]V) []string {
	var keys []string
	for _, r := range rows {
		for k := range field(r) {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return keys
}

func axisKeys(rows []Row) []string {
	return keysOf(rows, func(r Row) map[string]string { return r.Axes })
}
func metricKeys(rows []Row) []string {
	return keysOf(rows, func(r Row) map[string]float64 { return r.Metrics })
}
func lossKeys(rows []Row) []string {
	return keysOf(rows, func(r Row) map[string]float64 { return r.FinalLoss })
}

// WriteJSONL writes the rows as JSON lines.
func WriteJSONL(w io.Writer, rows []Row) error { return writeRows(w, rows) }

// WriteCSV writes one line per row: sweep, run, the axes, the result (protocol, variant,
// accuracies in %, data, step, seeds), the metrics, and every final loss component.
func WriteCSV(w io.Writer, rows []Row) error {
	axes, metrics, losses := axisKeys(rows), metricKeys(rows), lossKeys(rows)
	cw := csv.NewWriter(w)
	header := []string{"sweep", "run"}
	for _, k := range axes {
		header = append(header, "axis/"+k)
	}
	header = append(header, "protocol", "variant", "top1", "top5", "dataset", "step", "train_seed", "eval_seed", "representations", "l3_mode")
	for _, k := range metrics {
		header = append(header, "metric/"+k)
	}
	for _, k := range losses {
		header = append(header, "loss/"+k)
	}
	header = append(header, "train_seconds", "eval_seconds")
	if err := cw.Write(header); err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	cell := func(m map[string]float64, k string) string {
		if v, ok := m[k]; ok {
			return f(v)
		}
		return ""
	}
	for _, r := range rows {
		line := []string{r.Sweep, r.Run}
		for _, k := range axes {
			line = append(line, r.Axes[k])
		}
		line = append(line, r.Protocol, r.Variant, f(100*r.Top1), f(100*r.Top5), r.Dataset, strconv.FormatInt(r.Step, 10),
			strconv.FormatInt(r.TrainSeed, 10), strconv.FormatInt(r.EvalSeed, 10), r.Representations, r.L3Mode)
		for _, k := range metrics {
			line = append(line, cell(r.Metrics, k))
		}
		for _, k := range losses {
			line = append(line, cell(r.FinalLoss, k))
		}
		line = append(line, f(r.TrainSeconds), f(r.Seconds))
		if err := cw.Write(line); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// tableColumns returns the header and cells of the human-readable table: the axes (or the run
// id when there are none), protocol, top-1 and top-5 in %, steps, the final total loss and the
// training wall time in seconds (the processes before a resume included).
func tableColumns(rows []Row) ([]string, [][]string) {
	axes := axisKeys(rows)
	header := append([]string{}, axes...)
	if len(axes) == 0 {
		header = append(header, "run", "representations")
	}
	header = append(header, "protocol", "top-1 %", "top-5 %", "steps", "total loss", "training s")
	var cells [][]string
	for _, r := range rows {
		var line []string
		for _, k := range axes {
			line = append(line, r.Axes[k])
		}
		if len(axes) == 0 {
			line = append(line, r.Run, r.Representations)
		}
		total := ""
		if v, ok := r.FinalLoss[mvmr.TermTotal]; ok {
			total = strconv.FormatFloat(v, 'f', 4, 64)
		}
		seconds := ""
		if r.TrainSeconds > 0 {
			seconds = strconv.FormatFloat(r.TrainSeconds, 'f', 0, 64)
		}
		line = append(line, r.ProtocolLabel(), fmt.Sprintf("%.2f", 100*r.Top1), fmt.Sprintf("%.2f", 100*r.Top5),
			strconv.FormatInt(r.Step, 10), total, seconds)
		cells = append(cells, line)
	}
	return header, cells
}

// WriteMarkdown writes the rows as a markdown table.
func WriteMarkdown(w io.Writer, rows []Row) error {
	header, cells := tableColumns(rows)
	var b strings.Builder
	b.WriteString("| " + strings.Join(header, " | ") + " |\n|")
	for range header {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, line := range cells {
		b.WriteString("| " + strings.Join(line, " | ") + " |\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteHTML writes the rows as a standalone HTML page with one table.
func WriteHTML(w io.Writer, title string, rows []Row) error {
	header, cells := tableColumns(rows)
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>\n", html.EscapeString(title))
	b.WriteString("<style>table{border-collapse:collapse;font-family:sans-serif}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}</style></head><body>\n")
	fmt.Fprintf(&b, "<h1>%s</h1>\n<table>\n<tr>", html.EscapeString(title))
	for _, h := range header {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(h))
	}
	b.WriteString("</tr>\n")
	for _, line := range cells {
		b.WriteString("<tr>")
		for _, c := range line {
			fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(c))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
