#!/bin/bash
# Data-parallel check (parallel.devices) for a machine with two or more GPUs and the jax CUDA
# PJRT plugin: times the training step on 1 and on N devices with the same global batch, and
# compares their losses (the N-device step computes the one-device loss, so they must agree
# to float32 rounding). Build the binary first, beside this script:
#   GOTOOLCHAIN=go1.27.3 CGO_ENABLED=1 go build -tags xla -o bench/gpu/mvmr-xla ./cmd/mvmr
# Usage: bench/gpu/dataparallel_check.sh [N] (default: every GPU nvidia-smi lists).
set -uo pipefail
cd "$(dirname "$0")"
N=${1:-$(nvidia-smi -L | wc -l)}
if [ "$N" -lt 2 ]; then
  echo "dataparallel_check: this machine has $N GPU(s); data parallel needs 2 or more" >&2
  exit 2
fi
SP=$(python3 -c "import site; print(site.getsitepackages()[0])")
PLUGIN=$(find "$SP/jax_plugins" -name 'xla_cuda_plugin.so' | head -1)
mkdir -p /tmp/pj/lib && ln -sf "$PLUGIN" /tmp/pj/lib/pjrt_c_api_cuda_plugin.so && ln -sfn "$SP/nvidia" /tmp/pj/nvidia
export PATH="/usr/local/cuda/bin:$PATH" XLA_FLAGS="--xla_gpu_cuda_data_dir=/usr/local/cuda"
export LD_LIBRARY_PATH="$(find "$SP/nvidia" -maxdepth 3 -name lib -type d | tr '\n' ':')${LD_LIBRARY_PATH:-}"
export PJRT_PLUGIN_LIBRARY_PATH=/tmp/pj/lib GOMLX_BACKEND=xla:cuda
R="-arch resnet50 -small-kernel -batch $((64 * N)) -size 96 -channels 3 -warmup 2 -steps 8"
one=$(./mvmr-xla bench $R -devices 1 | tee /dev/stderr)
many=$(./mvmr-xla bench $R -devices "$N" | tee /dev/stderr)
loss() { sed -n 's/.*loss \([-0-9.e+]*\).*/\1/p' <<<"$1"; }
rate() { sed -n 's/.* \([0-9.]*\) steps\/s.*/\1/p' <<<"$1"; }
awk -v a="$(loss "$one")" -v b="$(loss "$many")" -v ra="$(rate "$one")" -v rb="$(rate "$many")" -v n="$N" 'BEGIN {
  d = a - b; if (d < 0) d = -d
  printf "loss 1 device %s, %d devices %s (|diff| %.2g); steps/s %s vs %s (%.2fx)\n", a, n, b, d, ra, rb, rb / ra
  if (a == "" || b == "" || d > 1e-3 * (a < 0 ? -a : a) + 1e-4) { print "MISMATCH"; exit 1 }
  print "OK" }'
