package main

import (
	"bytes"
	"encoding/csv"
	"math"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

func TestDistillSeedsRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"distill-seeds"}, "-teacher KIND:PATH"},
		{[]string{"distill-seeds", "-teacher", "npy:t.npy", "-seeds", "1,x"}, `-seeds: "x" is not an integer`},
		{[]string{"distill-seeds", "-teacher", "clip:model.pt"}, `teacher "clip:model.pt": expected KIND:PATH`},
		{[]string{"distill-seeds", "-teacher", "npy:t.npy", "-reps", "image,nope"}, `-reps[1] = "nope": expected one of `},
	} {
		code, _, errOut := runCLI(tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 saying %q", tc.args, code, errOut, tc.want)
		}
	}
}

func TestDistillSeedsCSVMeanAndSampleStd(t *testing.T) {
	run := func(variant string, seed int64, seconds, top1, top5, knn20 float64) []runs.Row {
		linear := runs.Row{Run: variant, Teacher: "npy:t.npy", TrainSeconds: seconds,
			Result: mvmr.Result{Protocol: mvmr.ProtocolLinear, TrainSeed: seed, Top1: top1, Top5: top5}}
		if math.IsNaN(knn20) {
			return []runs.Row{linear}
		}
		knn := linear
		knn.Result = mvmr.Result{Protocol: mvmr.ProtocolKNN, Variant: "k=20", TrainSeed: seed, Top1: knn20}
		return []runs.Row{linear, knn}
	}
	var rows []runs.Row
	rows = append(rows, run("a", 1, 10, 0.96, 0.99, 0.95)...)
	rows = append(rows, run("b", 1, 20, 0.90, 0.98, math.NaN())...)
	rows = append(rows, run("a", 2, 14, 0.98, 0.99, 0.97)...)
	var buf bytes.Buffer
	reps := map[string]string{"a": "image,std", "b": "teacher"}
	if err := writeDistillSeedsCSV(&buf, rows, true, "8-16-32/128-128", reps, 300, 256); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// header, 3 runs, then mean and std for a and for b.
	if len(recs) != 8 || strings.Join(recs[0], ",") != strings.Join(distillSeedsHeader, ",") {
		t.Fatalf("got %d records, header %v", len(recs), recs[0])
	}
	get := func(variant, seed string) []string {
		for _, r := range recs[1:] {
			if r[0] == variant && r[1] == seed {
				return r
			}
		}
		t.Fatalf("no line %s/%s in %v", variant, seed, recs)
		return nil
	}
	// a: top-1 0.96 and 0.98 → mean 0.97, sample std 0.02/√2 = 0.0141.
	if m, s := get("a", "mean"), get("a", "std"); m[8] != "0.9700" || s[8] != "0.0141" || m[10] != "0.9600" || m[7] != "12.0" {
		t.Errorf("a mean %v std %v; want top-1 0.9700 ± 0.0141, kNN mean 0.9600, seconds 12.0", m, s)
	}
	// b: one seed → std 0; a missing kNN stays empty; the scratch variant name is not special here.
	if s := get("b", "std"); s[8] != "0.0000" || s[10] != "" || s[3] != "npy:t.npy" || s[4] != "teacher" {
		t.Errorf("b std line %v", s)
	}
	if r := get("a", "1"); r[5] != "300" || r[6] != "256" || r[4] != "image,std" {
		t.Errorf("a seed 1 line %v", r)
	}
}
