#!/usr/bin/env bash
# Points the Go module of a GoNB notebook (the current directory, where GoNB's `!*` commands run)
# at this repository, so that its cells can import the kit's packages (mvmr, datasets, plotting,
# notebooks, ...) from this checkout rather than from the network. The notebooks' first cell runs
#
#	!*"$GONB_DIR/../scripts/nb-use-kit.sh"
#
# Works from any working directory and with GOWORK=off (a replace directive plus a require of the
# zero pseudo-version: the module proxy does not know this module, so `go get` would fail).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
module=$(go -C "$root" list -m)
go mod edit -replace "$module=$root" -require "$module@v0.0.0-00010101000000-000000000000"
echo "cells can import $module from this checkout"
