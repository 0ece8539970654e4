package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

func writeNpy(t *testing.T, dir, name string, rows, cols int, fill func(i, j int) float64, f64 bool) string {
	t.Helper()
	data := make([]float64, rows*cols)
	for i := range rows {
		for j := range cols {
			data[i*cols+j] = fill(i, j)
		}
	}
	path := filepath.Join(dir, name)
	var buf bytes.Buffer
	if err := npy.Write(&buf, data, rows, cols, f64); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestDCorCommand(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 50*3)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	a := writeNpy(t, dir, "a.npy", 50, 3, func(i, j int) float64 { return x[i*3+j] }, false)
	// b = 2·a + 1 (an affine map): dCor = 1.
	b := writeNpy(t, dir, "b.npy", 50, 3, func(i, j int) float64 { return 2*float64(float32(x[i*3+j])) + 1 }, true)
	code, out, errOut := runCLI("dcor", a, b)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if v, ok := printedValues(out)["dcor"]; !ok || math.Abs(v-1) > 1e-6 {
		t.Errorf("dcor of an affine map printed %q, want 1", out)
	}
	if !strings.Contains(out, "official: the training loss's formula") {
		t.Errorf("the default dcor does not say it is the official formula: %q", out)
	}
	// An independent array gives a small value.
	c := writeNpy(t, dir, "c.npy", 50, 2, func(i, j int) float64 { return rng.NormFloat64() }, false)
	_, out, _ = runCLI("dcor", a, c)
	if v := printedValues(out)["dcor"]; !(v > 0 && v < 0.5) {
		t.Errorf("dcor of independent arrays printed %q, want a small positive value", out)
	}
}

// printedValues reads the "name value ..." lines of dcor and loss.
func printedValues(out string) map[string]float64 {
	values := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		if v, err := strconv.ParseFloat(f[1], 64); err == nil {
			values[f[0]] = v
		}
	}
	return values
}

// TestDCorEstimatorsPrintThePublishedValues runs dcor on the example of the Python dcor
// package's documentation, a = [[1,2,3,4],...,[13,14,15,16]], b = [[1],[0],[0],[1]].
func TestDCorEstimatorsPrintThePublishedValues(t *testing.T) {
	dir := t.TempDir()
	a := writeNpy(t, dir, "a.npy", 4, 4, func(i, j int) float64 { return float64(4*i + j + 1) }, true)
	b := writeNpy(t, dir, "b.npy", 4, 1, func(i, _ int) float64 { return []float64{1, 0, 0, 1}[i] }, true)
	for _, tc := range []struct {
		args []string
		want map[string]float64
	}{
		{[]string{"-estimator", "biased"}, map[string]float64{"dcor": 0.5266403, "dcor2": 0.2773500}},
		{[]string{"-estimator", "unbiased"}, map[string]float64{"u_dcor2": -0.5}},
	} {
		code, out, errOut := runCLI(append(append([]string{"dcor"}, tc.args...), a, b)...)
		if code != 0 {
			t.Fatalf("dcor %v: exit %d: %s", tc.args, code, errOut)
		}
		got := printedValues(out)
		for name, want := range tc.want {
			if v, ok := got[name]; !ok || math.Abs(v-want) > 1e-7 {
				t.Errorf("dcor %v: %s = %v (printed %q); want %v", tc.args, name, v, out, want)
			}
		}
	}
}

func TestDCorPartialAndPermutationTest(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 60
	z, x, e, w := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range z {
		z[i], x[i], e[i], w[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
	}
	// y depends on x (not linearly) and on z; w on nothing.
	zPath := writeNpy(t, dir, "z.npy", n, 1, func(i, _ int) float64 { return z[i] }, true)
	xPath := writeNpy(t, dir, "x.npy", n, 1, func(i, _ int) float64 { return x[i] }, true)
	yPath := writeNpy(t, dir, "y.npy", n, 2, func(i, j int) float64 { return []float64{x[i]*x[i] + 0.1*e[i], z[i]}[j] }, true)
	wPath := writeNpy(t, dir, "w.npy", n, 1, func(i, _ int) float64 { return w[i] }, true)
	for _, tc := range []struct {
		args             []string
		stat             string
		lo, hi, pLo, pHi float64
	}{
		{[]string{"-estimator", "unbiased", "-test", "99", "-seed", "7", xPath, yPath}, "u_dcor2", 0.1, 1, 0.01, 0.01},
		{[]string{"-estimator", "biased", "-test", "99", xPath, wPath}, "dcor", 0, 0.5, 0.05, 1},
		{[]string{"-partial", zPath, "-test", "99", xPath, yPath}, "pdcor", 0.1, 1, 0.01, 0.01},
		{[]string{"-partial", zPath, "-test", "99", xPath, wPath}, "pdcor", -0.2, 0.2, 0.05, 1},
	} {
		code, out, errOut := runCLI(append([]string{"dcor"}, tc.args...)...)
		if code != 0 {
			t.Fatalf("dcor %v: exit %d: %s", tc.args, code, errOut)
		}
		got := printedValues(out)
		v, ok := got[tc.stat]
		if p := got["p_value"]; !ok || v < tc.lo || v > tc.hi || p < tc.pLo || p > tc.pHi {
			t.Errorf("dcor %v printed %q; want %s in [%g, %g] and p_value in [%g, %g]", tc.args, out, tc.stat, tc.lo, tc.hi, tc.pLo, tc.pHi)
		}
	}
}

func TestNonFiniteInputIsAnErrorNamingFileRowAndColumn(t *testing.T) {
	dir := t.TempDir()
	good := writeNpy(t, dir, "good.npy", 6, 3, func(i, j int) float64 { return float64(i*j + i) }, false)
	nan := writeNpy(t, dir, "nan.npy", 6, 3, func(i, j int) float64 {
		if i == 4 && j == 2 {
			return math.NaN()
		}
		return float64(i - j)
	}, false)
	inf := writeNpy(t, dir, "inf.npy", 6, 3, func(i, j int) float64 {
		if i == 1 && j == 0 {
			return math.Inf(1)
		}
		return float64(i + j)
	}, true)
	for _, args := range [][]string{
		{"dcor", good, nan}, {"dcor", "-estimator", "unbiased", nan, good}, {"dcor", "-partial", nan, good, good},
		{"loss", nan, good}, {"loss", good, inf},
	} {
		code, out, errOut := runCLI(args...)
		want := nan + ": row 4, column 2 is NaN; expected finite values"
		if slices.Contains(args, inf) {
			want = inf + ": row 1, column 0 is +Inf; expected finite values"
		}
		if code != 2 || !strings.Contains(errOut, want) || out != "" {
			t.Errorf("mvmr %v: exit %d, stdout %q, stderr %q; want exit 2, no output and %q", args, code, out, errOut, want)
		}
	}
}

func TestLossCommand(t *testing.T) {
	dir := t.TempDir()
	// z has per-column std exactly known: column j holds ±(j+1)/2 alternating, z~ = z + 0.1.
	const n, d = 8, 4
	zOrig := writeNpy(t, dir, "z.npy", n, d, func(i, j int) float64 { return float64(j+1) / 2 * float64(1-2*(i%2)) }, true)
	zAug := writeNpy(t, dir, "za.npy", n, d, func(i, j int) float64 { return float64(j+1)/2*float64(1-2*(i%2)) + 0.1 }, true)
	code, out, errOut := runCLI("loss", zOrig, zAug)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	values := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		v, _ := strconv.ParseFloat(f[1], 64)
		values[f[0]] = v
	}
	// mse = 0.01; unbiased std of column j = (j+1)/2·sqrt(n/(n-1)); hinge only for columns with
	// std < 1 (column 0), counted for z and z~: 2 · (1 − 0.5·sqrt(8/7)) / 4; dCor of a shift = 1.
	wantStd := 2 * (1 - 0.5*math.Sqrt(8.0/7)) / 4
	for name, want := range map[string]float64{"mse": 0.01, "std": wantStd, "dcor_zz": 0} {
		if math.Abs(values[name]-want) > 1e-6 {
			t.Errorf("%s = %g, want %g (output %q)", name, values[name], want, out)
		}
	}
}

func TestBadInputExitsWithStatus2(t *testing.T) {
	dir := t.TempDir()
	a := writeNpy(t, dir, "a.npy", 10, 3, func(i, j int) float64 { return float64(i + j) }, false)
	short := writeNpy(t, dir, "short.npy", 9, 3, func(i, j int) float64 { return float64(i * j) }, false)
	wide := writeNpy(t, dir, "wide.npy", 10, 4, func(i, j int) float64 { return float64(i - j) }, false)
	fortran := filepath.Join(dir, "fortran.npy")
	raw, _ := os.ReadFile(a)
	os.WriteFile(fortran, bytes.Replace(raw, []byte("'fortran_order': False"), []byte("'fortran_order': True "), 1), 0o644)
	ints := filepath.Join(dir, "ints.npy")
	os.WriteFile(ints, bytes.Replace(raw, []byte("'<f4'"), []byte("'<i4'"), 1), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"dcor", a, short}, "expected the same number of samples"},
		{[]string{"dcor", a, fortran}, "fortran_order is True"},
		{[]string{"dcor", a, ints}, `"<i4"`},
		{[]string{"dcor", a, filepath.Join(dir, "missing.npy")}, "missing.npy"},
		{[]string{"dcor", a}, "expected two .npy files"},
		{[]string{"dcor", "-estimator", "v", a, a}, `-estimator "v"; expected one of official, biased, unbiased`},
		{[]string{"dcor", "-test", "9", a, a}, "add -estimator biased or -estimator unbiased"},
		{[]string{"dcor", "-test", "0", "-estimator", "biased", a, a}, "-test 0; expected a number of permutations >= 1"},
		{[]string{"dcor", "-partial", a, "-estimator", "biased", a, a}, "-estimator biased does not apply"},
		{[]string{"dcor", "-partial", short, a, a}, "expected the same number of samples"},
		{[]string{"loss", a, wide}, "expected the same shape"},
		{[]string{"loss", "-margin", "x", a, a}, "invalid value"},
		{[]string{"loss", "-scale", "0", a, a}, "loss.dcor_scale = 0"},
		{[]string{"quickstart", "-steps", "0"}, "-steps = 0"},
		{[]string{"quickstart", "-batch", "1"}, "batch_size = 1: expected an integer >= 2"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
	} {
		code, _, errOut := runCLI(tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("mvmr %v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") > 0 && !strings.Contains(tc.want, "unknown command") && !strings.Contains(tc.want, "invalid value") {
			t.Errorf("mvmr %v: expected one error line, got %q", tc.args, errOut)
		}
	}
}

func TestRepCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join("..", "..", "mvmr", "reps", "testdata", "official", "rgb32_input.npy")
	out := filepath.Join(dir, "hog.npy")
	code, stdout, stderr := runCLI("rep", "-param", "nbins=9", "-param", "pool=4", "hog", in, out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, err := npy.ReadArrayFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := npy.ReadArrayFile(filepath.Join("..", "..", "mvmr", "reps", "testdata", "official", "rgb32_hog_n9_p4.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Shape) != fmt.Sprint(want.Shape) {
		t.Fatalf("shape %v, official %v (stdout %q)", got.Shape, want.Shape, stdout)
	}
	for i := range got.Data {
		if math.Abs(got.Data[i]-want.Data[i]) > 1e-5*math.Max(1, math.Abs(want.Data[i])) {
			t.Fatalf("value %d = %g, official HOGLayer %g", i, got.Data[i], want.Data[i])
		}
	}
	code, stdout, _ = runCLI("rep", "-list", "-shape", "96x96x3")
	if code != 0 || !strings.Contains(stdout, "hog") || !strings.Contains(stdout, "27648") {
		t.Errorf("rep -list: exit %d, %q", code, stdout)
	}
	// The teacher's row says what it needs, not an error.
	if !strings.Contains(stdout, mvmr.TeacherNeeds) || strings.Contains(stdout, "n/a") {
		t.Errorf("rep -list: the teacher row should read %q, without n/a: %q", mvmr.TeacherNeeds, stdout)
	}
	flat := writeNpy(t, dir, "flat.npy", 4, 10, func(i, j int) float64 { return float64(i + j) }, false)
	// Images holding a NaN are refused, naming the file and the (B, C, H, W) index.
	nanImages := filepath.Join(dir, "nan_images.npy")
	pixels := make([]float64, 3*8*8)
	pixels[(2*8+3)*8+4] = math.NaN()
	var buf bytes.Buffer
	if err := npy.WriteArray(&buf, pixels, []int{1, 3, 8, 8}, false); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(nanImages, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"rep", "nosuch", in, out}, `unknown representation "nosuch"`},
		{[]string{"rep", "-param", "bins=9", "hog", in, out}, `unknown parameter "bins"`},
		{[]string{"rep", "-param", "mode=fancy", "hog", in, out}, "mode = fancy"},
		{[]string{"rep", "hog", flat, out}, "expected (B, C, H, W)"},
		{[]string{"rep", "hog", nanImages, out}, "nan_images.npy (images, C-order index): value at index (0, 2, 3, 4) is NaN; expected a finite number"},
		{[]string{"rep", "augmented", in, out}, "fresh augmentation"},
		{[]string{"rep", "-list", "-shape", "28x28"}, "expected HxWxC"},
		{[]string{"rep", "hog", in}, "expected NAME IN.npy OUT.npy"},
	} {
		code, _, errOut := runCLI(tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("mvmr %v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestUsageListsEveryCommandOnce checks that usage prints each command of the table on one line,
// once, in the table's order, and that every command a user has known is still there.
func TestUsageListsEveryCommandOnce(t *testing.T) {
	code, out, _ := runCLI("help")
	if code != 0 {
		t.Fatalf("mvmr help: exit %d", code)
	}
	var listed []string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); strings.HasPrefix(line, "  ") && len(f) > 1 {
			listed = append(listed, f[0])
		}
	}
	var table []string
	for _, c := range commands {
		table = append(table, c.name)
	}
	if strings.Join(listed, " ") != strings.Join(table, " ") {
		t.Errorf("usage lists %v; want the table's %v", listed, table)
	}
	seen := map[string]int{}
	for _, name := range listed {
		seen[name]++
	}
	for _, name := range []string{"quickstart", "train", "sweep", "eval", "report", "notebook", "data",
		"distill", "distill-demo", "distill-seeds", "rep", "dcor", "loss", "bench"} {
		if seen[name] != 1 {
			t.Errorf("usage lists %q %d times; want once", name, seen[name])
		}
	}
	if len(seen) != len(listed) {
		t.Errorf("usage lists a command twice: %v", listed)
	}
	// Every listed command dispatches (asking for its help exits 0 or 2, never "unknown command").
	for _, name := range listed {
		_, _, errOut := runCLI(name, "-h")
		if strings.Contains(errOut, "unknown command") {
			t.Errorf("mvmr %s -h: %s", name, errOut)
		}
	}
}
