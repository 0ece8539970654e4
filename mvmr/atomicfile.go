package mvmr

import (
	"io"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
)

// WriteFileAtomic writes a file so that a reader (or a crash) sees either the old content or the
// complete new one, never a partial file: write writes to a temporary file in the same folder,
// which is synced and renamed over path. On error path is left as it was.
func WriteFileAtomic(path string, write func(w io.Writer) error) error {
	return atomicfile.Write(path, write)
}
