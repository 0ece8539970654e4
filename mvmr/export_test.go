package mvmr

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

func TestExportArrays(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "emb")
	h := []float32{1, 2, 3, 4, 5, 6}
	z := []float32{-1, -2, -3}
	paths, err := ExportArrays(dir, h, 2, z, 1, []int32{7, 0, 999}) // 999: an ImageNet-1k class
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 4 {
		t.Fatalf("wrote %v", paths)
	}
	m, err := npy.ReadFile(filepath.Join(dir, ExportH))
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != 3 || m.Cols != 2 || m.Data[5] != 6 {
		t.Errorf("h.npy: %dx%d %v", m.Rows, m.Cols, m.Data)
	}
	raw, err := os.ReadFile(filepath.Join(dir, ExportLabels))
	if err != nil {
		t.Fatal(err)
	}
	// The 64-byte-aligned header, then three little-endian int64.
	if len(raw) != 128+24 || !strings.Contains(string(raw[:128]), "'descr': '<i8'") ||
		binary.LittleEndian.Uint64(raw[128:]) != 7 || binary.LittleEndian.Uint64(raw[136:]) != 0 ||
		binary.LittleEndian.Uint64(raw[144:]) != 999 {
		t.Errorf("labels.npy: %d bytes, header %q, body % x", len(raw), raw[:min(128, len(raw))], raw[min(128, len(raw)):])
	}
	if _, err := ExportArrays(dir, h, 3, z, 1, []int32{7, 0, 9}); err == nil {
		t.Error("6 h values accepted as 3 rows of 3")
	}
}
