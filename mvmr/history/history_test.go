package history

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestAppendSeriesAndMissingValues(t *testing.T) {
	h := New()
	if err := h.AppendOrdered(0, []string{"mse", "std"}, []float64{1, 2}); err != nil {
		t.Fatal(err)
	}
	if err := h.Append(1, map[string]float64{"mse": 3, "lr": 0.1}); err != nil {
		t.Fatal(err)
	}
	if err := h.Append(1, map[string]float64{"mse": 4}); err == nil {
		t.Error("a repeated step was accepted")
	}
	if got := h.Names(); !slices.Equal(got, []string{"mse", "std", "lr"}) {
		t.Errorf("Names() = %v", got)
	}
	if got := h.Series("mse"); !slices.Equal(got, []float64{1, 3}) {
		t.Errorf("mse = %v", got)
	}
	std := h.Series("std")
	if std[0] != 2 || !math.IsNaN(std[1]) {
		t.Errorf("std = %v, want [2 NaN]", std)
	}
	if lr := h.Series("lr"); !math.IsNaN(lr[0]) || lr[1] != 0.1 {
		t.Errorf("lr = %v, want [NaN 0.1]", lr)
	}
	if v, ok := h.Last("std"); !ok || v != 2 {
		t.Errorf("Last(std) = %v, %v; want the last non-missing value 2", v, ok)
	}
	if h.Series("nope") != nil {
		t.Error("Series of an unknown name should be nil")
	}
}

func TestJSONRoundTripAndTruncate(t *testing.T) {
	h := New()
	for s := range int64(5) {
		h.AppendOrdered(s, []string{"total", "dcor/image"}, []float64{float64(s) / 2, math.NaN()})
	}
	raw, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	var back History
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Steps(), h.Steps()) || !slices.Equal(back.Names(), h.Names()) ||
		!slices.Equal(back.Series("total"), h.Series("total")) || !math.IsNaN(back.Series("dcor/image")[3]) {
		t.Errorf("round trip: %s", raw)
	}
	back.Truncate(2)
	if back.Len() != 3 || len(back.Series("total")) != 3 {
		t.Errorf("Truncate(2) kept %d steps", back.Len())
	}
	for _, bad := range []string{
		`{"steps": [0, 1], "names": ["a"], "values": {"a": [1]}}`,
		`{"steps": [1, 0], "names": [], "values": {}}`,
		`{"steps": [0], "names": ["a"], "values": {"a": [1], "b": [2]}}`,
	} {
		var h History
		if err := json.Unmarshal([]byte(bad), &h); err == nil {
			t.Errorf("accepted inconsistent history %s", bad)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	h := New()
	h.AppendOrdered(3, []string{"mse", "lr"}, []float64{0.5, math.NaN()})
	h.AppendOrdered(4, []string{"mse", "lr"}, []float64{0.25, 1e-3})
	var buf bytes.Buffer
	if err := h.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	want := "step,mse,lr\n3,0.5,\n4,0.25,0.001\n"
	if got := buf.String(); got != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", got, want)
	}
	if strings.Count(buf.String(), "\n") != 3 {
		t.Error("one header and one row per step expected")
	}
}
