#!/bin/bash
# The matrix products of the kit's training step beside OpenBLAS on the same shapes: builds the per-op
# tracing binary (bench/optrace), traces a few steps of ResNet-18 and of the quickstart CNN one op at a
# time, then times torch.mm on each product's shape (bench/matmul/compare.py). Run it on an idle machine.
#
#   bench/matmul/run.sh            # both; the traces and tables go to $OUT (default /tmp/matmul)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/matmul}
mkdir -p "$OUT"
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=${GOEXPERIMENT-simd}
bench/optrace/optrace.sh "$OUT/mvmr-trace"
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread
trace() { # name, then the bench flags
  local name=$1; shift
  rm -f "$OUT/trace-$name.txt"
  OPTRACE="$OUT/trace-$name.txt" GOMLX_BACKEND=go:ops_sequential "$OUT/mvmr-trace" bench "$@"
  sleep 1 # the trace is written every 0.3 s
  /usr/bin/python3 bench/matmul/compare.py "$OUT/trace-$name.txt" 2 5 | tee "$OUT/products-$name.md"
}
trace resnet18 -arch resnet18 -small-kernel -projector 512-512 -batch 128 -size 32 -channels 3 -warmup 1 -steps 6
trace cnn -arch cnn -batch 256 -size 28 -channels 1 -warmup 1 -steps 8
