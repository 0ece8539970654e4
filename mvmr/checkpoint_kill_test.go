package mvmr

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// TestMain lets the kill test re-run this test binary as a child that saves checkpoints in a loop.
// It also points the feature cache at a temporary folder, so tests leave the user cache alone.
func TestMain(m *testing.M) {
	if path := os.Getenv("MVMR_TEST_SAVE_LOOP"); path != "" {
		saveLoop(path)
		return
	}
	if os.Getenv(reps.FeatureCacheEnvVar) == "" {
		dir, err := os.MkdirTemp("", "mvmr-test-cache")
		if err == nil {
			os.Setenv(reps.FeatureCacheEnvVar, dir)
			defer os.RemoveAll(dir)
		}
	}
	code := m.Run()
	if dir := os.Getenv(reps.FeatureCacheEnvVar); strings.Contains(dir, "mvmr-test-cache") {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

func saveLoop(path string) {
	train, _ := testutil.MNIST(nopTB{}, 512, 0)
	backend, err := NewBackend()
	if err != nil {
		os.Exit(3)
	}
	tr, err := NewTrainerWithBackend(backend, tinyConfig(1000), train)
	if err != nil {
		os.Exit(3)
	}
	for {
		if err := tr.Train(1); err != nil {
			os.Exit(4)
		}
		if err := tr.Save(path); err != nil {
			os.Exit(5)
		}
		os.WriteFile(path+".saved", []byte("1"), 0o644)
	}
}

// TestCheckpointSurvivesKill kills a process that is saving checkpoints back to back, at random
// moments, and checks that the checkpoint file then always loads: a kill during a save leaves the
// previous complete checkpoint.
func TestCheckpointSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes; skipped with -short")
	}
	train, _ := testutil.MNIST(t, 512, 0)
	rng := rand.New(rand.NewPCG(51, 52))
	for round := range 4 {
		dir := t.TempDir()
		path := filepath.Join(dir, "ckpt.mvmr")
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "MVMR_TEST_SAVE_LOOP="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for the first complete save, then kill at a random moment of the loop.
		deadline := time.Now().Add(2 * time.Minute)
		for {
			if _, err := os.Stat(path + ".saved"); err == nil {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatal("the child never saved a checkpoint")
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		tr, err := LoadTrainerWithBackend(testBackend(t), path, train)
		if err != nil {
			t.Fatalf("round %d: checkpoint unreadable after kill -9: %v", round, err)
		}
		if tr.Step() < 1 || int64(tr.History().Len()) != tr.Step() {
			t.Errorf("round %d: loaded step %d with %d history rows", round, tr.Step(), tr.History().Len())
		}
		tr.Close()
	}
}

// nopTB lets testMNIST run outside a test.
type nopTB struct{ testing.TB }

func (nopTB) Helper()           {}
func (nopTB) Fatal(args ...any) { os.Exit(6) }
