package notebooks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// tinyRunYAML is a small but complete run config: a few steps of a tiny CNN on 256 digits. It
// carries an official key this kit reads and does not use (fp16), as the official configs do.
const tinyRunYAML = `batch_size: 32
steps: 40
lr: 1e-3
fp16: true
representations: [image, std]
checkpoint_every: 2
monitor_every: 4
dataset: {name: mnist, limit: 256, test_limit: 128}
encoder: {type: cnn, channels: [4, 8], strides: [2, 2], out_dim: 32-16}
eval: {protocols: [linear], probe: {epochs: 1}}
`

// configFlags defines the config notebook's flags on a fresh flag set and parses args, as
// GoNB's %% line does.
func configFlags(t *testing.T, args ...string) *ConfigFlags {
	t.Helper()
	fs := flag.NewFlagSet("cell", flag.ContinueOnError)
	f := DefineConfig(fs, "06_test", "steps=3", "dataset.limit=64")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f
}

// tinyRun writes tinyRunYAML to a temporary file and returns its path, with MVMR_RUNS pointed
// at a temporary folder and the quick settings off.
func tinyRun(t *testing.T) string {
	t.Helper()
	t.Setenv(RunsEnv, t.TempDir())
	t.Setenv(QuickEnv, "0")
	path := filepath.Join(t.TempDir(), "tiny.yaml")
	if err := os.WriteFile(path, []byte(tinyRunYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigFlagsNewRunThenLoad(t *testing.T) {
	path := tinyRun(t)
	var out bytes.Buffer
	r, err := configFlags(t, "--config="+path, "--set", "lr=2e-3").NewRun(&out)
	if err != nil {
		t.Fatal(err)
	}
	if r.Config.LR != 2e-3 || r.Config.Steps != 40 || r.Config.BatchSize != 32 || r.Quick || len(r.QuickSets) != 0 {
		t.Errorf("lr %g, steps %d, batch %d, quick %v %v; want the file with lr=2e-3 and no quick overrides",
			r.Config.LR, r.Config.Steps, r.Config.BatchSize, r.Quick, r.QuickSets)
	}
	if len(r.Notices) != 1 || !strings.HasPrefix(r.Notices[0], "fp16 = true: read, not used") {
		t.Errorf("notices %q; want the one of fp16", r.Notices)
	}
	// The folder name: the file's stem and the first 8 hex digits of the config's SHA-256.
	sum := sha256.Sum256([]byte(r.YAML))
	wantDir := filepath.Join(RunDir("06_test"), "tiny-"+hex.EncodeToString(sum[:])[:8])
	if r.Dir != wantDir {
		t.Errorf("run folder %s; want %s", r.Dir, wantDir)
	}
	for _, want := range []string{"settings: --config=" + path + " --set lr=2e-3\n", "run folder: " + wantDir} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("NewRun printed %q; want it to contain %q", out.String(), want)
		}
	}

	// A later cell reads the same run, with its own --budget.
	loaded, err := configFlags(t, "--budget=90s").Load()
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Dir != r.Dir || loaded.YAML != r.YAML || loaded.Config.LR != 2e-3 || loaded.Budget != 90*time.Second ||
		!slices.Equal(loaded.Notices, r.Notices) || loaded.File != path {
		t.Errorf("Load gave %+v; want the settings cell's run %+v with budget 90s", loaded, r)
	}
	again, err := runs.Parse([]byte(loaded.YAML))
	if err != nil || again.Config.Encoder.OutDim != "32-16" || again.Config.Dataset.Limit != 256 {
		t.Errorf("the saved YAML reads back as %+v, %v", again.Config, err)
	}

	// The same config again: the same folder (the run resumes); another: a folder of its own.
	same, err := configFlags(t, "--config="+path, "--set", "lr=2e-3").NewRun(nil)
	if err != nil || same.Dir != r.Dir {
		t.Errorf("the same config again: folder %v, %v; want %s", same, err, r.Dir)
	}
	other, err := configFlags(t, "--config="+path, "--set", "lr=3e-3").NewRun(nil)
	if err != nil || other.Dir == r.Dir || filepath.Dir(other.Dir) != filepath.Dir(r.Dir) {
		t.Errorf("another lr: folder %v, %v; want another folder beside %s", other, err, r.Dir)
	}
}

func TestConfigFlagsQuickOverridesComeFirst(t *testing.T) {
	path := tinyRun(t)
	r, err := configFlags(t, "--config="+path, "--quick").NewRun(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Quick || r.Config.Steps != 3 || r.Config.Dataset.Limit != 64 || !slices.Equal(r.QuickSets, []string{"steps=3", "dataset.limit=64"}) {
		t.Errorf("quick: steps %d, limit %d, quick sets %q; want 3, 64", r.Config.Steps, r.Config.Dataset.Limit, r.QuickSets)
	}
	if !strings.Contains(r.String(), "quick settings, "+QuickEnv+"=1: --set steps=3 --set dataset.limit=64") {
		t.Errorf("String() = %q; want the quick overrides named", r.String())
	}
	// The reader's --set comes after the quick overrides, so it wins.
	r, err = configFlags(t, "--config="+path, "--quick", "--set", "steps=5").NewRun(nil)
	if err != nil || r.Config.Steps != 5 {
		t.Errorf("--quick --set steps=5: steps %v, %v; want 5", r, err)
	}
	// No --config: the kit's default run, in a folder named default-*.
	r, err = configFlags(t).NewRun(nil)
	if err != nil || !strings.HasPrefix(filepath.Base(r.Dir), "default-") || r.Config.Dataset.Name != "mnist" || r.File != "" {
		t.Errorf("no --config: %+v, %v; want runs.Default in default-*", r, err)
	}
}

func TestConfigFlagsBadInput(t *testing.T) {
	path := tinyRun(t)
	if _, err := configFlags(t).Load(); err == nil || !strings.Contains(err.Error(), "run the settings cell first") {
		t.Errorf("Load before any settings cell: %v; want an error saying to run it", err)
	}
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	if _, err := configFlags(t, "--config="+missing).NewRun(nil); err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("a missing config file: %v; want an error naming it", err)
	}
	if _, err := configFlags(t, "--config="+path, "--set", "encoder.out_dims=8").NewRun(nil); err == nil || !strings.Contains(err.Error(), "out_dims") {
		t.Errorf("an unknown key: %v; want an error naming it", err)
	}
	if _, err := configFlags(t, "--config="+path, "--set", "batch_size=1").NewRun(nil); err == nil || !strings.Contains(err.Error(), "batch_size = 1") {
		t.Errorf("batch_size=1: %v; want an error naming the key and value", err)
	}
	if _, err := configFlags(t, "--config="+path).NewRun(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := configFlags(t, "--set", "lr=1", "--fresh").Load(); err == nil || !strings.Contains(err.Error(), "--fresh, --set belong on the settings cell") {
		t.Errorf("--set and --fresh on a later cell: %v; want an error saying where they belong", err)
	}
}

func TestConfigRunDescribeTimeTrainResume(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 80 small steps")
	}
	path := tinyRun(t)
	r, err := configFlags(t, "--config="+path).NewRun(nil)
	if err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := r.Describe(&out); err != nil {
		t.Fatal(err)
	}
	backend, err := mvmr.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	encoder := nn.EncoderConfig{Channels: []int{4, 8}, Strides: []int{2, 2}, Head: nn.HeadFlatten, Projector: "32-16"}
	backbone, total, err := mvmr.EncoderParameterCount(backend, encoder, 28, 28, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"state: new", "note: fp16 = true: read, not used",
		"data: mnist, trains on 256 images (train split) of 28x28x1, 10 classes; probes fit on 256, score on 128 test images",
		fmt.Sprintf("→ h of 392 → projector 32-16 → z of 16; %s parameters (backbone %s)", thousands(total), thousands(backbone)),
		"training: batch 32, 40 steps (5.00 epochs), adam lr 0.001", "parallel.devices 1, parallel.loss_groups 1; backend " + mvmr.BackendConfig(),
		"evaluation: linear on h; monitors: collapse, dcor_diag every 4 steps; checkpoint every 2 steps"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("Describe printed\n%s\nwant it to contain %q", out.String(), want)
		}
	}

	timing, err := r.TimeSteps(nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	sorted := slices.Sorted(slices.Values(timing.Steps))
	if len(timing.Steps) != 3 || timing.First <= 0 || timing.Median != sorted[1] || timing.TotalSteps != 40 ||
		timing.Estimate != 40*timing.Median {
		t.Errorf("timing %+v; want 3 timed steps, their median, and 40 × median", timing)
	}
	if _, err := os.Stat(r.Dir); err == nil {
		t.Errorf("TimeSteps wrote to the run folder %s", r.Dir)
	}

	// The reference: the whole run in one training cell, in a folder of its own, without
	// monitors (they read held-out images and change nothing in training).
	whole := *r
	whole.Dir = filepath.Join(t.TempDir(), "whole")
	whole.Config.MonitorEvery = 0
	done, err := whole.Train(context.Background(), &bytes.Buffer{})
	if err != nil || done.Stopped || done.Step != 40 || len(done.Outcome.Rows) != 1 {
		t.Fatalf("the whole run: %+v, %v; want 40 steps and one result row", done, err)
	}

	// Cell 1 stops once the first checkpoint is written (as --budget or an interrupt does);
	// its history then comes from the checkpoint. Cell 2 resumes and finishes.
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for ctx.Err() == nil {
			if _, err := os.Stat(r.Path(runs.FileCheckpoint)); err == nil {
				cancel()
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var log bytes.Buffer
	first, err := r.Train(ctx, &log)
	cancel()
	if err != nil || !first.Stopped || first.Step < 2 || first.Step >= 40 {
		t.Fatalf("the first cell: %+v, %v; want it stopped between steps 2 and 39", first, err)
	}
	if !strings.Contains(log.String(), fmt.Sprintf("stopped at step %d (interrupted)", first.Step)) ||
		!strings.Contains(r.State(), fmt.Sprintf("interrupted at step %d of 40", first.Step)) {
		t.Errorf("log %q, state %q; want the stop reported", log.String(), r.State())
	}
	partial, names, err := r.History()
	// Its rows: the monitors' record before training (history.InitialStep), then one per step.
	if err != nil || partial.Len() != int(first.Step)+1 || partial.Steps()[0] != history.InitialStep || !slices.Equal(names, []string{"mse", "std", "dcor_zz", "dcor/image", "dcor/std", "total"}) {
		t.Fatalf("history of the stopped run: %v steps, names %v, %v; want %d steps of the loss terms", partial, names, err, first.Step)
	}
	if _, err := r.Results(); err == nil || !strings.Contains(err.Error(), "interrupted at step") {
		t.Errorf("results of an unfinished run: %v; want an error saying where it stands", err)
	}
	second, err := r.Train(context.Background(), &bytes.Buffer{})
	if err != nil || second.Stopped || second.Step != 40 || second.Outcome.Resumed != first.Step {
		t.Fatalf("the second cell: %+v, %v; want it resumed at %d and finished", second, err, first.Step)
	}
	// The run split over two cells is the run in one: the same loss at every step.
	h, _, err := r.History()
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := whole.History()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		// The monitored run's history starts with the monitors' record before training, which
		// holds no loss value; the unmonitored one's with step 0.
		if got := h.Series(name)[1:]; h.Steps()[0] != history.InitialStep || !slices.Equal(got, want.Series(name)) {
			t.Errorf("%s over two cells %v (steps %v); in one %v", name, got, h.Steps(), want.Series(name))
		}
	}
	rows, err := r.Results()
	if err != nil || len(rows) != 1 || rows[0].Protocol != "linear" || rows[0].Top1 != done.Outcome.Rows[0].Top1 {
		t.Errorf("results %+v, %v; want the linear row of the run in one cell (top-1 %.4f)", rows, err, done.Outcome.Rows[0].Top1)
	}
	// The monitors' figures: both for the monitored run, none for the other.
	figures, err := r.MonitorFigures()
	if err != nil || len(figures) != 2 || figures[0].Name != "collapse" || figures[1].Name != "dcor_traces" {
		t.Errorf("monitor figures %v, %v; want collapse and dcor_traces", figures, err)
	}
	if figures, err := whole.MonitorFigures(); err != nil || len(figures) != 0 {
		t.Errorf("a run without monitors: figures %v, %v; want none", figures, err)
	}
	// A finished run is not trained again.
	third, err := r.Train(context.Background(), &bytes.Buffer{})
	if err != nil || !third.Outcome.Skipped {
		t.Errorf("a third cell: %+v, %v; want the finished run skipped", third, err)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1 000", 23508032: "23 508 032", -1234: "-1 234", -123: "-123"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q; want %q", n, got, want)
		}
	}
}
