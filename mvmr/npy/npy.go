// Package npy reads and writes NumPy .npy files holding float arrays, strictly: versions
// 1.0, 2.0 and 3.0, little-endian float32 ('<f4') or float64 ('<f8'), C order. Anything else
// (Fortran order, other dtypes, big-endian data, a header that does not parse, a data section
// shorter or longer than the shape says) is an error naming the file and the field.
//
// GoMLX's core/tensors/numpy reader is not used: it silently converts Fortran-order arrays and
// reads big-endian data as little-endian, where this kit must refuse them.
//
// codeberg.org/sbinet/npyio (v0.14.0, the kept .npy library for Go) is not used either: it
// cannot give the errors this package promises. Probed on 2026-12-03 with npy.Read into a
// []float64: a header claiming 10^12 elements ends the process ("fatal error: runtime: out of
// memory", not recoverable) instead of failing at once; a truncated data section returns a bare
// "EOF" and trailing bytes are accepted; a Fortran-order array comes back in Fortran order
// without an error; a header without its newline or closing brace panics (slice bounds out of
// range); a wrong dtype is "npy: types don't match" without naming it; a negative dimension is
// accepted; version 3.0 files are refused. Its writer writes only 1-D slices and 2-D float64
// mat.Dense, so not the kit's float32 (n, d) exports nor (B, C, H, W) image arrays, and pads
// the header with (its length mod 16) spaces, so the data does not start on the 64-byte boundary
// the format asks for.
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

// Array is a C-order float64 array read from a .npy file.
type Array struct {
	Shape []int
	Data  []float64
	// DType is the file's dtype descriptor ("<f4" or "<f8").
	DType string
}

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
	a, err := ReadArrayFile(path)
	if err != nil {
		return nil, err
	}
	m, err := a.Matrix()
	if err != nil {
		return nil, fmt.Errorf("npy: %s: %w", path, err)
	}
	return m, nil
}

// Read reads a 2-D float32 or float64 .npy stream.
func Read(r io.Reader) (*Matrix, error) {
	a, err := ReadArray(r)
	if err != nil {
		return nil, err
	}
	return a.Matrix()
}

// Matrix returns a as a matrix, or an error if it is not 2-D.
func (a *Array) Matrix() (*Matrix, error) {
	if len(a.Shape) != 2 {
		return nil, fmt.Errorf("shape %v has %d dimensions; expected 2 (n, d)", a.Shape, len(a.Shape))
	}
	return &Matrix{Rows: a.Shape[0], Cols: a.Shape[1], Data: a.Data, DType: a.DType}, nil
}

// ReadArrayFile reads a float32 or float64 .npy file of any rank.
func ReadArrayFile(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	a, err := ReadArray(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("npy: %s: %w", path, err)
	}
	return a, nil
}

// ReadArray reads a float32 or float64 .npy stream of any rank.
func ReadArray(r io.Reader) (*Array, error) {
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
	header, err := io.ReadAll(io.LimitReader(r, int64(headerLen)))
	if err == nil && len(header) < headerLen {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
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
	size64 := int64(size)
	count := int64(1)
	for _, d := range dims {
		count *= int64(d)
		if count > math.MaxInt32 {
			return nil, fmt.Errorf("shape (%s) is too large", shapeM[1])
		}
	}
	a := &Array{Shape: dims, DType: descr[1]}
	// Read what the stream holds (at most one byte more than the shape needs) before trusting
	// the shape: the buffer grows with the bytes that arrive, so a header claiming 2³¹ elements
	// over a short file fails without allocating gigabytes.
	need := count * size64
	raw, err := io.ReadAll(io.LimitReader(r, need+1))
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	if int64(len(raw)) < need {
		return nil, fmt.Errorf("data: shape %v of %s needs %d bytes, file holds %d", dims, descr[1], need, len(raw))
	}
	if extra, _ := io.Copy(io.Discard, r); int64(len(raw)) > need || extra > 0 {
		return nil, fmt.Errorf("data: %d bytes after the %d bytes that shape %v of %s needs", int64(len(raw))-need+extra, need, dims, descr[1])
	}
	a.Data = make([]float64, count)
	for i := range a.Data {
		if size == 4 {
			a.Data[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
		} else {
			a.Data[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
		}
	}
	return a, nil
}

// Write writes rows×cols values (row-major) as a version 1.0 .npy file of float32 ('<f4') or,
// with float64 true, float64 ('<f8').
func Write(w io.Writer, data []float64, rows, cols int, float64s bool) error {
	return WriteArray(w, data, []int{rows, cols}, float64s)
}

// WriteArray writes a C-order array of the given shape as a version 1.0 .npy file of float32
// ('<f4') or, with float64s, float64 ('<f8').
func WriteArray(w io.Writer, data []float64, shape []int, float64s bool) error {
	descr := "<f4"
	if float64s {
		descr = "<f8"
	}
	var buf bytes.Buffer
	if err := writeHeader(&buf, descr, shape, len(data)); err != nil {
		return err
	}
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
