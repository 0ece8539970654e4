//go:build xla

package mvmr

// Built with `-tags xla`, programs also carry GoMLX's XLA backend (PJRT plugins, CPU or CUDA):
// it is used when a plugin is installed, or selected with GOMLX_BACKEND=xla:cpu or
// GOMLX_BACKEND=xla:cuda. Only the plugin loader is
// imported, never go-xla's autoinstall package: a missing plugin is an error that says so
// ("no plugins found"), nothing is downloaded. Install a plugin on a networked machine (see the
// README) or point PJRT_PLUGIN_LIBRARY_PATH at one.
import (
	"sync"

	_ "github.com/gomlx/go-xla/compute/xla"
	"github.com/gomlx/go-xla/pjrt"
)

// With XLA compiled in, an unset GOMLX_BACKEND picks the first installed plugin of cuda, rocm
// and cpu (AutoXLAConfig); the search runs once per process.
func init() {
	installedPJRTPlugins = sync.OnceValue(pjrt.AvailablePlugins)
}
