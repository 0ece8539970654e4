package runs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/fuzzseed"
)

// officialSeed is the official config file name (runs/testdata/official) as fuzz seed bytes.
func officialSeed(f *testing.F, name string) []byte {
	raw, err := os.ReadFile(filepath.Join("testdata", "official", name))
	if err != nil {
		f.Fatal(err)
	}
	return raw
}

// FuzzParseConfig reads any bytes as a run config with one --set override, through the real
// decoding and validation: no panic, no hang, and a config that validates prints back as YAML
// that reads back to a valid config.
func FuzzParseConfig(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "official", "*.yaml"))
	if len(files) == 0 {
		f.Fatal("no official configs in testdata/official")
	}
	fuzzseed.Add(f,
		fuzzseed.Seed{Name: "official_" + strings.TrimSuffix(filepath.Base(files[0]), ".yaml"), Values: []any{officialSeed(f, filepath.Base(files[0])), ""}},
		fuzzseed.Seed{Name: "kit_config", Values: []any{[]byte("steps: 300\nbatch_size: 64\nrepresentations: [image, std, hog]\nl3_mode: maximize\ndataset: {name: mnist, limit: 1000}\nencoder: {channels: [8, 16], strides: [2, 2]}\n"), "lr=1e-3"}},
		fuzzseed.Seed{Name: "nested_set", Values: []any{[]byte("dataset:\n  name: cifar10\n"), "dataset.size=32"}},
		fuzzseed.Seed{Name: "bad_value", Values: []any{[]byte("lr: abc\nnosuch: 1\n"), "representations=image,nosuch"}},
		fuzzseed.Seed{Name: "not_a_mapping", Values: []any{[]byte("- 1\n- 2\n"), "=x"}},
		fuzzseed.Seed{Name: "aliases", Values: []any{[]byte("a: &a [1, 2]\nb: [*a, *a]\nseed: *a\n"), "seed=1"}},
	)
	f.Fuzz(func(t *testing.T, raw []byte, set string) {
		var overrides []string
		if set != "" {
			overrides = append(overrides, set)
		}
		l, err := Parse(raw, overrides...)
		if err != nil {
			return
		}
		if l.Config.Validate() != nil {
			return
		}
		out, err := l.Config.YAML()
		if err != nil {
			t.Fatalf("a valid config does not print as YAML: %v", err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("a valid config's YAML does not read back: %v\n%s", err, out)
		}
		if err := back.Config.Validate(); err != nil {
			t.Fatalf("a valid config's YAML reads back invalid: %v\n%s", err, out)
		}
	})
}

// FuzzSetOverride gives any string to the --set flag, as a notebook's %% line or the CLI does:
// no panic, and an accepted override loads a config or names what is wrong.
func FuzzSetOverride(f *testing.F) {
	fuzzseed.Add(f,
		fuzzseed.Seed{Name: "lr", Values: []any{"lr=1e-3"}},
		fuzzseed.Seed{Name: "list", Values: []any{"representations=image,std"}},
		fuzzseed.Seed{Name: "yaml_list", Values: []any{"encoder.channels=[8, 16]"}},
		fuzzseed.Seed{Name: "nested", Values: []any{"dataset.name=mnist"}},
		fuzzseed.Seed{Name: "no_equals", Values: []any{"lr"}},
		fuzzseed.Seed{Name: "empty_part", Values: []any{"dataset..name=x"}},
		fuzzseed.Seed{Name: "mapping_value", Values: []any{"dataset={name: cifar10, size: 32}"}},
	)
	f.Fuzz(func(t *testing.T, kv string) {
		l, err := FromArgs([]string{"--set", kv})
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("an empty error")
			}
			return
		}
		_ = l.Config.Validate()
	})
}

// FuzzLoadSweep reads any bytes as a sweep file and expands its runs, through the real decoding
// and validation (without a base file: the base key is dropped): no panic, no hang (at most
// MaxSweepRuns runs), and the runs it lists have distinct ids.
func FuzzLoadSweep(f *testing.F) {
	fuzzseed.Add(f,
		fuzzseed.Seed{Name: "ablation", Values: []any{[]byte(strings.Replace(ablationSweep, "base: base.yaml\n", "", 1))}},
		fuzzseed.Seed{Name: "seeds", Values: []any{[]byte("name: s\naxes:\n  - key: seed\n    values: [1, 2, 3]\n")}},
		fuzzseed.Seed{Name: "subsets_lists", Values: []any{[]byte("axes:\n  - key: representations\n    subsets: [none, [image, std], \"hog,lbp\"]\n    from: [image]\n")}},
		fuzzseed.Seed{Name: "unknown_key", Values: []any{[]byte("axes:\n  - key: seed\n    valuez: [1]\n")}},
		fuzzseed.Seed{Name: "set_nested", Values: []any{[]byte("set: {steps: 10, dataset: {limit: 100}, dataset.size: 28}\naxes:\n  - key: lr\n    values: [1e-3, 2e-3]\n")}},
	)
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := parseSweep(filepath.Join("fuzzdir", "sweep.yaml"), raw)
		if err != nil {
			return
		}
		s.Base = ""
		runs, err := s.Runs()
		if err != nil {
			return
		}
		if len(runs) > MaxSweepRuns {
			t.Fatalf("%d runs", len(runs))
		}
		seen := map[string]bool{}
		for _, r := range runs {
			if seen[r.ID] {
				t.Fatalf("run id %s twice", r.ID)
			}
			seen[r.ID] = true
		}
	})
}
