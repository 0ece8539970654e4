package plotting

import (
	"os"
	"path/filepath"
)

// exampleSave saves f as name in a temporary folder, as every Example does, and returns name,
// or the error's text when saving failed (so the Example's Output no longer matches).
func exampleSave(f Figure, name string) string {
	dir, err := os.MkdirTemp("", "plotting-example")
	if err != nil {
		return err.Error()
	}
	defer os.RemoveAll(dir)
	if err := Save(f, filepath.Join(dir, name)); err != nil {
		return err.Error()
	}
	return name
}
