package runs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// TestMain points the feature cache at a temporary folder, so tests leave the user cache alone.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "runs-test-cache")
	if err == nil {
		os.Setenv(reps.FeatureCacheEnvVar, dir)
	}
	code := m.Run()
	if err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// tinyRun is a run of a few seconds on 256 MNIST digits, checkpointed after every step.
func tinyRun(t *testing.T, overrides ...string) Config {
	t.Helper()
	base := []string{"batch_size=16", "steps=6", "checkpoint_every=1", "lr=1e-3", "dataset.limit=256", "dataset.test_limit=128",
		"encoder.channels=[4, 8]", "encoder.strides=[2, 2]", "encoder.out_dim=16-16", "eval.probe.epochs=2", "eval.probe.batch_size=128"}
	l, err := Parse(nil, append(base, overrides...)...)
	if err != nil {
		t.Fatal(err)
	}
	return l.Config
}

// cancelAt is a progress writer that cancels a context when the progress line of step n
// (1-based) appears.
type cancelAt struct {
	mu     sync.Mutex
	prefix string
	cancel func()
}

func (c *cancelAt) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if bytes.Contains(p, []byte(c.prefix)) {
		c.cancel()
	}
	return len(p), nil
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sameResults compares the rows of two runs but for wall times.
func sameResults(t *testing.T, got, want []Row) {
	t.Helper()
	strip := func(rows []Row) []Row {
		out := append([]Row(nil), rows...)
		for i := range out {
			out[i].TrainSeconds, out[i].Seconds, out[i].Time, out[i].Run = 0, 0, "", ""
		}
		return out
	}
	if !reflect.DeepEqual(strip(got), strip(want)) {
		t.Errorf("results differ:\n got %+v\nwant %+v", got, want)
	}
}

// TestRunInterruptResumeAndFallback runs a config uninterrupted, then interrupts the same config
// at step 3 (as Ctrl-C does), corrupts the newest checkpoint, and resumes: the resumed run falls
// back to the previous checkpoint with a warning naming the bad file, and ends with the same
// loss curve, monitor series (the online probe's included) and probe accuracy as the
// uninterrupted one.
func TestRunInterruptResumeAndFallback(t *testing.T) {
	config := tinyRun(t, "monitor_every=3", "monitors=[collapse, dcor_diag, online_probe]")
	root := t.TempDir()
	full, err := Run(context.Background(), config, filepath.Join(root, "full"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Rows) != 1 || full.Rows[0].Protocol != "linear" || !(full.Rows[0].Top1 > 0.2) || full.Rows[0].Step != 6 {
		t.Fatalf("uninterrupted run rows %+v", full.Rows)
	}

	dir := filepath.Join(root, "cut")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = Run(ctx, config, dir, Options{Progress: &cancelAt{prefix: "step 3/", cancel: cancel}, ProgressEvery: time.Nanosecond})
	var interrupted *InterruptedError
	if !errors.As(err, &interrupted) || interrupted.Step != 3 || interrupted.ExitCode() != 130 {
		t.Fatalf("interrupted run returned %v; want an InterruptedError at step 3", err)
	}
	if s, err := ReadStatus(dir); err != nil || s.State != StateInterrupted || s.Step != 3 {
		t.Errorf("status after the interrupt %+v (%v)", s, err)
	}
	if Finished(dir) {
		t.Error("an interrupted run reads as finished")
	}
	// Without --resume the folder is not overwritten.
	if _, err := Run(context.Background(), config, dir, Options{}); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("running into a folder with a checkpoint: %v; want a hint to --resume", err)
	}
	// Another config does not resume this run.
	if _, err := Run(context.Background(), tinyRun(t, "lr=2e-3"), dir, Options{Resume: true}); err == nil ||
		!strings.Contains(err.Error(), "another config: optimizer.lr: checkpoint 0.001, asked 0.002") {
		t.Errorf("resuming with another config: %v", err)
	}
	// Truncate the newest checkpoint (step 3): the previous one (step 2) is used.
	ckpt := filepath.Join(dir, FileCheckpoint)
	raw := readFile(t, ckpt)
	if err := os.WriteFile(ckpt, []byte(raw[:len(raw)/2]), 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	resumed, err := Run(context.Background(), config, dir, Options{Resume: true, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Resumed != 2 || !strings.Contains(log.String(), ckpt) || !strings.Contains(log.String(), "truncated") {
		t.Errorf("resumed at %d with log %q; want step 2 and a warning naming %s as truncated", resumed.Resumed, log.String(), ckpt)
	}
	if !regexp.MustCompile(`training: \S+ in all, \S+ of it waiting for data`).MatchString(log.String()) {
		t.Errorf("the log lacks the training time and the time spent waiting for data:\n%s", log.String())
	}
	if got, want := readFile(t, filepath.Join(dir, FileHistory)), readFile(t, filepath.Join(root, "full", FileHistory)); got != want ||
		!strings.Contains(want, mvmr.HistoryOnlineTestTop1) {
		t.Errorf("resumed loss curve differs from the uninterrupted one or lacks the online probe:\n%s\nwant\n%s", got, want)
	}
	sameResults(t, resumed.Rows, full.Rows)
	if !Finished(dir) {
		t.Error("the resumed run is not marked finished")
	}
	// A finished run is skipped, with its results.
	again, err := Run(context.Background(), config, dir, Options{Resume: true})
	if err != nil || !again.Skipped {
		t.Fatalf("rerunning a finished run: %+v, %v", again, err)
	}
	sameResults(t, again.Rows, full.Rows)
	// A config.yaml written before a key existed (here: parallel) is the same config when the
	// key's default applies.
	saved, err := os.ReadFile(filepath.Join(dir, FileConfig))
	if err != nil {
		t.Fatal(err)
	}
	older := regexp.MustCompile(`(?m)^parallel:\n(  .*\n)+`).ReplaceAll(saved, nil)
	if bytes.Equal(older, saved) {
		t.Fatalf("config.yaml has no parallel block to remove:\n%s", saved)
	}
	if err := os.WriteFile(filepath.Join(dir, FileConfig), older, 0o644); err != nil {
		t.Fatal(err)
	}
	if again, err := Run(context.Background(), config, dir, Options{Resume: true}); err != nil || !again.Skipped {
		t.Errorf("rerunning a finished run whose config.yaml predates the parallel keys: %+v, %v", again, err)
	}
	// A finished run is not mistaken for the run of another config.
	if _, err := Run(context.Background(), tinyRun(t, "seed=2"), dir, Options{Resume: true}); err == nil || !strings.Contains(err.Error(), "finished run of another config") {
		t.Errorf("running another config into a finished folder: %v", err)
	}
}

func TestRunUnreadableCheckpointsAreNamed(t *testing.T) {
	config := tinyRun(t, "steps=2")
	dir := t.TempDir()
	for _, name := range []string{FileCheckpoint, FilePrevCheckpoint} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("MVMRCKPT garbage"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Run(context.Background(), config, dir, Options{Resume: true})
	for _, name := range []string{FileCheckpoint, FilePrevCheckpoint} {
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, name)) {
			t.Errorf("error %v; expected it to name %s", err, name)
		}
	}
}

// TestRunStopsOnNonFiniteLoss trains with an absurd learning rate: the loss turns NaN at the
// second step, the run stops naming the step and the terms, and the checkpoint of the last good
// step stays loadable.
func TestRunStopsOnNonFiniteLoss(t *testing.T) {
	config := tinyRun(t, "lr=1e30")
	dir := t.TempDir()
	_, err := Run(context.Background(), config, dir, Options{})
	var nonFinite *mvmr.NonFiniteLossError
	if !errors.As(err, &nonFinite) {
		t.Fatalf("got %v; want a NonFiniteLossError", err)
	}
	if _, ok := nonFinite.Terms[mvmr.TermTotal]; !ok || !strings.Contains(err.Error(), "last good checkpoint") {
		t.Errorf("error %v: expected the total term named and the kept checkpoint mentioned", err)
	}
	s, err := ReadStatus(dir)
	if err != nil || s.State != StateFailed || !strings.Contains(s.Error, "not finite") || s.Step != nonFinite.Step {
		t.Errorf("status %+v (%v); want failed at the last good step %d", s, err, nonFinite.Step)
	}
	data, err := OpenData(config.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	tr, warning, err := loadCheckpoint(dir, data.SSL)
	if err != nil || warning != "" || tr.Step() != nonFinite.Step {
		t.Fatalf("last good checkpoint: step %v, warning %q, %v; want step %d", tr, warning, err, nonFinite.Step)
	}
	tr.Close()
}

// sleepAt is a progress writer that sleeps once when the progress line of a step appears:
// training time the run must count.
type sleepAt struct {
	prefix string
	sleep  time.Duration
	done   bool
}

func (s *sleepAt) Write(p []byte) (int, error) {
	if !s.done && bytes.Contains(p, []byte(s.prefix)) {
		s.done = true
		time.Sleep(s.sleep)
	}
	return len(p), nil
}

// TestResumedRunCountsTheWholeTraining interrupts a run whose first process spent at least
// pause training (a progress line that sleeps) and resumes it: the result row reports the
// training time of both processes, as the checkpoint carries it, not only the resumed part.
func TestResumedRunCountsTheWholeTraining(t *testing.T) {
	const pause = 4 * time.Second
	config := tinyRun(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	progress := io.MultiWriter(&sleepAt{prefix: "step 2/", sleep: pause}, &cancelAt{prefix: "step 3/", cancel: cancel})
	if _, err := Run(ctx, config, dir, Options{Progress: progress, ProgressEvery: time.Nanosecond}); err == nil {
		t.Fatal("the interrupted run returned no error")
	}
	data, err := OpenData(config.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	tr, _, err := loadCheckpoint(dir, data.SSL)
	if err != nil {
		t.Fatal(err)
	}
	before := tr.TrainTime()
	tr.Close()
	if tr.Step() != 3 || before < pause {
		t.Fatalf("checkpoint at step %d holds %v of training; want step 3 and at least %v", tr.Step(), before, pause)
	}
	start := time.Now()
	resumed, err := Run(context.Background(), config, dir, Options{Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Since(start)
	got := time.Duration(resumed.Rows[0].TrainSeconds * float64(time.Second))
	if resumed.Resumed != 3 || got <= before || got > before+wall {
		t.Errorf("resumed at step %d, row reports %v of training; want more than the %v before the resume and at most %v",
			resumed.Resumed, got, before, before+wall)
	}
	rows, err := ReadRows(filepath.Join(dir, FileResults))
	if err != nil || len(rows) != 1 || rows[0].TrainSeconds != resumed.Rows[0].TrainSeconds {
		t.Errorf("results.jsonl %+v, %v", rows, err)
	}
}
