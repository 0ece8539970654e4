package notebooks

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/fuzzseed"
)

// FuzzSettingsFlags gives any `%%` line (split on spaces) to a notebook's settings flags and any
// bytes as its saved settings.json: the flags parse, resolve and validate, and the file decodes,
// without a panic and without touching the disk (NewRun's emptying of --dir is not called); and
// settings that validate give their Config (--set resolved) without a panic, for any seed.
func FuzzSettingsFlags(f *testing.F) {
	fuzzseed.Add(f,
		fuzzseed.Seed{Name: "typical", Values: []any{"--steps=1000 --batch=128 --reps=image,std,hog", []byte(`{"steps":10,"batch":32,"reps":["image"],"seeds":1,"probe_train":0,"probe_test":0,"dir":"/tmp/x","quick":false}`)}},
		fuzzseed.Seed{Name: "quick", Values: []any{"--quick --seeds=3 --probe_train=100 --dir=/tmp/y", []byte(`{"steps":1}`)}},
		fuzzseed.Seed{Name: "bad_values", Values: []any{"--steps=-1 --batch=x --reps=nosuch", []byte(`{"steps":"ten"}`)}},
		fuzzseed.Seed{Name: "unknown", Values: []any{"--nosuch=1 extra", []byte(`{"stepz":1}{}`)}},
		fuzzseed.Seed{Name: "empty_reps", Values: []any{"--reps= --reps=none", []byte(`null`)}},
		fuzzseed.Seed{Name: "sets", Values: []any{"--set lr=1e-3 --set weights.std=2 --set encoder.channels=[8,16]", []byte(`{"steps":3,"batch":4,"seeds":1,"dir":"x","sets":["scheduler=multistep","milestones=[1]"]}`)}},
		fuzzseed.Seed{Name: "bad_sets", Values: []any{"--set dataset.name=cifar10 --set lr --set =1", []byte(`{"steps":3,"batch":4,"seeds":1,"dir":"x","sets":["eval.features=z",7]}`)}},
	)
	f.Fuzz(func(t *testing.T, line string, settingsJSON []byte) {
		fs := flag.NewFlagSet("fuzz", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		flags := Define(fs, "fuzz", Settings{Steps: 100, Batch: 64, Reps: []string{"image"}, Seeds: 1, Dir: "/nonexistent/fuzz"},
			Settings{Steps: 2, Batch: 16})
		if err := fs.Parse(strings.Fields(line)); err != nil {
			return
		}
		if s, err := flags.explicit(flags.base()); err == nil {
			if err := s.Validate(); err == nil {
				if !strings.HasPrefix(s.String(), "settings: --steps=") {
					t.Fatalf("settings print as %q", s.String())
				}
				_ = s.Config(1)
				_ = s.Config(-3)
			}
		}
		saved, err := decodeSettings(settingsJSON)
		if err != nil {
			return
		}
		if s, err := flags.explicit(saved); err == nil && s.Validate() == nil {
			_ = s.Config(2)
		}
	})
}

// TestSettingsFileIsDecodedStrictly damages a saved settings.json (an unknown key, a second
// object): a later cell's Load refuses it, naming the file and the key.
func TestSettingsFileIsDecodedStrictly(t *testing.T) {
	f := defineForTest(t)
	if _, err := f.NewRun(nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(f.defaults.Dir, SettingsFile)
	for body, want := range map[string]string{
		`{"steps":10,"batch":32,"reps":[],"seeds":1,"dir":"x","stepz":3}`: `unknown field "stepz"`,
		`{"steps":10,"batch":32,"reps":[],"seeds":1,"dir":"x"} {}`:        "bytes after the settings object",
	} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Load(); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), want) {
			t.Errorf("settings %s: error %v; want one naming %s and %q", body, err, path, want)
		}
	}
}
