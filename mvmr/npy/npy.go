// Package npy reads and writes NumPy .npy files holding 2-D float arrays, strictly: versions
// 1.0, 2.0 and 3.0, little-endian float32 ('<f4') or float64 ('<f8'), C order. Anything else
// (Fortran order, other dtypes, big-endian data, a header that does not parse, a data section
// shorter or longer than the shape says) is an error naming the file and the field.
//
// GoMLX's core/tensors/numpy reader is not used: it silently converts Fortran-order arrays and
// reads big-endian data as little-endian, where this kit must refuse them.
package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// Matrix is a row-major 2-D float64 array read from a .npy file.
type Matrix struct {
	Rows, Cols int
	Data       []float64
	// DType is the file's dtype descriptor ("<f4" or "<f8").
	DType string
}

var magic = []byte("\x93NUMPY")

var (
	descrRe   = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	fortranRe = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	shapeRe   = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
)

// ReadFile reads a 2-D float32 or float64 .npy file.
func ReadFile(path string) (*Matrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	m, err := Read(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("npy: %s: %w", path, err)
	}
	return m, nil
}

// Read reads a 2-D float32 or float64 .npy stream.
func Read(r io.Reader) (*Matrix, error) {
	prefix := make([]byte, 8)
	if _, err := io.ReadFull(r, prefix); err != nil {
		return nil, fmt.Errorf("too short for a .npy header: %w", err)
	}
	if !bytes.Equal(prefix[:6], magic) {
		return nil, fmt.Errorf("magic string %q; expected \"\\x93NUMPY\"", prefix[:6])
	}
	major := prefix[6]
	var headerLen int
	switch major {
	case 1:
		var n uint16
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return nil, fmt.Errorf("header length: %w", err)
		}
		headerLen = int(n)
	case 2, 3:
		var n uint32
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return nil, fmt.Errorf("header length: %w", err)
		}
		if n > 1<<24 {
			return nil, fmt.Errorf("header length %d; expected at most 16 MiB", n)
		}
		headerLen = int(n)
	default:
		return nil, fmt.Errorf("format version %d.%d; expected 1.0, 2.0 or 3.0", major, prefix[7])
	}
	header := make([]byte, headerLen)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, fmt.Errorf("header: expected %d bytes: %w", headerLen, err)
	}
	h := string(header)
	descr := descrRe.FindStringSubmatch(h)
	fortran := fortranRe.FindStringSubmatch(h)
	shapeM := shapeRe.FindStringSubmatch(h)
	if descr == nil || fortran == nil || shapeM == nil || !strings.HasPrefix(strings.TrimSpace(h), "{") {
		return nil, fmt.Errorf("header %q: expected a dict with 'descr', 'fortran_order' and 'shape'", strings.TrimSpace(h))
	}
	if fortran[1] == "True" {
		return nil, fmt.Errorf("fortran_order is True; expected a C-order array (use numpy.ascontiguousarray)")
	}
	var size int
	switch descr[1] {
	case "<f4":
		size = 4
	case "<f8":
		size = 8
	default:
		return nil, fmt.Errorf("dtype descr %q; expected '<f4' (float32) or '<f8' (float64)", descr[1])
	}
	var dims []int
	for _, part := range strings.Split(shapeM[1], ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		d, err := strconv.Atoi(part)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("shape (%s): %q is not a dimension", shapeM[1], part)
		}
		dims = append(dims, d)
	}
	if len(dims) != 2 {
		return nil, fmt.Errorf("shape (%s) has %d dimensions; expected 2 (n, d)", shapeM[1], len(dims))
	}
	m := &Matrix{Rows: dims[0], Cols: dims[1], DType: descr[1]}
	if m.Rows > 0 && m.Cols > math.MaxInt32/m.Rows {
		return nil, fmt.Errorf("shape (%d, %d) is too large", m.Rows, m.Cols)
	}
	raw := make([]byte, m.Rows*m.Cols*size)
	if n, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("data: shape (%d, %d) of %s needs %d bytes, file holds %d", m.Rows, m.Cols, descr[1], len(raw), n)
	}
	if extra, _ := io.Copy(io.Discard, r); extra > 0 {
		return nil, fmt.Errorf("data: %d bytes after the %d bytes that shape (%d, %d) of %s needs", extra, len(raw), m.Rows, m.Cols, descr[1])
	}
	m.Data = make([]float64, m.Rows*m.Cols)
	for i := range m.Data {
		if size == 4 {
			m.Data[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
		} else {
			m.Data[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
		}
	}
	return m, nil
}

// Write writes rows×cols values (row-major) as a version 1.0 .npy file of float32 ('<f4') or,
// with float64 true, float64 ('<f8').
func Write(w io.Writer, data []float64, rows, cols int, float64s bool) error {
	if rows*cols != len(data) {
		return fmt.Errorf("npy: %d values for shape (%d, %d)", len(data), rows, cols)
	}
	descr := "<f4"
	if float64s {
		descr = "<f8"
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", descr, rows, cols)
	// Pad with spaces so that magic + version + length + header + '\n' is a multiple of 64.
	total := len(magic) + 2 + 2 + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	var buf bytes.Buffer
	buf.Write(magic)
	buf.Write([]byte{1, 0})
	binary.Write(&buf, binary.LittleEndian, uint16(len(header)))
	buf.WriteString(header)
	for _, v := range data {
		if float64s {
			binary.Write(&buf, binary.LittleEndian, v)
		} else {
			binary.Write(&buf, binary.LittleEndian, float32(v))
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}
