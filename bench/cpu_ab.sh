#!/bin/bash
# CPU seconds (user + system) per training step of two or more mvmr binaries, interleaved: each
# binary runs `mvmr bench` once with -steps SHORT (default 1) and once with -steps LONG (default 6)
# after one warm-up step, and the difference of the two processes' CPU time over LONG-SHORT is the
# CPU cost of one step, compile and start-up excluded. On a machine shared with other jobs this
# moves far less than wall-clock time (which waits for the CPUs), so it is the before/after figure
# to quote when the load average is high; it counts spinning worker threads as work too.
#
#   ROUNDS=2 bench/cpu_ab.sh /tmp/mvmr-a /tmp/mvmr-b -- -arch cnn -batch 256 -size 28 -channels 1
#
# Go builds only: PyTorch's OpenBLAS threads spin while they wait for a core, so on a loaded machine
# its CPU time overstates its work (1.34-1.38 CPU-s per quickstart step at load 20, 2026-12-03,
# against 0.26 s of wall clock on an idle machine).
set -euo pipefail
bins=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do bins+=("$1"); shift; done
[ $# -gt 0 ] && shift
if [ ${#bins[@]} -lt 1 ]; then
  echo "usage: bench/cpu_ab.sh BINARY... -- mvmr bench flags" >&2
  exit 2
fi
ROUNDS=${ROUNDS:-2} SHORT=${SHORT:-1} LONG=${LONG:-6}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cpu() { /usr/bin/time -f "%U %S" "$@" >/dev/null 2>"$tmp"; tail -1 "$tmp" | awk '{ print $1 + $2 }'; }
for r in $(seq "$ROUNDS"); do
  line="round $r:"
  for b in "${bins[@]}"; do
    short=$(cpu "$b" bench "$@" -warmup 1 -steps "$SHORT")
    long=$(cpu "$b" bench "$@" -warmup 1 -steps "$LONG")
    line+=" ${b##*/} $(awk -v a="$short" -v c="$long" -v n=$((LONG - SHORT)) 'BEGIN { printf "%.3f", (c - a) / n }')"
  done
  echo "$line cpu-s/step (load $(cut -d' ' -f1-3 /proc/loadavg))"
done
