#!/usr/bin/env bash
# The test command. On a fresh Debian/Ubuntu machine with Go (1.21 or later: the go command then
# fetches Go 1.27.3, go.mod's toolchain, from the module proxy once, 76 MB) it installs what it needs
# (Jupyter's headless executor and the Python references of some tests, Debian's python3-torch and
# python3-onnx, from apt; GoNB and goimports from go.mod's tool directives),
# then vets and tests everything with GOEXPERIMENT=simd, builds and tests again without it,
# and executes every notebook under notebooks/ headless, failing on any error, panic or
# `exit status` in a cell and on missing expected outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
# GoMLX v0.28.14 needs Go 1.27; pinned here so a machine whose go.env says GOTOOLCHAIN=local works too.
export GOTOOLCHAIN=go1.27.3

echo "== setup: Jupyter, GoNB, goimports, GoNB kernel"
./scripts/setup-notebooks.sh
export PATH="$PWD/bin:$PATH"

echo "== setup: the Python references some tests compare with (Debian's torch, onnx; skipped without them)"
if ! /usr/bin/python3 -c "import torch, onnx, numpy" >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    python3-torch python3-onnx python3-numpy libopenblas0-pthread >/dev/null
fi

echo "== gofmt"
unformatted=$(gofmt -l $(go list -f '{{.Dir}}' ./...))
if [ -n "$unformatted" ]; then
  echo "gofmt needed: $unformatted"
  exit 1
fi

echo "== without GOEXPERIMENT=simd: build, vet, unit tests"
GOEXPERIMENT= go build ./...
GOEXPERIMENT= go vet ./...
GOEXPERIMENT= go test -short -count=1 ./...

echo "== with GOEXPERIMENT=simd: vet, all tests, notebooks"
export GOEXPERIMENT=simd
go vet ./...
go test -count=1 -timeout 60m $(go list ./... | grep -v '/notebooks$')
# Every notebook, executed headless with its quick settings (MVMR_QUICK=1, the test's default),
# with -v so the log shows each notebook's run time.
MVMR_REQUIRE_NOTEBOOKS=1 go test -count=1 -timeout 60m -v ./notebooks
echo "== all tests passed"
