package notebooks

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSinceSettingsCell(t *testing.T) {
	dir := t.TempDir()
	if _, err := SinceSettingsCell(dir); err == nil {
		t.Error("no settings file: no error")
	}
	path := filepath.Join(dir, SettingsFile)
	if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	then := time.Now().Add(-90 * time.Second)
	if err := os.Chtimes(path, then, then); err != nil {
		t.Fatal(err)
	}
	got, err := SinceSettingsCell(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got < 90*time.Second || got > 100*time.Second {
		t.Errorf("elapsed %s; want about 90 s", got)
	}
}
