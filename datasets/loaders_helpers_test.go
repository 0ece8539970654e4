package datasets

import (
	"os"
	"path/filepath"
	"testing"
)

// pattern is the known pixel value at (row y, column x, channel c) of image i in the generated
// test files.
func pattern(i, y, x, c int) uint8 { return uint8(i*37 + y*5 + x*3 + c*71) }

// writeFile writes data to dir/name, creating dir.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkPattern checks that image i of d holds pattern(first+i, …) for every image.
func checkPattern(t *testing.T, d *Dataset, first int) {
	t.Helper()
	for i := range d.Len() {
		img := d.Image(i)
		for y := range d.Height {
			for x := range d.Width {
				for c := range d.Channels {
					if got, want := img[(y*d.Width+x)*d.Channels+c], pattern(first+i, y, x, c); got != want {
						t.Fatalf("%s image %d pixel (y=%d, x=%d, c=%d) = %d; want %d", d.Name, i, y, x, c, got, want)
					}
				}
			}
		}
	}
}
