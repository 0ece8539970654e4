package runs

import (
	"flag"
	"fmt"
	"strings"
)

// Flags are the config flags every run command shares: a YAML file and --set overrides. In a
// GoNB notebook, a cell starting with
//
//	%% --config=run.yaml --set lr=1e-3 --set representations=image,hog
//
// passes them to the cell's program, where FromArgs(os.Args[1:]) reads them.
type Flags struct {
	// Config is the YAML config file (empty: Default).
	Config string
	// Sets are "key=value" overrides, applied in order.
	Sets []string
}

type setList struct{ sets *[]string }

func (s setList) String() string {
	if s.sets == nil {
		return ""
	}
	return strings.Join(*s.sets, " ")
}

func (s setList) Set(v string) error {
	if _, _, err := ParseOverride(v); err != nil {
		return err
	}
	*s.sets = append(*s.sets, v)
	return nil
}

// Register adds --config and --set (repeatable) to fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Config, "config", f.Config, "YAML run config (official mv-mr configs are read too)")
	RegisterSets(fs, &f.Sets, "override a config key, as lr=1e-3, dataset.name=mnist, representations=image,std (repeatable)")
}

// RegisterSets adds the repeatable --set key=value flag to fs: each one is checked for the
// key=value form (ParseOverride) and appended to sets.
func RegisterSets(fs *flag.FlagSet, sets *[]string, usage string) {
	fs.Var(setList{sets}, "set", usage)
}

// Load reads the config file with the overrides.
func (f *Flags) Load() (Loaded, error) { return Load(f.Config, f.Sets...) }

// FromArgs parses --config and --set from args (GoNB's %% flags) and loads the config.
func FromArgs(args []string) (Loaded, error) {
	var f Flags
	fs := flag.NewFlagSet("mvmr", flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	f.Register(fs)
	if err := fs.Parse(args); err != nil {
		return Loaded{}, fmt.Errorf("runs: flags %q: %w", args, err)
	}
	if fs.NArg() > 0 {
		return Loaded{}, fmt.Errorf("runs: unexpected arguments %q; expected --config FILE and --set key=value", fs.Args())
	}
	return f.Load()
}
