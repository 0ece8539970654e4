package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Every command takes its flags after its positional arguments as well as before: "-h" after an
// argument prints the command's usage (exit 0) and an unknown flag after an argument is reported
// as a flag error, never as a wrong number of arguments.
func TestEveryCommandTakesFlagsAfterArguments(t *testing.T) {
	for _, c := range commands {
		prefix := []string{c.name}
		if c.name == "data" {
			prefix = append(prefix, "inspect")
		}
		code, _, errOut := runCLI(append(slices.Clone(prefix), "ARG", "-h")...)
		if code != 0 || !strings.Contains(errOut, "usage") {
			t.Errorf("mvmr %s ARG -h: exit %d, stderr %q; want exit 0 and the usage", strings.Join(prefix, " "), code, errOut)
		}
		code, _, errOut = runCLI(append(slices.Clone(prefix), "ARG", "-no-such-flag")...)
		if code != 2 || !strings.Contains(errOut, "flag provided but not defined: -no-such-flag") {
			t.Errorf("mvmr %s ARG -no-such-flag: exit %d, stderr %q; want exit 2 and the unknown flag named", strings.Join(prefix, " "), code, errOut)
		}
	}
}

// parseFlags keeps the positional arguments in order around the flags, and "--" ends the flags.
func TestParseFlagsInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	n := fs.Int("n", 0, "")
	v := fs.Bool("v", false, "")
	if err := parseFlags(fs, []string{"a", "-n", "3", "b", "-v", "--", "-c", "d"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if *n != 3 || !*v || strings.Join(fs.Args(), " ") != "a b -c d" {
		t.Errorf("n = %d, v = %v, args %q; want 3, true, [a b -c d]", *n, *v, fs.Args())
	}
}

// mvmr rep hog IN OUT -param nbins=9 (the example) writes what the flags-first form writes.
func TestRepFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join("..", "..", "mvmr", "reps", "testdata", "official", "rgb32_input.npy")
	first, last := filepath.Join(dir, "first.npy"), filepath.Join(dir, "last.npy")
	if code, _, errOut := runCLI("rep", "-param", "nbins=9", "-param", "pool=4", "hog", in, first); code != 0 {
		t.Fatalf("flags first: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI("rep", "hog", in, last, "-param", "nbins=9", "-param", "pool=4"); code != 0 {
		t.Fatalf("flags last: exit %d: %s", code, errOut)
	}
	a, errA := os.ReadFile(first)
	b, errB := os.ReadFile(last)
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		t.Errorf("flags last wrote %d bytes (%v), flags first %d bytes (%v); want the same file", len(b), errB, len(a), errA)
	}
}
