package mvmr

import (
	"fmt"
	"os"
	"runtime"
	"sync"

	"golang.org/x/sys/cpu"
)

// noSIMDSlowdown is the measured cost of a build without GOEXPERIMENT=simd on an AVX-512 CPU
// (GoMLX v0.28.14 with the reformulated step, 2026-12-03 09:27 UTC, idle machine,
// bench/README.md): the quickstart CNN's training step took 7.0× and 6.9× as long at B=64 (two
// runs of bench/knobs.sh 64) and 8.1× at B=256 (bench/knobs.sh 256). It was 3.9-5.6× on
// 2026-12-02, before the step without strided slices sped up the SIMD build.
const noSIMDSlowdown = 7.0

var simdNoticeOnce sync.Once

// noticeMissingSIMD says once on stderr that the pure-Go backend runs without its vector kernels
// because the program was built without GOEXPERIMENT=simd, when this CPU has them.
func noticeMissingSIMD() {
	simdNoticeOnce.Do(func() {
		if msg := missingSIMDNotice(simdBuild, runtime.GOARCH, cpu.X86.HasAVX2, cpu.X86.HasAVX512F); msg != "" {
			fmt.Fprintln(os.Stderr, msg)
		}
	})
}

// missingSIMDNotice is the notice for a program built with or without GOEXPERIMENT=simd on a CPU
// of this architecture with or without AVX2 and AVX-512, or "" when nothing is lost.
func missingSIMDNotice(built bool, goarch string, avx2, avx512 bool) string {
	if built || goarch != "amd64" || !(avx2 || avx512) {
		return ""
	}
	ext := "AVX2"
	if avx512 {
		ext = "AVX-512"
	}
	return fmt.Sprintf("mvmr: notice: this program was built without GOEXPERIMENT=simd, so the pure-Go backend "+
		"leaves this CPU's %s unused (measured: a training step about %.0f× slower); rebuild with "+
		"GOEXPERIMENT=simd, e.g. `GOEXPERIMENT=simd go install ./cmd/mvmr` or `GOEXPERIMENT=simd go run ./cmd/mvmr ...`",
		ext, noSIMDSlowdown)
}
