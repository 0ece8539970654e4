//go:build goexperiment.simd

package mvmr

// simdBuild reports whether this program was compiled with GOEXPERIMENT=simd, which compiles in
// the pure-Go backend's AVX2/AVX-512 kernels (files tagged amd64 && goexperiment.simd).
const simdBuild = true
