package notebooks

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

func TestWriteTraceEnds(t *testing.T) {
	trace := func(initial bool, values ...float64) *history.History {
		h := history.New()
		step := int64(0)
		if initial {
			step = history.InitialStep
		}
		for _, v := range values {
			if err := h.Append(step, map[string]float64{history.DCorDiag("hog"): v, "mse": 1}); err != nil {
				t.Fatal(err)
			}
			step += 5
		}
		return h
	}
	var b bytes.Buffer
	all := VariantResult{Run: "all: image+hog", History: trace(true, 0.40, 0.55, 0.71)}
	none := VariantResult{Run: "none", History: trace(true, 0.40, 0.45, 0.52)}
	if err := WriteTraceEnds(&b, all, none); err != nil {
		t.Fatal(err)
	}
	want := "0.400 → 0.710 (+0.310) | 0.400 → 0.520 (+0.120)"
	if !strings.Contains(b.String(), want) || strings.Contains(b.String(), "mse") {
		t.Errorf("WriteTraceEnds:\n%s\nwant a HOG line with %q and no loss term", b.String(), want)
	}
	// A history from before the monitors recorded step 0 says so.
	b.Reset()
	if err := WriteTraceEnds(&b, VariantResult{Run: "old", History: trace(false, 0.5, 0.6)}, none); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "(no step-0 record) → 0.600") {
		t.Errorf("old history: %s", b.String())
	}
	if err := WriteTraceEnds(&b, VariantResult{Run: "x"}, none); err == nil {
		t.Error("no error for a result without history")
	}
}
