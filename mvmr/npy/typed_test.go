package npy

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func TestWriteFloat32ArrayRoundTrip(t *testing.T) {
	data := make([]float32, 70000) // more than one write chunk
	for i := range data {
		data[i] = float32(i)*0.5 - 3
	}
	var buf bytes.Buffer
	if err := WriteFloat32Array(&buf, data, []int{7, 10000}); err != nil {
		t.Fatal(err)
	}
	m, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != 7 || m.Cols != 10000 || m.DType != "<f4" || m.Data[69999] != float64(data[69999]) || m.Data[1] != -2.5 {
		t.Errorf("round trip: %dx%d %s, last %g", m.Rows, m.Cols, m.DType, m.Data[69999])
	}
	if err := WriteFloat32Array(&buf, data, []int{7, 3}); err == nil {
		t.Error("70000 values written as shape (7, 3)")
	}
}

func TestWriteInt64Array(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteInt64Array(&buf, []int64{3, -1, 1 << 40}, []int{3}); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	headerLen := int(binary.LittleEndian.Uint16(raw[8:]))
	header := string(raw[10 : 10+headerLen])
	if (10+headerLen)%64 != 0 || !strings.Contains(header, "'descr': '<i8'") || !strings.Contains(header, "'shape': (3,)") {
		t.Errorf("header %q (total %d bytes)", header, 10+headerLen)
	}
	body := raw[10+headerLen:]
	if len(body) != 24 || int64(binary.LittleEndian.Uint64(body[8:])) != -1 || binary.LittleEndian.Uint64(body[16:]) != 1<<40 {
		t.Errorf("body % x", body)
	}
}

func TestWriteUint8Array(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteUint8Array(&buf, []uint8{0, 7, 255, 1, 2, 3}, []int{2, 3}); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	headerLen := int(binary.LittleEndian.Uint16(raw[8:]))
	header := string(raw[10 : 10+headerLen])
	if (10+headerLen)%64 != 0 || !strings.Contains(header, "'descr': '|u1'") || !strings.Contains(header, "'shape': (2, 3)") {
		t.Errorf("header %q (total %d bytes)", header, 10+headerLen)
	}
	if body := raw[10+headerLen:]; !bytes.Equal(body, []byte{0, 7, 255, 1, 2, 3}) {
		t.Errorf("body % x", body)
	}
	if err := WriteUint8Array(&buf, []uint8{1, 2}, []int{3}); err == nil {
		t.Error("2 values written as shape (3,)")
	}
}
