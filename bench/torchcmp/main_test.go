package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlotWritesFigureAndTable(t *testing.T) {
	dir := t.TempDir()
	header := strings.Join(curveColumns, ",") + "\n"
	kit := filepath.Join(dir, "kit.csv")
	torch := filepath.Join(dir, "torch.csv")
	older := strings.Join(curveColumns[:len(curveColumns)-1], ",") + "\n" // a CSV from before the whitened kNN column
	os.WriteFile(kit, []byte(header+"kit,1,0,0.0000,0.9681,0.9600,0.9500,30,0.9700\nkit,1,300,110.5,0.9845,0.9736,0.9650,40,0.9801\n"), 0o644)
	os.WriteFile(torch, []byte(older+"pytorch,1,0,0.0000,0.9670,0.9590,0.9490,20\npytorch,1,250,120.0,0.9830,0.9720,0.9600,25\n"), 0o644)
	png, md := filepath.Join(dir, "c.png"), filepath.Join(dir, "c.md")
	if err := run([]string{"plot", "-png", png, "-md", md, kit, torch}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(png); err != nil || info.Size() < 1000 {
		t.Errorf("PNG: %v, %v", info, err)
	}
	table, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| kit (Go) | 1 | 1.84 | 300 | 98.45 | 97.36 | 96.50 | 98.01 |", "| PyTorch | 1 | 2.00 | 250 | 98.30 | 97.20 | 96.00 | – |"} {
		if !strings.Contains(string(table), want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("framework,seed\nkit,1\n"), 0o644)
	if err := run([]string{"plot", "-png", png, "-md", md, bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "expected the header") {
		t.Errorf("a CSV with another header: %v", err)
	}
	os.WriteFile(bad, []byte(header+"kit,1,0,x,0.9,0.9,0.9,1,0.9\n"), 0o644)
	if err := run([]string{"plot", "-png", png, "-md", md, bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "train_seconds") {
		t.Errorf("a CSV with a bad number: %v", err)
	}
}

// TestStepMatchesPyTorch is the end-to-end check that the kit implements the method it claims: one
// quickstart step's loss terms and gradient, recomputed in PyTorch from the kit's weights and batch
// (bench/torch_quickstart.py --check: terms within 1e-4, gradients within 2e-2 in relative L2 norm).
// It needs Debian's python3-torch and numpy, and is skipped without them.
func TestStepMatchesPyTorch(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import torch, numpy").Run(); err != nil {
		t.Skipf("%s with torch and numpy is not available (%v): apt-get install python3-torch", python, err)
	}
	dir := t.TempDir()
	if err := run([]string{"step", "-out", dir, "-batch", "64", "-seed", "1"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, filepath.Join("..", "torch_quickstart.py"), "--check", dir, "--threads", "2").CombinedOutput()
	if err != nil {
		t.Fatalf("torch_quickstart.py --check: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "loss terms within 0.0001: yes") {
		t.Errorf("the check did not pass:\n%s", out)
	}
}
