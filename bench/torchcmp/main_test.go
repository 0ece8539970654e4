package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlotWritesFigureAndTable(t *testing.T) {
	dir := t.TempDir()
	header := strings.Join(curveColumns, ",") + "\n"
	kit := filepath.Join(dir, "kit.csv")
	torch := filepath.Join(dir, "torch.csv")
	os.WriteFile(kit, []byte(header+"kit,1,0,0.0000,0.9681,0.9600,0.9500,30\nkit,1,300,110.5,0.9845,0.9736,0.9650,40\n"), 0o644)
	os.WriteFile(torch, []byte(header+"pytorch,1,0,0.0000,0.9670,0.9590,0.9490,20\npytorch,1,250,120.0,0.9830,0.9720,0.9600,25\n"), 0o644)
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
	for _, want := range []string{"| kit (Go) | 1 | 1.84 | 300 | 98.45 | 97.36 | 96.50 |", "| PyTorch | 1 | 2.00 | 250 | 98.30 | 97.20 | 96.00 |"} {
		if !strings.Contains(string(table), want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("framework,seed\nkit,1\n"), 0o644)
	if err := run([]string{"plot", "-png", png, "-md", md, bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "expected the header") {
		t.Errorf("a CSV with another header: %v", err)
	}
	os.WriteFile(bad, []byte(header+"kit,1,0,x,0.9,0.9,0.9,1\n"), 0o644)
	if err := run([]string{"plot", "-png", png, "-md", md, bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "train_seconds") {
		t.Errorf("a CSV with a bad number: %v", err)
	}
}
