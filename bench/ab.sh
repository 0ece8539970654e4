#!/bin/bash
# Before/after of two or more mvmr binaries on one `mvmr bench` step, interleaved (A B C A B C
# ...) so that the shared machine's load falls on all alike; prints each run's median s/step,
# then each binary's median over the rounds and its ratio to the first binary's.
#
#   export GOEXPERIMENT=simd GOTOOLCHAIN=go1.27.3   # GOTOOLCHAIN=local for commits before GoMLX v0.28.14
#   go build -o /tmp/mvmr-a ./cmd/mvmr   # at the old commit
#   go build -o /tmp/mvmr-b ./cmd/mvmr   # at the new one
#   ROUNDS=5 bench/ab.sh /tmp/mvmr-a /tmp/mvmr-b -- -arch resnet18 -small-kernel -projector 512-512 -batch 128 -size 32 -channels 3
#
# ROUNDS (default 3) rounds, each binary once per round with `-warmup 1 -steps STEPS` (default 3).
# TORCH=1 adds bench/torch_step.py (PyTorch CPU, THREADS threads, default 2) to every round, so the
# Go/PyTorch ratios of before and after come from one interleaved run; pass the flags in the
# --flag form both accept:
#
#   TORCH=1 bench/ab.sh /tmp/mvmr-a /tmp/mvmr-b -- --arch cnn --batch 256 --size 28 --channels 1
set -euo pipefail
bins=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do bins+=("$1"); shift; done
[ $# -gt 0 ] && shift
if [ ${#bins[@]} -lt 2 ]; then
  echo "usage: bench/ab.sh BINARY_A BINARY_B [...] -- mvmr bench flags" >&2
  exit 2
fi
[ "${TORCH:-0}" = 1 ] && bins+=(torch)
ROUNDS=${ROUNDS:-3}
STEPS=${STEPS:-3}
median_of_run() {
  if [ "$1" = torch ]; then
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 "$(dirname "$0")/torch_step.py" "${@:2}" \
      --warmup 1 --steps "$STEPS" --threads "${THREADS:-2}"
  else
    "$1" bench "${@:2}" -warmup 1 -steps "$STEPS"
  fi | sed -n 's/.*median \([0-9.]*\) s\/step.*/\1/p'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A times
for r in $(seq "$ROUNDS"); do
  line="round $r:"
  for i in "${!bins[@]}"; do
    t=$(median_of_run "${bins[$i]}" "$@")
    times[$i]+="$t "
    line+=" ${bins[$i]##*/} $t"
  done
  echo "$line s/step (load $(cut -d' ' -f1-3 /proc/loadavg))"
done
first=$(echo "${times[0]}" | tr ' ' '\n' | grep . | median)
for i in "${!bins[@]}"; do
  m=$(echo "${times[$i]}" | tr ' ' '\n' | grep . | median)
  printf "%-30s median %8.4f s/step  %.3fx the first\n" "${bins[$i]}" "$m" "$(echo "$m / $first" | bc -l)"
done
