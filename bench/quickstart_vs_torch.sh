#!/bin/bash
# The kit's quickstart recipe beside the same recipe in PyTorch on this machine: accuracy (linear probe
# and weighted kNN k=20 on h) against training wall clock, as a PNG and a markdown table.
#
#   bench/quickstart_vs_torch.sh                      # PRESET=quickstart: 1500 steps (mvmr.QuickstartSteps), 4 min budget, a point every 30 s
#   PRESET=long bench/quickstart_vs_torch.sh          # 9500 steps, 20 min budget, a point every 2 min
#   KIT_ONLY=1 PRESET=long bench/quickstart_vs_torch.sh   # the kit alone (no PyTorch curve, no equivalence check)
#   SEEDS="1 2 3" bench/quickstart_vs_torch.sh        # one curve per framework and seed
#   BUDGET=20 EVERY=10 PROBE_TRAIN=5000 PROBE_TEST=2000 PROBE_EPOCHS=2 OUT=/tmp/qvt bench/quickstart_vs_torch.sh   # smoke test
#
# Steps, in order, each alone on the machine (run it on a quiet machine: the two frameworks take turns,
# so other load shifts one curve against the other):
#   1. mvmr data export mnist: the kit's embedded MNIST as .npy, so both train and probe on the same images;
#   2. the equivalence check: one quickstart step of the kit (weights, batch, loss terms, gradient) recomputed
#      in PyTorch (bench/torch_quickstart.py --check: loss terms within 1e-4, gradients within 2e-2);
#   3. per seed, the kit (bench/torchcmp curve) then PyTorch (bench/torch_quickstart.py), each training until
#      STEPS steps or BUDGET seconds of training wall clock and pausing the clock every EVERY seconds to probe
#      (the probes' time is not counted);
#   4. bench/torchcmp plot: OUT/curve.png and OUT/curve.md from every CSV.
# PyTorch runs with 2 threads (THREADS); the kit with GoMLX's pure-Go backend (GOMLX_BACKEND as set).
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${PRESET:-quickstart}
case $PRESET in
quickstart) steps=1500 budget=240 every=30 ;;
long) steps=9500 budget=1200 every=120 ;;   # 9500 steps: what `mvmr quickstart -budget 20m` chose on 2 idle cores (2026-12-03 11:50 UTC)
*) echo "PRESET=$PRESET; expected quickstart or long" >&2; exit 2 ;;
esac
STEPS=${STEPS:-$steps}
BUDGET=${BUDGET:-$budget}
EVERY=${EVERY:-$every}
SEEDS=${SEEDS:-1}
THREADS=${THREADS:-2}
PROBE_TRAIN=${PROBE_TRAIN:-60000}
PROBE_TEST=${PROBE_TEST:-10000}
PROBE_EPOCHS=${PROBE_EPOCHS:-20}
OUT=${OUT:-bench/results/quickstart_vs_torch_$PRESET}   # small files to commit: CSVs, check.txt, curve.{png,md}
DATA=${DATA:-${TMPDIR:-/tmp}/mvmr-mnist-npy}             # the exported MNIST (55 MB), outside the repository
export GOEXPERIMENT=${GOEXPERIMENT-simd} GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
python=(env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3)

mkdir -p "$OUT"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/mvmr" ./cmd/mvmr
go build -o "$bin/torchcmp" ./bench/torchcmp

if [ ! -f "$DATA/test_labels.npy" ]; then
  "$bin/mvmr" data export mnist -out "$DATA"
fi

KIT_ONLY=${KIT_ONLY:-}
if [ -z "$KIT_ONLY" ]; then
  echo "== equivalence check: one quickstart step (batch 256, seed 1) in the kit and in PyTorch"
  "$bin/torchcmp" step -out "$bin/step" -batch 256 -seed 1 -steps "$STEPS" >/dev/null
  "${python[@]}" bench/torch_quickstart.py --check "$bin/step" --threads "$THREADS" | tee "$OUT/check.txt"
fi

csvs=()
for seed in $SEEDS; do
  echo "== seed $seed: the kit ($STEPS steps or ${BUDGET}s, a point every ${EVERY}s)"
  "$bin/torchcmp" curve -out "$OUT/kit_seed$seed.csv" -steps "$STEPS" -seed "$seed" -budget "${BUDGET}s" -every "${EVERY}s" \
    -probe-train "$PROBE_TRAIN" -probe-test "$PROBE_TEST" -probe-epochs "$PROBE_EPOCHS"
  csvs+=("$OUT/kit_seed$seed.csv")
  [ -n "$KIT_ONLY" ] && continue
  echo "== seed $seed: PyTorch, $THREADS threads"
  "${python[@]}" bench/torch_quickstart.py --data "$DATA" --out "$OUT/torch_seed$seed.csv" --steps "$STEPS" --seed "$seed" \
    --budget "$BUDGET" --every "$EVERY" --threads "$THREADS" \
    --probe-train "$PROBE_TRAIN" --probe-test "$PROBE_TEST" --probe-epochs "$PROBE_EPOCHS"
  csvs+=("$OUT/torch_seed$seed.csv")
done
what="kit vs PyTorch, $THREADS threads"
[ -n "$KIT_ONLY" ] && what="the kit alone"
"$bin/torchcmp" plot -png "$OUT/curve.png" -md "$OUT/curve.md" \
  -title "MV-MR quickstart recipe on MNIST, $what ($(date -u +%F))" "${csvs[@]}"
{
  echo
  echo "Command: ${KIT_ONLY:+KIT_ONLY=1 }PRESET=$PRESET STEPS=$STEPS BUDGET=$BUDGET EVERY=$EVERY SEEDS=\"$SEEDS\" PROBE_TRAIN=$PROBE_TRAIN PROBE_TEST=$PROBE_TEST PROBE_EPOCHS=$PROBE_EPOCHS bench/quickstart_vs_torch.sh, $(date -u '+%F %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)."
} >>"$OUT/curve.md"
cat "$OUT/curve.md"
