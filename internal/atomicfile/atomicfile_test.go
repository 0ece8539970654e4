package atomicfile

import (
	"encoding/json"
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
