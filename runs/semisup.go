package runs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// Semi-supervised runs: an official semi-supervised config (configs/*_semi_supervised.yaml,
// recognised by its dataset.percentage) describes no self-supervised training but the official
// main_semi_supervised.py: the backbone of a trained encoder (its --path_ckpt, here
// semi.checkpoint) and a new linear head fine-tuned together on percentage % of the training
// labels (mvmr.OfficialSemiSupConfig with the config's batch_size, epochs, lr and wd), then scored
// on the test split as evaluate_semi_supervised.py does (the originals, BatchNorm in evaluation
// mode). Run executes it instead of training.

// SemiConfig holds the kit's semi.* keys of a semi-supervised config.
type SemiConfig struct {
	// Checkpoint is the trained encoder to fine-tune: a checkpoint of mvmr train (the official
	// --path_ckpt).
	Checkpoint string `yaml:"checkpoint,omitempty"`
}

// ErrSemiNeedsCheckpoint is the error (wrapped) of a semi-supervised config without
// semi.checkpoint.
var ErrSemiNeedsCheckpoint = errors.New("semi-supervised config without an encoder")

// semiBeforeDecode notes what a config with dataset.percentage runs.
func semiBeforeDecode(m map[string]any, l *Loaded) {
	data, ok := m["dataset"].(map[string]any)
	if !ok || data["percentage"] == nil {
		return
	}
	l.Notices = append(l.Notices, fmt.Sprintf("dataset.percentage = %s: a semi-supervised fine-tune of semi.checkpoint on that %% of the "+
		"training labels, as the official main_semi_supervised.py (no self-supervised training; the encoder is the checkpoint's, "+
		"encoder.* and the loss keys are not used)", show(data["percentage"])))
}

// semiSupervised says whether the config is a semi-supervised fine-tune (dataset.percentage set).
func (c Config) semiSupervised() bool { return c.Dataset.Percentage > 0 }

// semiSupConfig returns the fine-tune the config describes.
func (c Config) semiSupConfig() mvmr.SemiSupConfig {
	s := mvmr.OfficialSemiSupConfig(c.Dataset.Percentage/100, c.BatchSize, int(math.Round(c.Epochs)), c.LR, c.WD)
	s.Seed = c.Seed
	return s
}

// validateSemi checks the keys of a semi-supervised config.
func (c Config) validateSemi(v *checker) {
	if c.Dataset.Percentage < 0 || c.Dataset.Percentage > 100 {
		v.bad("dataset.percentage", c.Dataset.Percentage, "a percentage in (0, 100] of the training labels, or 0 for a self-supervised run")
	}
	if !c.semiSupervised() {
		return
	}
	if e := c.Epochs; e < 1 || e != math.Round(e) {
		v.bad("epochs", e, "a whole number of epochs >= 1 (the fine-tune's length)")
	}
}

// semiProtocol names the result of a fine-tune on percentage % of the labels.
func semiProtocol(percentage float64) string {
	switch percentage {
	case 1:
		return mvmr.ProtocolSemi1
	case 10:
		return mvmr.ProtocolSemi10
	}
	return "semi"
}

// runSemiSupervised executes a semi-supervised config in dir: config.yaml, then results.jsonl with
// one row, then status.json done (so that Run skips the finished folder, as a finished training
// run's). An interrupted fine-tune has no checkpoint: it reruns from its start.
func runSemiSupervised(config Config, dir string, logw io.Writer) (*Outcome, error) {
	if config.Semi.Checkpoint == "" {
		return nil, fmt.Errorf("%w: dataset.percentage = %g fine-tunes a trained encoder, as the official main_semi_supervised.py --path_ckpt: "+
			"set semi.checkpoint to a checkpoint of mvmr train (such as mvmr-runs/NAME/%s)", ErrSemiNeedsCheckpoint, config.Dataset.Percentage, FileCheckpoint)
	}
	if _, err := os.Stat(config.Semi.Checkpoint); err != nil {
		return nil, fmt.Errorf("semi.checkpoint = %q: %w", config.Semi.Checkpoint, err)
	}
	data, err := OpenData(config.Dataset)
	if err != nil {
		return nil, err
	}
	trainer, err := mvmr.LoadTrainer(config.Semi.Checkpoint, data.Train)
	if err != nil {
		return nil, fmt.Errorf("semi.checkpoint = %q: %w", config.Semi.Checkpoint, err)
	}
	defer trainer.Close()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("runs: creating the run folder: %w", err)
	}
	configYAML, err := config.YAML()
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, FileConfig), configYAML); err != nil {
		return nil, err
	}
	semi := config.semiSupConfig()
	fmt.Fprintf(logw, "run %s: official semi-supervised fine-tune of %s on %g %% of %s (%d epochs of %d, lr %g, wd %g)\n",
		dir, config.Semi.Checkpoint, config.Dataset.Percentage, data.Train.Name, semi.Epochs, semi.BatchSize, semi.Optimizer.LR, semi.Optimizer.WeightDecay)
	start := time.Now()
	r, err := trainer.FineTune(data.Test, semi, logw)
	if err != nil {
		return nil, err
	}
	family, _, _ := strings.Cut(data.Train.Name, "/")
	row := Row{Run: filepath.Base(dir), Result: mvmr.Result{Protocol: semiProtocol(config.Dataset.Percentage), Variant: string(semi.Sampling),
		Features: "h", Dataset: family, TrainSplit: data.Train.Name, TestSplit: data.Test.Name, Checkpoint: config.Semi.Checkpoint,
		Step: trainer.Step(), TrainSeed: trainer.Config().Seed, EvalSeed: config.Seed, Top1: r.Top1, Top5: r.Top5,
		Metrics: map[string]float64{"label_fraction": semi.Fraction, "labelled": float64(r.Labelled), "epochs": float64(semi.Epochs),
			"steps": float64(r.Steps), "final_loss": r.FinalLoss}}}
	row.Stamp(start)
	rows := []Row{row}
	var buf bytes.Buffer
	if err := writeRows(&buf, rows); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, FileResults), buf.Bytes()); err != nil {
		return nil, err
	}
	// Done last: Run skips the folder from now on (an interrupted fine-tune reruns from its start).
	status := Status{State: StateDone, Step: int64(r.Steps), TotalSteps: int64(r.Steps), Updated: time.Now().UTC()}
	if err := atomicfile.WriteJSON(filepath.Join(dir, FileStatus), status); err != nil {
		return nil, err
	}
	return &Outcome{Rows: rows}, nil
}
