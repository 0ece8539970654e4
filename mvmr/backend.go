package mvmr

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	// The pure-Go backend is always compiled in: it needs no plugin and no network.
	_ "github.com/gomlx/compute/gobackend"
)

// DefaultBackendConfig is the backend used when GOMLX_BACKEND is not set: GoMLX's pure-Go
// backend running independent ops in parallel with an unlimited worker pool.
//
// The pure-Go backend's own default bounds its worker pool: every op being executed holds a
// worker slot, and a matmul inside it then waits for a free slot to split its work, so when all
// slots are held by ops waiting for slots it deadlocks (measured on 2-core machines: 6 hangs in
// 16 training runs). With "parallelism=-1" the pool is unlimited: starting an op or a piece of
// work never waits for a slot, so that cycle cannot form; a matmul's fan-out is still capped at
// GOMAXPROCS goroutines. Measured here with internal/cmd/backendstress (two processes at a time,
// each training 40 steps, extracting features and fitting a probe): 30 runs, no hang; the
// bounded default hung in 6 of the 9 runs before the test was stopped. A training step is 2.1×
// faster than "go:ops_sequential", the other configuration that cannot hang (it runs one op at a
// time; set GOMLX_BACKEND=go:ops_sequential to use it).
const DefaultBackendConfig = "go:parallelism=-1"

// BackendEnvVar is the environment variable read by NewBackend (the GoMLX convention).
const BackendEnvVar = compute.ConfigEnvVar

// ConvEnvVar selects how nn.Conv computes convolutions (nn.ParamConvMode): "auto" (or unset),
// nn.ConvIm2Col or nn.ConvNative. NewBackend checks it; it is read once per process, and every
// encoder the kit builds (NewTrainer, LoadTrainer, FineTune, checkpoint teachers) uses it. Both
// modes read the same "weights" variable, so checkpoints move freely between them.
const ConvEnvVar = "MVMR_CONV"

// ConvMode returns the convolution mode named by $MVMR_CONV (nn.ConvAuto when unset), or an
// error naming the variable when its value is unknown.
func ConvMode() (string, error) {
	mode, err := nn.ParseConvMode(os.Getenv(ConvEnvVar))
	if err != nil {
		return "", fmt.Errorf("%s: %w", ConvEnvVar, err)
	}
	return mode, nil
}

// processConvMode is ConvMode read once, at the first call: the environment is read at the
// edge, not while a graph is built.
var processConvMode = sync.OnceValues(ConvMode)

// newEncoderStore returns an empty model.Store for a model with an encoder: its nn.ParamConvMode
// is the process's ConvEnvVar setting.
func newEncoderStore() (*model.Store, error) {
	mode, err := processConvMode()
	if err != nil {
		return nil, fmt.Errorf("mvmr: %w", err)
	}
	store := model.NewStore()
	store.SetParam(nn.ParamConvMode, mode)
	return store, nil
}

// processCacheDir is reps.DefaultFeatureCacheDir read once, at the first NewTrainer: the folder
// of every trainer's feature cache (MVMR_CACHE_DIR).
var processCacheDir = sync.OnceValue(reps.DefaultFeatureCacheDir)

// defaultBackend is the backend of NewTrainer, LoadTrainer and ONNX teachers: NewBackend's,
// created once per process, so GOMLX_BACKEND is read once and every trainer shares the backend.
var defaultBackend = sync.OnceValues(NewBackend)

var warnParallelOnce sync.Once

// BackendConfig returns the backend configuration NewBackend uses: $GOMLX_BACKEND when set and
// not empty; otherwise, in a program built with the tag "xla", XLA on the first installed PJRT
// plugin of cuda, rocm and cpu (see AutoXLAConfig), unless it failed to start before; otherwise
// DefaultBackendConfig.
func BackendConfig() string {
	if v := strings.TrimSpace(os.Getenv(BackendEnvVar)); v != "" {
		return v
	}
	if !autoXLAFailed.Load() {
		if c := AutoXLAConfig(); c != "" {
			return c
		}
	}
	return DefaultBackendConfig
}

// installedPJRTPlugins lists the PJRT plugins installed on this machine by name ("cuda", "cpu",
// ...) to their files, without downloading anything; builds with the tag "xla" set it
// (backend_xla.go), others leave it nil.
var installedPJRTPlugins func() map[string]string

// autoXLAPlugins is the preference order of the plugins AutoXLAConfig picks from.
var autoXLAPlugins = []string{"cuda", "rocm", "cpu"}

// autoXLAFailed records that the automatically chosen XLA backend failed to start in this
// process (an installed CUDA plugin on a machine without a GPU, say): BackendConfig then
// returns DefaultBackendConfig.
var autoXLAFailed atomic.Bool

// AutoXLAConfig returns "xla:<plugin>" for the first installed PJRT plugin of cuda, rocm and cpu
// (searched where GoMLX looks: PJRT_PLUGIN_LIBRARY_PATH, ~/.local/lib/go-xla,
// /usr/local/lib/go-xla, the library path), or "" when none is installed or the program was
// built without the tag "xla".
func AutoXLAConfig() string {
	if installedPJRTPlugins == nil {
		return ""
	}
	plugins := installedPJRTPlugins()
	for _, name := range autoXLAPlugins {
		if _, ok := plugins[name]; ok {
			return "xla:" + name
		}
	}
	return ""
}

// NewBackend creates the compute backend named by BackendConfig.
//
// Only backends compiled into the program can be chosen: the pure-Go backend ("go") always is;
// XLA ("xla:cpu", "xla:cuda") only when built with the build tag "xla" (see backend_xla.go),
// and then only from a PJRT plugin already installed: nothing is ever downloaded.
// An unknown backend name is an error that lists the ones available.
//
// A pure-Go backend in a program built without GOEXPERIMENT=simd on a CPU with AVX2 or AVX-512
// says so once on stderr, with the measured cost and the fix.
//
// When GOMLX_BACKEND is unset and the automatically chosen XLA plugin fails to start, it says so
// on stderr and returns the pure-Go backend (DefaultBackendConfig) instead of failing.
func NewBackend() (compute.Backend, error) {
	config := BackendConfig()
	backend, err := NewBackendWithConfig(config)
	if err != nil && config != DefaultBackendConfig && strings.TrimSpace(os.Getenv(BackendEnvVar)) == "" {
		autoXLAFailed.Store(true)
		fmt.Fprintf(os.Stderr, "mvmr: notice: an installed PJRT plugin was found but %q did not start (%v); using %q "+
			"(set %s to choose)\n", config, err, DefaultBackendConfig, BackendEnvVar)
		return NewBackendWithConfig(DefaultBackendConfig)
	}
	return backend, err
}

// NewBackendWithConfig creates a backend from a "name:options" configuration string, for
// instance "go:ops_sequential" or "xla:cpu".
func NewBackendWithConfig(config string) (compute.Backend, error) {
	if _, err := processConvMode(); err != nil {
		return nil, fmt.Errorf("mvmr: %w", err)
	}
	name, options, _ := strings.Cut(config, ":")
	available := compute.List()
	slices.Sort(available)
	if !slices.Contains(available, name) {
		return nil, fmt.Errorf("mvmr: backend %q (from %s=%q) is not compiled into this program; available: %s "+
			"(XLA needs the build tag \"xla\" and an installed PJRT plugin)",
			name, BackendEnvVar, config, strings.Join(available, ", "))
	}
	if name == "go" && mayDeadlock(options) {
		warnParallelOnce.Do(func() {
			fmt.Fprintf(os.Stderr, "mvmr: warning: %s=%q runs ops in parallel with a bounded worker pool, which can "+
				"deadlock (measured: 6 hangs in 16 runs); %q cannot\n", BackendEnvVar, config, DefaultBackendConfig)
		})
	}
	backend, err := newBackendRecovering(config)
	if err != nil {
		return nil, fmt.Errorf("mvmr: creating backend %q: %w", config, err)
	}
	if name == "go" {
		noticeMissingSIMD()
	}
	return backend, nil
}

// stdoutMu serialises the temporary redirection of os.Stdout in newBackendRecovering.
var stdoutMu sync.Mutex

// newBackendRecovering calls compute.NewWithConfig, turning a panic from a backend constructor
// into an error. The pure-Go backend prints its "parallelism" option to standard output; that
// line is dropped, so that commands printing results (mvmr dcor) keep a clean stdout.
func newBackendRecovering(config string) (backend compute.Backend, err error) {
	stdoutMu.Lock()
	saved := os.Stdout
	if devNull, openErr := os.OpenFile(os.DevNull, os.O_WRONLY, 0); openErr == nil {
		os.Stdout = devNull
		defer devNull.Close()
	}
	defer func() {
		os.Stdout = saved
		stdoutMu.Unlock()
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return compute.NewWithConfig(config)
}

// mayDeadlock reports whether pure-Go backend options combine the parallel op executor with a
// bounded worker pool: every op then holds a worker slot while its matmul waits for another one.
// The sequential executor ("ops_sequential"), an unlimited pool ("parallelism=-1") and no pool
// ("parallelism=0") cannot deadlock that way.
func mayDeadlock(options string) bool {
	if hasOption(options, "ops_sequential") {
		return false
	}
	for part := range strings.SplitSeq(options, ",") {
		key, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		if key == "parallelism" && (strings.TrimSpace(value) == "-1" || strings.TrimSpace(value) == "0") {
			return false
		}
	}
	return true
}

func hasOption(options, option string) bool {
	for part := range strings.SplitSeq(options, ",") {
		if strings.TrimSpace(part) == option {
			return true
		}
	}
	return false
}
