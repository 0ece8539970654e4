package atomicfile

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteJSON(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "status.json")
	v := map[string]any{"state": "done", "step": 7}
	if err := WriteJSON(path, v); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"state\": \"done\",\n  \"step\": 7\n}\n"; string(raw) != want {
		t.Errorf("file %q, want %q", raw, want)
	}
	// A value that cannot be encoded leaves the old file and no temporary file.
	if err := WriteJSON(path, map[string]any{"bad": make(chan int)}); err == nil {
		t.Fatal("encoding a channel: no error")
	}
	after, _ := os.ReadFile(path)
	var back map[string]any
	if err := json.Unmarshal(after, &back); err != nil || back["state"] != "done" {
		t.Errorf("after a failed write the file is %q (%v); want the old content", after, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries after a failed write; want only status.json", len(entries))
	}
}

func TestWriteKeepsOldFileOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	if err := Write(path, func(w io.Writer) error { _, err := w.Write([]byte("first")); return err }); err != nil {
		t.Fatal(err)
	}
	failing := errors.New("disk full")
	err := Write(path, func(w io.Writer) error {
		w.Write([]byte("half-writ"))
		return failing
	})
	if !errors.Is(err, failing) {
		t.Fatalf("Write error = %v, want it to wrap %v", err, failing)
	}
	if got, _ := os.ReadFile(path); string(got) != "first" {
		t.Errorf("after a failed write the file holds %q, want the old content", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}
