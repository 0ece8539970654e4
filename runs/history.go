package runs

import (
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// LoadHistory returns the loss components per step of the run in folder dir: its history.csv
// once the run has finished, else the History of its latest readable checkpoint (checkpoint.mvmr,
// then checkpoint.prev.mvmr), for a run still going on. The error names every file tried.
func LoadHistory(dir string) (*history.History, error) {
	if Finished(dir) {
		return ReadHistoryCSV(filepath.Join(dir, FileHistory))
	}
	var problems []error
	for _, name := range []string{FileCheckpoint, FilePrevCheckpoint} {
		h, _, err := mvmr.ReadCheckpointHistory(filepath.Join(dir, name))
		if err == nil {
			return h, nil
		}
		problems = append(problems, err)
	}
	return nil, fmt.Errorf("runs: %s: no history yet: %w", dir, errors.Join(problems...))
}

// ReadHistoryCSV reads a run folder's history.csv (History.WriteCSV: a header "step,<name>,..."
// and one row per step, empty cells for missing values). A malformed cell is an error naming
// the file, the line and the column.
func ReadHistoryCSV(path string) (*history.History, error) {
	records, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	if len(records) == 0 || len(records[0]) == 0 || records[0][0] != "step" {
		return nil, fmt.Errorf("runs: %s: expected a header starting with \"step\"", path)
	}
	names := records[0][1:]
	h := history.New()
	for i, rec := range records[1:] {
		step, err := strconv.ParseInt(rec[0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("runs: %s line %d: step %q: expected an integer", path, i+2, rec[0])
		}
		values := make([]float64, len(names))
		for k := range names {
			values[k] = math.NaN()
			if cell := rec[k+1]; cell != "" {
				if values[k], err = strconv.ParseFloat(cell, 64); err != nil {
					return nil, fmt.Errorf("runs: %s line %d: %s = %q: expected a number", path, i+2, names[k], cell)
				}
			}
		}
		if err := h.AppendOrdered(step, names, values); err != nil {
			return nil, fmt.Errorf("runs: %s line %d: %w", path, i+2, err)
		}
	}
	return h, nil
}

// readCSV reads every record of the CSV file at path; errors name the file.
func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("runs: %s: %w", path, err)
	}
	return records, nil
}
