package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// mvmr export writes the ONNX model (flags after the output path too) and the .npy arrays, and
// refuses a bad format or a missing checkpoint.
func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	tinyCheckpoint(t, dir, 64, 16, 1)
	onnxPath := filepath.Join(dir, "encoder.onnx")
	code, stdout, stderr := runCLI("export", onnxPath, "-checkpoint", dir, "-z")
	if code != 0 {
		t.Fatalf("export onnx: exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{"wrote " + onnxPath, "step 1 encoder", "(N, 1, 28, 28)", "mean [0.1307] std [0.3081]", "outputs h (N, 392), z (N, 16)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("export onnx output lacks %q:\n%s", want, stdout)
		}
	}
	if info, err := os.Stat(onnxPath); err != nil || info.Size() < 4*392*8 {
		t.Errorf("%s: %v, %v", onnxPath, info, err)
	}
	npyDir := filepath.Join(dir, "npy")
	code, stdout, stderr = runCLI("export", "-checkpoint", dir, "-format", "npy", "-split", "test", npyDir)
	if code != 0 || !strings.Contains(stdout, "10000 images of mnist/test") {
		t.Fatalf("export npy: exit %d, stdout %s, stderr %s", code, stdout, stderr)
	}
	h, err := npy.ReadFile(filepath.Join(npyDir, mvmr.ExportH))
	if err != nil || h.Rows != 10000 || h.Cols != 392 {
		t.Errorf("h.npy: %v, %v", h, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "-checkpoint", dir, "-format", "tflite", onnxPath}, `-format = "tflite"; expected onnx or npy`},
		{[]string{"export", onnxPath}, "-checkpoint is required"},
		{[]string{"export", "-checkpoint", filepath.Join(dir, "absent"), onnxPath}, "absent"},
		{[]string{"export", "-checkpoint", dir}, "expected one output path"},
	} {
		code, _, errOut := runCLI(tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("mvmr %v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}
