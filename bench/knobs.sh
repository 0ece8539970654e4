#!/bin/bash
# What each GoMLX CPU knob is worth on one training step of the quickstart CNN (28x28x1), run
# back to back in one go (the machine is shared: compare within one run only).
#   bench/knobs.sh [batch]
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-64}
export GOTOOLCHAIN=go1.27.3
GOEXPERIMENT=simd go build -o /tmp/mvmr-simd ./cmd/mvmr
GOEXPERIMENT= go build -o /tmp/mvmr-nosimd ./cmd/mvmr
flags="-arch cnn -batch $B -warmup 1 -steps 3"
median() { sed -n 's/.*median \([0-9.]*\) s\/step.*/\1/p'; }
base=$(/tmp/mvmr-simd bench $flags | median)
printf "%-55s %8.3f s/step  1.00x\n" "simd, go:parallelism=-1, im2col (default)" "$base"
row() { # label, env..., binary
  local label=$1; shift
  local t
  t=$(env "$@" $flags | median)
  printf "%-55s %8.3f s/step  %.2fx\n" "$label" "$t" "$(echo "$t / $base" | bc -l)"
}
row "no simd" /tmp/mvmr-nosimd bench
row "simd, go:ops_sequential" GOMLX_BACKEND=go:ops_sequential /tmp/mvmr-simd bench
row "simd, native convolution (MVMR_CONV=native)" MVMR_CONV=native /tmp/mvmr-simd bench
row "simd, bfloat16 mixed precision (-precision bfloat16)" /tmp/mvmr-simd bench -precision bfloat16
