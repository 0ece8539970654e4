// Package atomicfile writes files so that readers, and a crash, see either the old content or
// the complete new one, never a partial file.
package atomicfile

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes path through write: the bytes go to a temporary file in the same folder, which
// is synced, renamed over path, and the folder is synced. On error the temporary file is removed
// and path is left as it was.
func Write(path string, write func(w io.Writer) error) error {
	return WriteKeeping(path, "", write)
}

// WriteKeeping is Write that, once the new content is complete and synced, renames the file at
// path (if any) to keep before renaming the new one into place: a full disk or a failing writer
// leaves both path and keep as they were, and a crash between the two renames leaves the
// previous content at keep. An empty keep is Write.
func WriteKeeping(path, keep string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating folder for %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	var w io.Writer = tmp
	var fault *faultWriter
	if f := injected.Load(); f != nil {
		if ferr := (*f)(path); ferr != nil {
			fault = &faultWriter{w: tmp, err: ferr}
			w = fault
		}
	}
	if err = write(w); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err == nil && fault != nil {
		err = fault.err // a file shorter than FaultBytes: the disk reports it full at the sync
	}
	if err != nil {
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", path, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if keep != "" {
		if _, statErr := os.Stat(path); statErr == nil {
			if err = os.Rename(path, keep); err != nil {
				return fmt.Errorf("keeping %s as %s: %w", path, keep, err)
			}
		}
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("renaming into %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// WriteBytes writes data to path atomically.
func WriteBytes(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteJSON writes v to path as indented JSON (two spaces) ending in a newline, atomically as
// Write does; a value that cannot be encoded leaves path as it was.
func WriteJSON(path string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return WriteBytes(path, append(raw, '\n'))
}
