package notebooks

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// SinceSettingsCell returns how long ago the settings cell saved the settings of the run in
// dir (the modification time of its SettingsFile): a notebook's last cell prints it as the
// notebook's measured run time, every cell after the settings cell included.
func SinceSettingsCell(dir string) (time.Duration, error) {
	info, err := os.Stat(filepath.Join(dir, SettingsFile))
	if err != nil {
		return 0, fmt.Errorf("no settings in %s: run the settings cell first (%w)", dir, err)
	}
	return time.Since(info.ModTime()), nil
}
