package notebooks

import (
	"fmt"
	"io"

	"github.com/gomlx/compute"

	"github.com/mvmr-ssl/mvmr-go/plotting"
)

// ToyGrid is every relation of ToyRelations at several noise levels, measured: Pairs[i][j] is
// relation i with Gaussian noise of standard deviation Noises[j] on y.
type ToyGrid struct {
	Noises []float64
	Pairs  [][]ToyPair
}

// MeasureToyGrid draws n points of every relation at each noise level (the same seed for every
// cell, so that a row differs only by its noise) and measures Pearson's r and dCor of each with
// Measure (dCor through the loss's graph).
func MeasureToyGrid(backend compute.Backend, n int, noises []float64, seed uint64) (ToyGrid, error) {
	if len(noises) == 0 {
		return ToyGrid{}, fmt.Errorf("toy grid: no noise levels")
	}
	g := ToyGrid{Noises: noises, Pairs: make([][]ToyPair, len(ToyRelations))}
	for i, r := range ToyRelations {
		for _, noise := range noises {
			p, err := ToyPairOf(r.Name, n, noise, seed)
			if err != nil {
				return ToyGrid{}, err
			}
			g.Pairs[i] = append(g.Pairs[i], p)
		}
		if err := Measure(backend, g.Pairs[i]); err != nil {
			return ToyGrid{}, err
		}
	}
	return g, nil
}

// Write prints the grid as a table: one row per relation, Pearson's r and dCor at each noise level.
func (g ToyGrid) Write(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "%-12s", "noise σ"); err != nil {
		return err
	}
	for _, noise := range g.Noises {
		fmt.Fprintf(w, " | %-16s", fmt.Sprintf("%.2f: r, dCor", noise))
	}
	fmt.Fprintln(w)
	for _, row := range g.Pairs {
		fmt.Fprintf(w, "%-12s", row[0].Name)
		for _, p := range row {
			fmt.Fprintf(w, " | %+.2f, %.2f      ", p.Pearson, p.DCor)
		}
		if _, err := fmt.Fprintln(w); err != nil {
			return err
		}
	}
	return nil
}

// Figure draws the grid as small multiples (plotting.DependenceGrid), r and dCor under each panel.
func (g ToyGrid) Figure(title string) (*plotting.Panels, error) {
	panels := make([][]plotting.DependencePanel, len(g.Pairs))
	var rows []string
	for i, row := range g.Pairs {
		rows = append(rows, row[0].Name)
		for _, p := range row {
			panels[i] = append(panels[i], plotting.DependencePanel{Name: p.Name, X: p.X, Y: p.Y,
				Caption: fmt.Sprintf("r = %+.2f, dCor = %.2f", p.Pearson, p.DCor)})
		}
	}
	var cols []string
	for _, noise := range g.Noises {
		cols = append(cols, fmt.Sprintf("noise σ = %.2f", noise))
	}
	return plotting.DependenceGrid(panels, plotting.DependenceGridOptions{Title: title, RowNames: rows, ColNames: cols})
}
