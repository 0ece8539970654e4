package main

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// childArgsEnv makes the test binary run the CLI with these (JSON-encoded) arguments instead of
// the tests: the subprocess tests start `mvmr train` this way and kill it.
const childArgsEnv = "MVMR_TEST_CLI_ARGS"

func TestMain(m *testing.M) {
	if raw := os.Getenv(childArgsEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			os.Exit(99)
		}
		os.Exit(run(args, os.Stdout, os.Stderr))
	}
	if os.Getenv(reps.FeatureCacheEnvVar) == "" {
		if dir, err := os.MkdirTemp("", "mvmr-cli-test-cache"); err == nil {
			os.Setenv(reps.FeatureCacheEnvVar, dir)
			code := m.Run()
			os.RemoveAll(dir)
			os.Exit(code)
		}
	}
	os.Exit(m.Run())
}

// tinyConfig writes a run of a few seconds on 256 MNIST digits, checkpointed every step.
func tinyConfig(t *testing.T, dir string, steps int) string {
	t.Helper()
	path := filepath.Join(dir, "tiny.yaml")
	body := "batch_size: 16\nsteps: " + itoa(steps) + `
checkpoint_every: 1
lr: 1e-3
dataset: {name: mnist, limit: 256, test_limit: 128}
encoder: {channels: [4, 8], strides: [2, 2], out_dim: 16-16}
eval: {protocols: [linear, knn], probe: {epochs: 2, batch_size: 128}, knn: {ks: [5]}}
`
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// startChild runs `mvmr args...` in a child process.
func startChild(t *testing.T, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(raw))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// waitForStep polls the run folder until its status reports at least step steps.
func waitForStep(t *testing.T, cmd *exec.Cmd, dir string, step int64) runs.Status {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if s, err := runs.ReadStatus(dir); err == nil && s.Step >= step {
			return s
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("the child never reached step %d", step)
	return runs.Status{}
}

// rowsWithoutTimes reads a run's results.jsonl without the wall times.
func rowsWithoutTimes(t *testing.T, dir string) []runs.Row {
	t.Helper()
	rows, err := runs.ReadRows(filepath.Join(dir, runs.FileResults))
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		rows[i].TrainSeconds, rows[i].Seconds, rows[i].Time, rows[i].Run = 0, 0, "", ""
	}
	return rows
}

func sameRun(t *testing.T, label, dir, refDir string) {
	t.Helper()
	got, err1 := os.ReadFile(filepath.Join(dir, runs.FileHistory))
	want, err2 := os.ReadFile(filepath.Join(refDir, runs.FileHistory))
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s: the loss curve differs from the uninterrupted run's:\n%s\nwant\n%s", label, got, want)
	}
	if g, w := rowsWithoutTimes(t, dir), rowsWithoutTimes(t, refDir); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: results differ from the uninterrupted run's:\n got %+v\nwant %+v", label, g, w)
	}
}

// TestTrainSurvivesKillAndInterrupt runs `mvmr train` uninterrupted, then in a child process
// that is killed with SIGKILL at a random step and resumed, and in one stopped with SIGINT
// (Ctrl-C) and resumed: both end with the same loss curve, linear-probe and kNN accuracies as
// the uninterrupted run.
func TestTrainSurvivesKillAndInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes; skipped with -short")
	}
	root := t.TempDir()
	const steps = 60
	config := tinyConfig(t, root, steps)
	ref := filepath.Join(root, "ref")
	if code, out, errOut := runCLI("train", config, "--out", ref); code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s\n%s", code, out, errOut)
	}

	// kill -9 at a random step.
	killed := filepath.Join(root, "killed")
	cmd, out := startChild(t, "train", config, "--out", killed)
	target := int64(2 + rand.IntN(20))
	waitForStep(t, cmd, killed, target)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	s, err := runs.ReadStatus(killed)
	if err != nil || s.State != runs.StateRunning || s.Step < target || s.Step >= steps {
		t.Fatalf("after kill -9 at step >= %d: status %+v (%v); want a running run mid-way\n%s", target, s, err, out)
	}
	if code, _, errOut := runCLI("train", config, "--out", killed); code != 2 || !strings.Contains(errOut, "--resume") {
		t.Errorf("train into the killed run's folder without --resume: exit %d, %q; want 2 and a hint to --resume", code, errOut)
	}
	code, stdout, errOut := runCLI("train", config, "--out", killed, "--resume")
	if code != 0 || !strings.Contains(stdout, "resuming") {
		t.Fatalf("resume after kill -9: exit %d\n%s\n%s", code, stdout, errOut)
	}
	sameRun(t, "kill -9 then --resume", killed, ref)

	// SIGINT: checkpoint, exit status 130, resume.
	stopped := filepath.Join(root, "sigint")
	cmd, out = startChild(t, "train", config, "--out", stopped, "--progress", "1ms")
	waitForStep(t, cmd, stopped, 3)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 130 || !strings.Contains(out.String(), "interrupted at step") {
		t.Fatalf("SIGINT: %v; want exit status 130 and the interrupted step printed\n%s", err, out)
	}
	if s, err := runs.ReadStatus(stopped); err != nil || s.State != runs.StateInterrupted {
		t.Fatalf("status after SIGINT %+v (%v)", s, err)
	}
	if code, stdout, errOut := runCLI("train", config, "--out", stopped, "--resume"); code != 0 {
		t.Fatalf("resume after SIGINT: exit %d\n%s\n%s", code, stdout, errOut)
	}
	sameRun(t, "SIGINT then --resume", stopped, ref)
}

func TestTrainBadInput(t *testing.T) {
	dir := t.TempDir()
	config := tinyConfig(t, dir, 2)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train", config, "--set", "lr=-1"}, "lr = -1: expected a positive finite number"},
		{[]string{"train", config, "--set", "batch_sise=3"}, "unknown keys: batch_sise"},
		{[]string{"train", config, "--set", "nokey"}, "expected key=value"},
		{[]string{"train", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"train", config, config}, "expected one config file"},
		{[]string{"sweep", "--shard", "4/4", config}, "--shard = \"4/4\""},
	}
	for _, tc := range cases {
		code, _, errOut := runCLI(tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("mvmr %q: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
	// --print writes the config in full, and it loads back.
	code, out, errOut := runCLI("train", "--print", config, "--set", "l3_mode=official")
	if code != 0 || !strings.Contains(out, "l3_mode: official") || !strings.Contains(out, "batch_size: 16") {
		t.Fatalf("train --print: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := runs.Parse([]byte(out)); err != nil {
		t.Errorf("the printed config does not load: %v", err)
	}
}
