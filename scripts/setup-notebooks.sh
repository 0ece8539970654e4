#!/usr/bin/env bash
# Installs what the notebooks need on a Debian/Ubuntu machine with Go: Jupyter's headless
# executor from Debian packages, GoNB and goimports from this module's go.mod tool directives
# (into ./bin), and the GoNB kernel spec, with GOEXPERIMENT=simd, GOTOOLCHAIN=go1.27.3 (go.mod's
# toolchain: the go command fetches it from the module proxy once), ./bin on its PATH and
# GOFLAGS=-ldflags=-s added to `go env GOFLAGS`: GoNB builds a whole program for every cell, and a
# link without the symbol table and DWARF takes about two thirds of the time (bench/README.md,
# "Notebook cells"; stack traces keep their file:line). Idempotent: run it again at will (and
# again after changing GOFLAGS with `go env -w`, which the kernel's GOFLAGS would otherwise hide).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export GOTOOLCHAIN=go1.27.3

if ! command -v jupyter >/dev/null || ! jupyter nbconvert --version >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    jupyter-nbconvert jupyter-client >/dev/null
fi

# GoNB and goimports: versions pinned by go.mod's tool directives.
GOBIN="$ROOT/bin" go install tool
export PATH="$ROOT/bin:$PATH"

# The kernel spec: gonb writes it to $JUPYTER_DATA_DIR/kernels/gonb (default
# ~/.local/share/jupyter/kernels/gonb); then add the environment the notebooks need.
# (gonb notes that gopls is missing: it is optional, --force_deps installs without it.)
if ! log=$(gonb --install --raw_error --force_deps 2>&1); then
  echo "$log" >&2
  exit 1
fi
KERNEL_DIR="$(jupyter --data-dir)/kernels/gonb"
/usr/bin/python3 - "$KERNEL_DIR/kernel.json" "$ROOT/bin" "$(go env GOFLAGS)" <<'PY'
import json, os, sys
path, bindir, goflags = sys.argv[1], sys.argv[2], sys.argv[3].split()
spec = json.load(open(path))
env = spec.setdefault("env", {})
env["GOEXPERIMENT"] = "simd"
env["GOTOOLCHAIN"] = os.environ["GOTOOLCHAIN"]
if not any(f.startswith(("-ldflags", "--ldflags")) for f in goflags):
    goflags.append("-ldflags=-s")
env["GOFLAGS"] = " ".join(goflags)
env["PATH"] = bindir + ":" + os.environ.get("PATH", "/usr/local/go/bin:/usr/bin:/bin")
json.dump(spec, open(path, "w"), indent=1)
PY
echo "GoNB kernel installed in $KERNEL_DIR"
