package atomicfile

import (
	"io"
	"sync/atomic"
)

// injected is the write fault of InjectFault, if any.
var injected atomic.Pointer[func(path string) error]

// FaultBytes is how many bytes a faulty write accepts before it fails: a disk that fills up in
// the middle of a file.
const FaultBytes = 512

// InjectFault makes every later Write of a path for which fault returns an error fail with that
// error after FaultBytes bytes (a shorter file fails at its sync), as a full disk (syscall.ENOSPC) or a folder that cannot be
// written (syscall.EACCES) does; fault returning nil leaves that write alone. It is for tests,
// which run as root in CI (permissions do not stop root, so a read-only folder cannot stand in
// for the fault). The returned function removes the fault.
func InjectFault(fault func(path string) error) (remove func()) {
	injected.Store(&fault)
	return func() { injected.Store(nil) }
}

// faultWriter passes FaultBytes bytes to w, then fails with err.
type faultWriter struct {
	w       io.Writer
	written int
	err     error
}

func (f *faultWriter) Write(p []byte) (int, error) {
	room := max(FaultBytes-f.written, 0)
	if len(p) <= room {
		n, err := f.w.Write(p)
		f.written += n
		return n, err
	}
	n, _ := f.w.Write(p[:room])
	f.written += n
	return n, f.err
}
