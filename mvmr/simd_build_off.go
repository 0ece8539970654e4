//go:build !goexperiment.simd

package mvmr

// simdBuild reports whether this program was compiled with GOEXPERIMENT=simd; see simd_build.go.
const simdBuild = false
