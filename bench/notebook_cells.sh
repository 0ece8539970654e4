#!/bin/bash
# Notebook cell times through GoNB headless (issue 19 item 4): the kit of BEFORE (a git revision,
# default d2049a4, the last one before the cell-time changes) with GoNB's defaults, against this
# checkout with its settings, interleaved (before after before after ...) so that the shared
# machine's load falls on both:
#
#   export GOEXPERIMENT=simd GOTOOLCHAIN=go1.27.3
#   ROUNDS=3 bench/notebook_cells.sh
#
# Each run executes the notebook that bench/notebook_cells.py writes (notebook 01's declarations,
# three cells that only print, a cell that starts a quickstart run, three that resume it and train
# 5 more steps) on a kernel spec of its own built from the installed GoNB kernel's (run
# scripts/setup-notebooks.sh once), and prints every cell's wall clock and the phases measured in
# the cell; then each variant's medians over the cells of all rounds (2 warm print cells and 3
# train cells a round):
#   before: BEFORE's kit (scripts/nb-use-kit.sh and packages), GOFLAGS empty (the link writes the
#           symbol table and DWARF), GoNB's `go get` before every cell's build (its default);
#   after:  this checkout's kit, GOFLAGS=-ldflags=-s (scripts/setup-notebooks.sh's kernel env) and
#           `%noautoget` in the first cell (nb-use-kit.sh made the notebook's module complete).
# OUT (default /tmp/mvmr-notebook-cells) keeps each run's notebook, executed notebook, printout
# and GoNB log (a timestamped line per goimports, go get, go build and run of every cell).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=${ROUNDS:-3}
BEFORE=${BEFORE:-d2049a4}
OUT=${OUT:-/tmp/mvmr-notebook-cells}
mkdir -p "$OUT"
rm -rf "$OUT/kit-before" && mkdir "$OUT/kit-before"
git archive "$BEFORE" | tar -x -C "$OUT/kit-before"
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A prints extras
for r in $(seq "$ROUNDS"); do
  for variant in before after; do
    log="$OUT/$variant-$r.txt"
    if [ "$variant" = before ]; then
      CELLS_KERNEL_ENV="GOFLAGS=" bench/notebook_cells.py "$OUT/kit-before" "$OUT/$variant-$r" >"$log"
    else
      CELLS_KERNEL_ENV="GOFLAGS=-ldflags=-s" bench/notebook_cells.py "$ROOT" "$OUT/$variant-$r" '%noautoget' >"$log"
    fi
    sed "s/^/$variant $r: /" "$log"
    p=$(sed -n 's/^SUMMARY warm_print=\([0-9.]*\).*/\1/p' "$log")
    e=$(sed -n 's/^SUMMARY .*train5_outside=\([0-9.]*\).*/\1/p' "$log")
    # Every cell's value, for the medians over all rounds' cells.
    prints[$variant]+="$(sed -n 's/^VALUES warm_print=\([0-9.,]*\).*/\1/p' "$log" | tr ',' ' ') "
    extras[$variant]+="$(sed -n 's/^VALUES .*train5_outside=\([0-9.,]*\).*/\1/p' "$log" | tr ',' ' ') "
    echo "round $r $variant: warm print cell $p s, train-5-steps cell $e s outside its steps (load $(cut -d' ' -f1-3 /proc/loadavg))"
  done
done
for variant in before after; do
  p=$(echo "${prints[$variant]}" | tr ' ' '\n' | grep . | median)
  e=$(echo "${extras[$variant]}" | tr ' ' '\n' | grep . | median)
  printf "%-6s median over the cells of %d rounds: warm print cell %6.3f s, train-5-steps cell %6.3f s outside its steps\n" "$variant" "$ROUNDS" "$p" "$e"
done
