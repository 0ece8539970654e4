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

// TestFaultLeavesTheOldFiles injects a full disk: Write and WriteKeeping fail with one error
// naming the file and the cause, and leave the file, the kept file and the folder as they were.
func TestFaultLeavesTheOldFiles(t *testing.T) {
	dir := t.TempDir()
	path, keep := filepath.Join(dir, "checkpoint.mvmr"), filepath.Join(dir, "checkpoint.prev.mvmr")
	if err := WriteBytes(path, []byte("new-1")); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 4*FaultBytes)
	if err := WriteKeeping(path, keep, func(w io.Writer) error { _, err := w.Write([]byte("new-2")); return err }); err != nil {
		t.Fatal(err)
	}
	full := errors.New("no space left on device")
	remove := InjectFault(func(p string) error {
		if p == path {
			return full
		}
		return nil
	})
	defer remove()
	for name, write := range map[string]func() error{
		"Write": func() error { return WriteBytes(path, big) },
		"WriteKeeping": func() error {
			return WriteKeeping(path, keep, func(w io.Writer) error { _, err := w.Write(big); return err })
		},
	} {
		err := write()
		if !errors.Is(err, full) || err.Error() != "writing "+path+": no space left on device" {
			t.Errorf("%s: error %v; want writing %s: no space left on device", name, err, path)
		}
	}
	for file, want := range map[string]string{path: "new-2", keep: "new-1"} {
		if got, err := os.ReadFile(file); err != nil || string(got) != want {
			t.Errorf("%s holds %q (%v); want %q", file, got, err, want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("%d entries after the failed writes; want the two files, no temporary one", len(entries))
	}
	// A file shorter than FaultBytes fails at its sync.
	if err := WriteBytes(path, []byte("short")); !errors.Is(err, full) || err.Error() != "syncing "+path+": no space left on device" {
		t.Errorf("a short file: error %v; want syncing %s: no space left on device", err, path)
	}
	// Another file is written; with the fault removed, path is too.
	if err := WriteBytes(filepath.Join(dir, "status.json"), big); err != nil {
		t.Errorf("a file the fault does not match: %v", err)
	}
	remove()
	if err := WriteKeeping(path, keep, func(w io.Writer) error { _, err := w.Write(big); return err }); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(keep); string(got) != "new-2" {
		t.Errorf("kept file holds %q; want the previous content new-2", got)
	}
}
