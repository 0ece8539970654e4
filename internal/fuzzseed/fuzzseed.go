// Package fuzzseed keeps the seed corpora of the kit's fuzz targets as files: each target adds
// its seeds with Add, and
//
//	MVMR_WRITE_FUZZ_SEEDS=1 go test -run FuzzNAME ./PKG
//
// writes them to PKG/testdata/fuzz/FuzzNAME/, the corpus `go test` runs as regression tests (and
// `go test -fuzz` starts from). Crashers that `go test -fuzz` finds are written there by Go
// itself and stay, committed, as regression tests too.
package fuzzseed

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// WriteEnv is the environment variable that, set to "1", makes Add write the seed files.
const WriteEnv = "MVMR_WRITE_FUZZ_SEEDS"

// Seed is one named input of a fuzz target: the values of its arguments, in order ([]byte,
// string, int, int64, uint8, bool or float64).
type Seed struct {
	Name   string
	Values []any
}

// Add adds every seed to f and, when WriteEnv is "1", writes each to
// testdata/fuzz/<f.Name()>/<seed.Name> in Go's corpus file format.
func Add(f *testing.F, seeds ...Seed) {
	f.Helper()
	write := os.Getenv(WriteEnv) == "1"
	dir := filepath.Join("testdata", "fuzz", f.Name())
	for _, s := range seeds {
		f.Add(s.Values...)
		if !write {
			continue
		}
		body, err := Marshal(s.Values...)
		if err != nil {
			f.Fatalf("seed %s: %v", s.Name, err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, s.Name), body, 0o644); err != nil {
			f.Fatal(err)
		}
	}
}

// Marshal writes values in Go's fuzz corpus file format ("go test fuzz v1", one value a line).
func Marshal(values ...any) ([]byte, error) {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, v := range values {
		switch x := v.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", x)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", x)
		case int:
			fmt.Fprintf(&b, "int(%d)\n", x)
		case int64:
			fmt.Fprintf(&b, "int64(%d)\n", x)
		case uint8:
			fmt.Fprintf(&b, "byte(%q)\n", x)
		case bool:
			fmt.Fprintf(&b, "bool(%v)\n", x)
		case float64:
			fmt.Fprintf(&b, "float64(%v)\n", x)
		default:
			return nil, fmt.Errorf("value of type %T; expected []byte, string, int, int64, uint8, bool or float64", v)
		}
	}
	return []byte(b.String()), nil
}
