package mvmr

import (
	"io"
	"os"
	"strings"
	"testing"
)

func TestNewBackendWithConfig(t *testing.T) {
	if _, err := NewBackendWithConfig("nosuchbackend:x"); err == nil ||
		!strings.Contains(err.Error(), `"nosuchbackend"`) || !strings.Contains(err.Error(), "available: go") {
		t.Errorf("unknown backend: error %v, want one naming it and listing the available ones", err)
	}
	if _, err := NewBackendWithConfig("go:frobnicate"); err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Errorf("bad option: %v", err)
	}
	// The pure-Go backend prints its parallelism option; NewBackend keeps stdout clean.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	backend, err := NewBackendWithConfig("go:parallelism=-1")
	os.Stdout = saved
	w.Close()
	printed, _ := io.ReadAll(r)
	if err != nil || backend == nil {
		t.Fatalf("go:parallelism=-1: %v", err)
	}
	if len(printed) > 0 {
		t.Errorf("creating the backend printed %q to stdout", printed)
	}
}

func TestBackendConfigFromEnvironment(t *testing.T) {
	t.Setenv(BackendEnvVar, "")
	if got := BackendConfig(); got != DefaultBackendConfig {
		t.Errorf("unset %s: BackendConfig() = %q, want %q", BackendEnvVar, got, DefaultBackendConfig)
	}
	t.Setenv(BackendEnvVar, "go:ops_sequential")
	if got := BackendConfig(); got != "go:ops_sequential" {
		t.Errorf("BackendConfig() = %q, want the environment's value", got)
	}
}

func TestMayDeadlock(t *testing.T) {
	for options, want := range map[string]bool{
		"":                                true,
		"ops_parallel":                    true,
		"parallelism=64":                  true,
		"ops_sequential":                  false,
		"parallelism=-1":                  false,
		"ops_parallel,parallelism=-1":     false,
		"parallelism=0":                   false,
		"ops_sequential,parallelism=8":    false,
		"dependency_order,parallelism=16": true,
	} {
		if got := mayDeadlock(options); got != want {
			t.Errorf("mayDeadlock(%q) = %v, want %v", options, got, want)
		}
	}
}
