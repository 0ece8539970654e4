package npy

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	data := []float64{1, -2.5, 3.25, math.Pi, 0, 1e-7}
	for _, f64 := range []bool{false, true} {
		var buf bytes.Buffer
		if err := Write(&buf, data, 2, 3, f64); err != nil {
			t.Fatal(err)
		}
		if buf.Len() < 64 || (buf.Len()-len(data)*map[bool]int{false: 4, true: 8}[f64])%64 != 0 {
			t.Errorf("header not padded to 64 bytes: file is %d bytes", buf.Len())
		}
		m, err := Read(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if m.Rows != 2 || m.Cols != 3 {
			t.Fatalf("shape (%d, %d), want (2, 3)", m.Rows, m.Cols)
		}
		for i, v := range data {
			want := v
			if !f64 {
				want = float64(float32(v))
			}
			if m.Data[i] != want {
				t.Errorf("float64=%v: value %d = %g, want %g", f64, i, m.Data[i], want)
			}
		}
	}
}

// handMade builds a .npy file with the given version, header dict and data bytes.
func handMade(major byte, header string, data []byte) []byte {
	var buf bytes.Buffer
	buf.Write(magic)
	buf.Write([]byte{major, 0})
	header += "\n"
	if major == 1 {
		binary.Write(&buf, binary.LittleEndian, uint16(len(header)))
	} else {
		binary.Write(&buf, binary.LittleEndian, uint32(len(header)))
	}
	buf.WriteString(header)
	buf.Write(data)
	return buf.Bytes()
}

func TestArrayRoundTrip(t *testing.T) {
	data := make([]float64, 2*3*4*5)
	for i := range data {
		data[i] = float64(i) - 7.5
	}
	var buf bytes.Buffer
	if err := WriteArray(&buf, data, []int{2, 3, 4, 5}, false); err != nil {
		t.Fatal(err)
	}
	a, err := ReadArray(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Shape) != 4 || a.Shape[3] != 5 || a.Data[119] != 111.5 {
		t.Errorf("4-D round trip: shape %v, last %g", a.Shape, a.Data[119])
	}
	if _, err := a.Matrix(); err == nil {
		t.Error("a 4-D array converted to a matrix")
	}
}

func TestRejectsBadFiles(t *testing.T) {
	eight := make([]byte, 8*4)
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"version 2 ok", handMade(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", eight), ""},
		{"fortran", handMade(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 4), }", eight), "fortran_order is True"},
		{"int", handMade(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 4), }", eight), `dtype descr "<i4"`},
		{"big endian", handMade(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 4), }", eight), `">f4"`},
		{"1-D", handMade(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (8,), }", eight), "1 dimensions; expected 2"},
		{"truncated", handMade(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", eight), "needs 48 bytes, file holds 32"},
		{"truncated 4-D", handMade(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 3, 4), }", eight), "needs 48 bytes"},
		{"trailing", handMade(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", eight), "16 bytes after"},
		{"bad header", handMade(1, "{'descr': '<f4', 'shape': (2, 4), }", eight), "expected a dict"},
		{"bad magic", []byte("\x93NUMPX\x01\x00\x00\x00"), "magic string"},
		{"version 9", handMade(9, "{}", nil), "format version 9.0"},
		{"empty", nil, "too short"},
	} {
		m, err := Read(bytes.NewReader(tc.file))
		if tc.want == "" {
			if err != nil || m.Rows != 2 || m.Cols != 4 {
				t.Errorf("%s: %v, %v", tc.name, m, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	path := filepath.Join(t.TempDir(), "x.npy")
	os.WriteFile(path, handMade(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 4), }", eight), 0o644)
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadFile error %v should name the file", err)
	}
}
