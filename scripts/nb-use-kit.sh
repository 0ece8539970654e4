#!/usr/bin/env bash
# Points the Go module of a GoNB notebook (the current directory, where GoNB's `!*` commands run)
# at this repository, so that its cells can import the kit's packages (mvmr, datasets, plotting,
# notebooks, ...) from this checkout rather than from the network. The notebooks' first cell runs
#
#	%noautoget
#	!*"$GONB_DIR/../scripts/nb-use-kit.sh"
#
# Works from any working directory and with GOWORK=off (a replace directive plus a require of the
# zero pseudo-version: the module proxy does not know this module, so `go get` would fail).
#
# It also adds the requirements of every package of the kit to the notebook's go.mod and go.sum
# (one `go get` of a throwaway package importing them all), so the module is complete before the
# first cell: GoNB's `go get` before each cell's build (0.5-0.9 s a cell, bench/README.md "Notebook
# cells") can then be turned off with `%noautoget`. A cell that imports a module outside the kit
# then needs `!*go get <module>` first.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
module=$(go -C "$root" list -m)
go mod edit -replace "$module=$root" -require "$module@v0.0.0-00010101000000-000000000000"

# The kit's library packages (not its commands, not internal/), imported by a package that
# exists only for the `go get`. Its folder name cannot clash with a notebook's own files.
deps=$(mktemp -d "$PWD/mvmr_kit_deps_XXXXXX")
trap 'rm -rf "$deps"' EXIT
{
  echo "package kitdeps"
  go -C "$root" list -f '{{if ne .Name "main"}}import _ "{{.ImportPath}}"{{end}}' ./... | grep -v '/internal/' || true
} >"$deps/deps.go"
go get "./$(basename "$deps")"
echo "cells can import $module from this checkout"
