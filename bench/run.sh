#!/bin/bash
# Side by side on this machine: one MV-MR training step (both views, mse + std + dcor_zz, Adam) of
# the quickstart CNN (28x28x1, B=256) and of ResNet-18 (small_kernel stem, 32x32x3, B=128,
# projector 512-512) with GoMLX's pure-Go backend (mvmr bench) and with PyTorch CPU
# (bench/torch_step.py), then the Go/PyTorch ratio of the median step times.
#
#   bench/run.sh            # both encoders
#   STEPS=5 bench/run.sh cnn
#
# PyTorch: Debian's /usr/bin/python3 with python3-torch and libopenblas0-pthread, 2 threads.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${STEPS:-3}
THREADS=${THREADS:-2}
export GOEXPERIMENT=${GOEXPERIMENT-simd} GOTOOLCHAIN=go1.27.3
go build -o /tmp/mvmr-bench ./cmd/mvmr
median() { sed -n 's/.*median \([0-9.]*\) s\/step.*/\1/p'; }
run() { # name, then the shared flags
  local name=$1; shift
  local go torch
  go=$(/tmp/mvmr-bench bench "$@" -warmup 1 -steps "$STEPS")
  echo "$go"
  torch=$(LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 bench/torch_step.py "$@" \
    --warmup 1 --steps "$STEPS" --threads "$THREADS")
  echo "$torch"
  awk -v n="$name" -v g="$(echo "$go" | median)" -v t="$(echo "$torch" | median)" \
    'BEGIN { printf "%s: go %.3f s/step, pytorch %.3f s/step, go/pytorch = %.2fx\n", n, g, t, g / t }'
}
targets=${*:-cnn resnet18}
for target in $targets; do
  case $target in
  cnn) run cnn --arch cnn --batch 256 --size 28 --channels 1 ;;
  resnet18) run resnet18 --arch resnet18 --small-kernel --projector 512-512 --batch 128 --size 32 --channels 3 ;;
  *) echo "unknown target $target; expected cnn or resnet18" >&2; exit 2 ;;
  esac
done
