package mvmr

import (
	"testing"

	"github.com/gomlx/compute"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// testBackend returns the backend shared by the package's tests, made by NewBackend (it respects
// GOMLX_BACKEND and defaults to DefaultBackendConfig); the other helpers are in internal/testutil.
func testBackend(t testing.TB) compute.Backend {
	t.Helper()
	return testutil.SharedBackend(t, NewBackend)
}
