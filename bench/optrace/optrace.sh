#!/bin/bash
# Per-op time of the pure-Go backend: builds `mvmr` against a copy of the compute module whose
# executor adds up the wall time of every op by (op, output shape <- input shapes) and writes the
# table, largest first, to $OPTRACE every 0.3 s. Nothing in this repository or the module cache
# changes: the copy lives in $WORK and the build uses a go.work file there.
#
#   bench/optrace/optrace.sh /tmp/mvmr-trace
#   OPTRACE=/tmp/trace.txt GOMLX_BACKEND=go:ops_sequential /tmp/mvmr-trace bench -arch cnn -batch 256 -size 28 -channels 1 -warmup 1 -steps 8
#   head -40 /tmp/trace.txt
#
# With go:ops_sequential (one op at a time) the times add up to the step's; with the default
# parallel executor, ops overlap and the sum exceeds the wall clock.
set -euo pipefail
out=${1:?usage: bench/optrace/optrace.sh OUTPUT_BINARY}
cd "$(dirname "$0")/../.."
export GOTOOLCHAIN=go1.27.3 GOEXPERIMENT=${GOEXPERIMENT-simd}
version=$(go list -m -f '{{.Version}}' github.com/gomlx/compute)
src=$(go list -m -f '{{.Dir}}' github.com/gomlx/compute)
WORK=${WORK:-$(mktemp -d)}
rm -rf "$WORK/compute"
cp -r "$src" "$WORK/compute"
chmod -R u+w "$WORK/compute"
exe="$WORK/compute/internal/gobackend/executable.go"
sed -i 's/^func (fe \*FunctionExecutable) executeNode(/func (fe *FunctionExecutable) executeNodeOrig(/' "$exe"
grep -q executeNodeOrig "$exe" || { echo "optrace: executeNode not found in $exe (compute $version changed)" >&2; exit 1; }
cp bench/optrace/optrace.go.in "$WORK/compute/internal/gobackend/optrace.go"
cat > "$WORK/go.work" <<WORKEOF
go 1.27

use $PWD

replace github.com/gomlx/compute $version => $WORK/compute
WORKEOF
GOWORK="$WORK/go.work" go build -o "$out" ./cmd/mvmr
echo "built $out (compute $version with per-op timing; set OPTRACE=FILE to record)"
