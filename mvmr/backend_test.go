package mvmr

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
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

// withInstalledPlugins makes AutoXLAConfig see plugins for the test, as a program built with the
// tag "xla" on a machine with those plugins installed would.
func withInstalledPlugins(t *testing.T, plugins map[string]string) {
	t.Helper()
	saved := installedPJRTPlugins
	installedPJRTPlugins = func() map[string]string { return plugins }
	autoXLAFailed.Store(false)
	t.Cleanup(func() {
		installedPJRTPlugins = saved
		autoXLAFailed.Store(false)
	})
}

func TestAutoXLAConfigPrefersGPUPlugins(t *testing.T) {
	t.Setenv(BackendEnvVar, "")
	for _, tc := range []struct {
		plugins []string
		want    string
	}{
		{nil, DefaultBackendConfig},
		{[]string{"cpu"}, "xla:cpu"},
		{[]string{"cpu", "cuda"}, "xla:cuda"},
		{[]string{"rocm", "cpu"}, "xla:rocm"},
		{[]string{"tpu_experimental"}, DefaultBackendConfig},
	} {
		plugins := map[string]string{}
		for _, name := range tc.plugins {
			plugins[name] = "/opt/plugins/pjrt_c_api_" + name + "_plugin.so"
		}
		withInstalledPlugins(t, plugins)
		if got := BackendConfig(); got != tc.want {
			t.Errorf("plugins %v: BackendConfig() = %q, want %q", tc.plugins, got, tc.want)
		}
	}
	// GOMLX_BACKEND always wins.
	withInstalledPlugins(t, map[string]string{"cuda": "/opt/plugins/pjrt_c_api_cuda_plugin.so"})
	t.Setenv(BackendEnvVar, "go:ops_sequential")
	if got := BackendConfig(); got != "go:ops_sequential" {
		t.Errorf("with %s set: BackendConfig() = %q, want the environment's value", BackendEnvVar, got)
	}
}

// An installed plugin that does not start (here: XLA is not compiled into the test binary) must
// not stop the program: NewBackend says so on stderr and returns the pure-Go backend, and
// BackendConfig then reports the backend in use.
func TestAutoXLAFallsBackToTheGoBackend(t *testing.T) {
	t.Setenv(BackendEnvVar, "")
	withInstalledPlugins(t, map[string]string{"cuda": "/opt/plugins/pjrt_c_api_cuda_plugin.so"})
	if got := BackendConfig(); got != "xla:cuda" {
		t.Fatalf("BackendConfig() = %q, want xla:cuda", got)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	backend, err := NewBackend()
	os.Stderr = saved
	w.Close()
	notice, _ := io.ReadAll(r)
	if err != nil {
		t.Fatalf("NewBackend with a plugin that cannot start: %v", err)
	}
	if backend.Name() != "Go Backend" {
		t.Errorf("fell back to %q, want the pure-Go backend", backend.Name())
	}
	if !strings.Contains(string(notice), `"xla:cuda" did not start`) || !strings.Contains(string(notice), DefaultBackendConfig) {
		t.Errorf("stderr notice %q: want one naming xla:cuda and %s", notice, DefaultBackendConfig)
	}
	if got := BackendConfig(); got != DefaultBackendConfig {
		t.Errorf("after the fallback BackendConfig() = %q, want %q", got, DefaultBackendConfig)
	}
	// With GOMLX_BACKEND naming it, the same failure is an error: the user asked for it.
	t.Setenv(BackendEnvVar, "xla:cuda")
	if _, err := NewBackend(); err == nil {
		t.Error("GOMLX_BACKEND=xla:cuda without XLA compiled in: no error")
	}
}

// MVMR_CONV is read at the edge: ConvMode parses it, naming the variable when it is unknown.
func TestConvModeReadsTheEnvironment(t *testing.T) {
	for value, want := range map[string]string{"": nn.ConvAuto, "native": nn.ConvNative, "im2col": nn.ConvIm2Col} {
		t.Setenv(ConvEnvVar, value)
		if got, err := ConvMode(); err != nil || got != want {
			t.Errorf("%s=%q: ConvMode() = %q, %v; want %q", ConvEnvVar, value, got, err, want)
		}
	}
	t.Setenv(ConvEnvVar, "winograd")
	if _, err := ConvMode(); err == nil || !strings.Contains(err.Error(), ConvEnvVar) {
		t.Errorf("%s=winograd: ConvMode() error = %v; want one naming %s", ConvEnvVar, err, ConvEnvVar)
	}
}
