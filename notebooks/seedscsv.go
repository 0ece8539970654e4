package notebooks

import (
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strconv"
)

// ReadSeedsCSV reads a table of runs with one row per variant and seed, such as
// data/distillation_seeds.csv that `mvmr distill-seeds` writes, into results that CompareVariants
// and WriteComparisons read: Run from the "variant" column, TrainSeed from "seed" and Top1 from
// the column named top1 (a fraction, e.g. "linear_top1"). Summary rows (a seed that is not a
// number: "mean", "std") are skipped.
func ReadSeedsCSV(path, top1 string) ([]VariantResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("seeds table: %w", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("seeds table %s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("seeds table %s is empty; expected a header row", path)
	}
	column := func(name string) (int, error) {
		if i := slices.Index(rows[0], name); i >= 0 {
			return i, nil
		}
		return 0, fmt.Errorf("seeds table %s: no column %q (columns %v)", path, name, rows[0])
	}
	iVariant, err := column("variant")
	if err != nil {
		return nil, err
	}
	iSeed, err := column("seed")
	if err != nil {
		return nil, err
	}
	iTop1, err := column(top1)
	if err != nil {
		return nil, err
	}
	var out []VariantResult
	for line, row := range rows[1:] {
		seed, err := strconv.ParseInt(row[iSeed], 10, 64)
		if err != nil {
			continue // a summary row: mean, std
		}
		v, err := strconv.ParseFloat(row[iTop1], 64)
		if err != nil || v < 0 || v > 1 {
			return nil, fmt.Errorf("seeds table %s, line %d: %s = %q; expected a fraction in [0, 1]", path, line+2, top1, row[iTop1])
		}
		out = append(out, VariantResult{Run: row[iVariant], TrainSeed: seed, Top1: v})
	}
	return out, nil
}
