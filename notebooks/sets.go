package notebooks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// SetKeys are the run config keys (runs.Config's YAML keys) that notebooks 01–05 take with
// --set key=value: the optimizer and its schedule, the loss's weights and constants, the
// augmentation of the second view and its strengths, the encoder, the settings of the hog and scatnet
// representations and where host representations run (graph_representations). A key ending in "." stands for every key under it (weights.std,
// encoder.channels, ...) and for the section as a whole (weights={mse: 1, std: 2, dcor_zz: 1}).
var SetKeys = []string{
	"lr", "wd", "min_lr", "optimizer", "momentum", "lars_eta", "scheduler", "milestones", "gamma",
	"warmup_steps", "warmup_epochs", "accumulate_grad_batches",
	"std_margin", "std_epsilon", "normalize_z", "dcor_scale", "l3_mode", "weights.",
	"fresh_per_batch", "fresh_official", "dataset.aug_policy", "augment.",
	"encoder.", "scatnet.", "hog.", "graph_representations",
}

// setFlagKeys are the run config keys that a notebook's own flags set: --set of one of them is
// refused, naming the flag.
var setFlagKeys = map[string]string{
	"steps":           "--steps",
	"epochs":          "--steps",
	"batch_size":      "--batch",
	"seed":            "--seeds (the notebook trains seeds 1 … --seeds)",
	"representations": "--reps (representation names; per-term weights, modes and parameters: notebook 06_any_config.ipynb)",
}

// AnyConfigNotebook is the notebook that trains any run config, with any key (06).
const AnyConfigNotebook = "06_any_config.ipynb"

// CheckSetKey says whether notebooks 01–05 honour the run config key of a --set: an error naming
// the key, and the notebook flag or notebook 06 to use instead, when they do not.
func CheckSetKey(key string) error {
	if flag, ok := setFlagKeys[key]; ok {
		return fmt.Errorf("--set %s: this notebook sets %s through its own flag; use %s", key, key, flag)
	}
	for _, k := range SetKeys {
		section, isSection := strings.CutSuffix(k, ".")
		if key == k || isSection && (key == section || strings.HasPrefix(key, k)) {
			return nil
		}
	}
	return fmt.Errorf("--set %s: not a key this notebook can honour: it trains on MNIST with its own probes, monitors and files, "+
		"so it takes only %s; for any other key (dataset.*, eval.*, monitors, clip.*, ...) use notebook %s, which trains any run config with --set",
		key, setKeysList(), AnyConfigNotebook)
}

// ResolveSets returns the mvmr.Config that notebooks 01–05 train: the kit's default run
// (runs.Default, the quickstart) with steps, batch size, seed and the L3 terms reps (weight 1
// each, in the config's l3_mode), then the run config overrides sets ("key=value", keys of
// SetKeys only: CheckSetKey), resolved for MNIST's training set of 60 000 28×28 digits. Every
// error names the --set or flag at fault.
func ResolveSets(steps int64, batch int, reps []string, seed int64, sets []string) (mvmr.Config, error) {
	for _, kv := range sets {
		key, _, err := runs.ParseOverride(kv)
		if err != nil {
			return mvmr.Config{}, err
		}
		if err := CheckSetKey(key); err != nil {
			return mvmr.Config{}, err
		}
	}
	loaded, err := runs.Load("", sets...)
	if err != nil {
		return mvmr.Config{}, fmt.Errorf("--set %s: %w", strings.Join(sets, " --set "), err)
	}
	c := loaded.Config
	c.Steps, c.BatchSize, c.Seed = steps, batch, seed
	c.Representations = nil
	for _, r := range reps {
		c.Representations = append(c.Representations, runs.Representation{Name: r, Weight: 1})
	}
	mc, err := c.Resolve(mnistTrainShape())
	if err != nil {
		if len(sets) == 0 {
			return mvmr.Config{}, err
		}
		return mvmr.Config{}, fmt.Errorf("--set %s: %w", strings.Join(sets, " --set "), err)
	}
	if len(mc.Loss.Representations) == 0 {
		mc.Loss.Representations = nil // as mvmr.QuickstartConfig without L3 terms
	}
	return mc, nil
}

// mnistTrainShape is MNIST's training split without its pixels: what Resolve reads of it (name,
// image shape, classes and length).
func mnistTrainShape() *datasets.Dataset {
	return &datasets.Dataset{Name: "mnist/train", Height: 28, Width: 28, Channels: 1, NumClasses: 10,
		Labels: make([]int32, mnistTrainLen)}
}

// mnistTrainLen is the number of images of MNIST's training split.
const mnistTrainLen = 60000

// SetKeysHelp is one line for a settings cell: the keys --set takes here.
func SetKeysHelp() string {
	return "--set key=value takes " + setKeysList() + "; any other key: notebook " + AnyConfigNotebook
}

// setKeysList lists SetKeys, a section as "weights.*".
func setKeysList() string {
	keys := slices.Clone(SetKeys)
	for i, k := range keys {
		if strings.HasSuffix(k, ".") {
			keys[i] = k + "*"
		}
	}
	return strings.Join(keys, ", ")
}
