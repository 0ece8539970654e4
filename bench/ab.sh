#!/bin/bash
# Before/after of two mvmr binaries on one `mvmr bench` step, interleaved (A B A B ...) so that
# the shared machine's load falls on both alike; prints each run's median s/step, the median of
# each side and the ratio B/A.
#
#   go build -o /tmp/mvmr-a ./cmd/mvmr   # at the old commit
#   go build -o /tmp/mvmr-b ./cmd/mvmr   # at the new one
#   ROUNDS=5 bench/ab.sh /tmp/mvmr-a /tmp/mvmr-b -arch resnet18 -small-kernel -projector 512-512 -batch 128 -size 32 -channels 3
#
# ROUNDS (default 3) pairs of runs, each `-warmup 1 -steps STEPS` (default 3).
set -euo pipefail
a=$1 b=$2
shift 2
ROUNDS=${ROUNDS:-3}
STEPS=${STEPS:-3}
median_of_run() { "$1" bench "${@:2}" -warmup 1 -steps "$STEPS" | sed -n 's/.*median \([0-9.]*\) s\/step.*/\1/p'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
as=() bs=()
for r in $(seq "$ROUNDS"); do
  ta=$(median_of_run "$a" "$@")
  tb=$(median_of_run "$b" "$@")
  as+=("$ta") bs+=("$tb")
  printf "round %d: A %s s/step, B %s s/step, B/A %.3f  (load %s)\n" "$r" "$ta" "$tb" "$(echo "$tb / $ta" | bc -l)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
done
ma=$(printf "%s\n" "${as[@]}" | median)
mb=$(printf "%s\n" "${bs[@]}" | median)
printf "A %s: median %.4f s/step\nB %s: median %.4f s/step\nB/A = %.3f\n" "$a" "$ma" "$b" "$mb" "$(echo "$mb / $ma" | bc -l)"
