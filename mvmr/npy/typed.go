package npy

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// WriteFloat32Array writes float32 values of the given C-order shape as a version 1.0 .npy file
// ('<f4'), without converting through float64: the format of exported embeddings.
func WriteFloat32Array(w io.Writer, data []float32, shape []int) error {
	if err := writeHeader(w, "<f4", shape, len(data)); err != nil {
		return err
	}
	buf := make([]byte, 4*min(len(data), 1<<16))
	for start := 0; start < len(data); start += len(buf) / 4 {
		chunk := data[start:min(start+len(buf)/4, len(data))]
		for i, v := range chunk {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		if _, err := w.Write(buf[:4*len(chunk)]); err != nil {
			return err
		}
	}
	return nil
}

// WriteInt64Array writes int64 values of the given C-order shape as a version 1.0 .npy file
// ('<i8'): labels and indices, which NumPy users expect as integers. (Read refuses '<i8': the
// kit only reads float arrays.)
func WriteInt64Array(w io.Writer, data []int64, shape []int) error {
	if err := writeHeader(w, "<i8", shape, len(data)); err != nil {
		return err
	}
	buf := make([]byte, 8*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(buf[8*i:], uint64(v))
	}
	_, err := w.Write(buf)
	return err
}

// writeHeader writes the magic, version 1.0 and the header dictionary padded to 64 bytes.
func writeHeader(w io.Writer, descr string, shape []int, values int) error {
	count := 1
	dims := make([]string, len(shape))
	for i, d := range shape {
		if d < 0 {
			return fmt.Errorf("npy: negative dimension %d in shape %v", d, shape)
		}
		count *= d
		dims[i] = strconv.Itoa(d)
	}
	if count != values {
		return fmt.Errorf("npy: %d values for shape %v", values, shape)
	}
	shapeText := strings.Join(dims, ", ")
	if len(shape) == 1 {
		shapeText += ","
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, shapeText)
	total := len(magic) + 2 + 2 + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	prefix := append(append([]byte(nil), magic...), 1, 0)
	prefix = binary.LittleEndian.AppendUint16(prefix, uint16(len(header)))
	if _, err := w.Write(append(prefix, header...)); err != nil {
		return err
	}
	return nil
}

// WriteUint8Array writes bytes of the given C-order shape as a version 1.0 .npy file ('|u1'):
// images as the data sets hold them (HWC pixels 0..255).
func WriteUint8Array(w io.Writer, data []uint8, shape []int) error {
	if err := writeHeader(w, "|u1", shape, len(data)); err != nil {
		return err
	}
	_, err := w.Write(data)
	return err
}
