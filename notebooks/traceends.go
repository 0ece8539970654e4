package notebooks

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

// WriteTraceEnds prints, for each dCor diagnostic of run (history.DCorDiag series), its value
// before training (step 0: the record at history.InitialStep) and at the run's last record, in
// run and in compare (the run without L3 terms), and says from those numbers whether each run
// moved away from its start: what the dCor traces figure shows, as numbers. A history written
// before the monitors recorded step 0 says so instead of a step-0 value.
func WriteTraceEnds(w io.Writer, run, compare VariantResult) error {
	if run.History == nil || compare.History == nil {
		return fmt.Errorf("notebooks: WriteTraceEnds: %q or %q holds no training history", run.Run, compare.Run)
	}
	fmt.Fprintf(w, "dCor(z, representation): step 0 → end, %s | %s\n", run.Run, compare.Run)
	for _, name := range run.History.Names() {
		if !strings.HasPrefix(name, history.DCorDiagPrefix) {
			continue
		}
		a0, a1 := traceEnds(run.History, name)
		b0, b1 := traceEnds(compare.History, name)
		fmt.Fprintf(w, "  %-22s %s | %s\n", plotting.TermLabel(name), endsText(a0, a1), endsText(b0, b1))
	}
	return nil
}

// traceEnds returns a series' value before training (NaN when the history has no such record)
// and its last value.
func traceEnds(h *history.History, name string) (start, end float64) {
	start = math.NaN()
	if steps := h.Steps(); len(steps) > 0 && steps[0] == history.InitialStep {
		start = h.Series(name)[0]
	}
	end, _ = h.Last(name)
	return start, end
}

// endsText prints a trace's start and end and the change between them.
func endsText(start, end float64) string {
	switch {
	case math.IsNaN(end):
		return "not monitored"
	case math.IsNaN(start):
		return fmt.Sprintf("(no step-0 record) → %.3f", end)
	}
	return fmt.Sprintf("%.3f → %.3f (%+.3f)", start, end, end-start)
}
