#!/usr/bin/python3
"""Times GoNB notebook cells headless (see bench/notebook_cells.sh): writes a small notebook,
executes it with nbclient (what `jupyter nbconvert --execute` uses) on the GoNB kernel and prints
each cell's wall clock, timed here from request to reply, with its GoNB steps and in-cell phases.

usage: notebook_cells.py KIT_ROOT OUT_DIR [PREAMBLE_LINE ...]

KIT_ROOT is the checkout whose scripts/nb-use-kit.sh the first cell runs (its packages are the
ones the cells import); PREAMBLE_LINE are extra lines for that first cell (GoNB magics). The
cells: 3 cells that only print (the first is the cold one), one that starts a quickstart run and
trains 1 step, then three that resume it and train 5 more steps. The last line sums up: the
median of the warm print cells (2 and 3) and of the train cells' wall clock outside their 5 steps
(wall − the time inside Train, measured in the cell; the BREAKDOWN lines give each component)."""
import json
import os
import subprocess
import sys

kit, out = sys.argv[1], sys.argv[2]
preamble = sys.argv[3:]
os.makedirs(out, exist_ok=True)
run = os.path.join(out, "run.mvmr")

# The declarations of notebooks/01_quickstart.ipynb: its package-level `flags` keeps the kit's
# packages in every cell's program, so even a cell that only prints links GoMLX.
decls = """import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/notebooks"
)

var flags = notebooks.Define(flag.CommandLine, "01_quickstart",
	notebooks.Settings{Steps: 400, Batch: 256, Reps: []string{"image", "std"}, Seeds: 1},
	notebooks.Settings{Steps: 40, ProbeTrain: 10000})

func must[T any](v T, err error) T {
	check(err)
	return v
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}

var _, _ = time.Now, os.Stdout
"""

def train(steps, cell):
    # Inside the program: the seconds of each phase, printed for the breakdown.
    return f"""%%
t0 := time.Now()
train := must(datasets.LoadMNIST(datasets.SplitTrain))
t1 := time.Now()
trainer := must(mvmr.ResumeOrNew({json.dumps(run)}, mvmr.QuickstartConfig(1000), train))
t2 := time.Now()
check(trainer.Train(1))
tFirst := time.Now()
check(trainer.Train({steps} - 1))
t3 := time.Now()
check(trainer.Save({json.dumps(run)}))
t4 := time.Now()
fmt.Printf("PHASES data=%.3f resume=%.3f first_step=%.3f other_steps=%.3f save=%.3f steps={steps} step=%d cell={cell}\\n",
	t1.Sub(t0).Seconds(), t2.Sub(t1).Seconds(), tFirst.Sub(t2).Seconds(), t3.Sub(tFirst).Seconds(), t4.Sub(t3).Seconds(), trainer.Step())
"""

cells = [("setup", "\n".join(preamble + ['!*' + json.dumps(os.path.join(kit, "scripts/nb-use-kit.sh"))])),
         ("decls", decls)]
cells += [(f"print{i}", f'%%\nfmt.Println("hello {i}")') for i in range(1, 4)]
cells += [("train1", train(1, "train1").replace("check(trainer.Train(1 - 1))", ""))]
# Each cell's source differs (its name is printed), as in a notebook: GoNB's `go build` of the
# same source as the previous cell's finds its binary up to date and skips the link.
cells += [(f"train5_{i}", train(5, f"train5_{i}")) for i in range(1, 4)]

nb = {"nbformat": 4, "nbformat_minor": 5,
      "metadata": {"kernelspec": {"name": "gonb", "display_name": "Go (gonb)", "language": "go"}},
      "cells": [{"cell_type": "code", "id": name, "metadata": {"tags": [name]}, "execution_count": None,
                 "outputs": [], "source": src} for name, src in cells]}
path = os.path.join(out, "cells.ipynb")
json.dump(nb, open(path, "w"), indent=1)
if os.path.exists(run):
    os.remove(run)
# nbclient's own timestamps come from the kernel's message headers, which GoNB writes to the
# second: time each cell here instead, from the request to the reply.
import time
import nbformat
from nbclient import NotebookClient

walls = {}
starts = {}
def started(cell, cell_index, **_):
    starts[cell_index] = time.monotonic()
def finished(cell, cell_index, **_):
    walls[cell_index] = time.monotonic() - starts[cell_index]
# A kernel spec of our own, in a folder first on JUPYTER_PATH: the installed one's command with GoNB's
# log (at verbosity CELLS_GONB_V, default 2: a timestamped line per goimports, go get, go build and
# run) written to OUT_DIR/gonb.log, and the installed environment plus CELLS_KERNEL_ENV ("K=V K=V").
installed = json.loads(subprocess.run(["jupyter", "kernelspec", "list", "--json"], check=True,
                                      stdout=subprocess.PIPE, text=True).stdout)["kernelspecs"]["gonb"]["spec"]
log = os.path.join(out, "gonb.log")
argv = [a for a in installed["argv"] if not a.startswith(("-logtostderr=", "-alsologtostderr=", "-log_file=", "-v=", "-stderrthreshold="))]
argv += ["-logtostderr=true", "-v=" + os.environ.get("CELLS_GONB_V", "2")]
env = dict(installed.get("env", {}))
env.update(kv.split("=", 1) for kv in os.environ.get("CELLS_KERNEL_ENV", "").split())
spec_dir = os.path.join(out, "jupyter", "kernels", "gonb")
os.makedirs(spec_dir, exist_ok=True)
json.dump(dict(installed, argv=argv, env=env), open(os.path.join(spec_dir, "kernel.json"), "w"), indent=1)
os.environ["JUPYTER_PATH"] = os.path.join(out, "jupyter")
# The kernel inherits this process's stderr: send it to the log (errors of ours go to stdout).
sys.stderr.flush()
os.dup2(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)

book = nbformat.read(path, as_version=4)
client = NotebookClient(book, timeout=600, kernel_name="gonb", allow_errors=True,
                        resources={"metadata": {"path": out}},
                        on_cell_execute=started, on_cell_executed=finished)
client.execute()
nbformat.write(book, os.path.join(out, "executed.ipynb"))
done = json.load(open(os.path.join(out, "executed.ipynb")))

# GoNB's log, one timestamped line per step: each Go cell's `go get` (unless %noautoget), `go
# build` and run, in cell order (the first cell, shell commands only, has none).
import re
steps = []  # per Go cell: {"get": s, "build": s, "run": s}
started_at = {}
def stamp(line):
    m = re.match(r"^[IWE]\d{4} (\d\d):(\d\d):(\d\d\.\d+)", line)
    return int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3]) if m else None
for line in open(log, errors="replace"):
    t = stamp(line)
    if t is None:
        continue
    if "ExecuteCell: after AutoTrack" in line:
        if "run" in started_at:
            steps[-1]["run"] = t - started_at.pop("run")
        steps.append({})
    elif re.search(r"Executing \S*/go get", line):
        started_at["get"] = t
    elif "after s.GoImports()" in line and "get" in started_at:
        steps[-1]["get"] = t - started_at.pop("get")
    elif re.search(r"Executing \S*/go build", line):
        started_at["build"] = t
    elif "after s.Compile()" in line and "build" in started_at:
        steps[-1]["build"] = t - started_at.pop("build")
    elif re.search(r"Executing: \S*/gonb_[0-9a-f]+ ", line):
        started_at["run"] = t
    elif "Shutting down" in line and "run" in started_at and steps:
        steps[-1]["run"] = t - started_at.pop("run")

prints, extra = [], []
parts = {"print": {}, "train5": {}}  # component → values, for the BREAKDOWN line
go_cells = 0
for cell in done["cells"]:
    name = cell["metadata"]["tags"][0]
    wall = walls[done["cells"].index(cell)]
    text = "".join("".join(o.get("text", "")) for o in cell["outputs"] if o.get("output_type") == "stream")
    errs = [o for o in cell["outputs"] if o.get("output_type") == "error"]
    phases = next((l[len("PHASES "):] for l in text.splitlines() if l.startswith("PHASES ")), "")
    bad = " ERROR" if errs or "panic" in text or "exit status" in text else ""
    gonb, kind = "", {"print2": "print", "print3": "print"}.get(name, "train5" if name.startswith("train5_") else "")
    if name != "setup" and go_cells < len(steps):
        gonb = " ".join(f"{k}={v:.3f}" for k, v in steps[go_cells].items()) + " | "
        for k, v in steps[go_cells].items():
            if kind:
                parts[kind].setdefault(k, []).append(v)
        go_cells += 1
    print(f"{name:10s} {wall:7.3f} s | {gonb}{phases}{bad}")
    if name in ("print2", "print3"):
        prints.append(wall)
    if name.startswith("train5_") and phases:
        p = dict(kv.split("=") for kv in phases.split())
        p.pop("cell")
        # Outside Train: the wall clock less the time inside the cell's two Train calls (its 5
        # steps, the first with the graph's build and compile, which a profile puts at ~10 ms).
        # Wall − 5 × (steps 2-5)/4 would charge the first step's share of the machine's load.
        step = float(p["other_steps"]) / 4
        extra.append(wall - float(p["first_step"]) - float(p["other_steps"]))
        for k in ("data", "resume", "save"):
            parts["train5"].setdefault(k, []).append(float(p[k]))
        parts["train5"].setdefault("first_step_extra", []).append(float(p["first_step"]) - step)
    if bad:
        print(text[-2000:])

def median(v):
    v = sorted(v)
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2 if v else float("nan")

for kind, comp in parts.items():
    print(f"BREAKDOWN {kind} " + " ".join(f"{k}={median(v):.3f}" for k, v in comp.items()))
print(f"VALUES warm_print={','.join(f'{v:.3f}' for v in prints)} train5_outside={','.join(f'{v:.3f}' for v in extra)}")
print(f"SUMMARY warm_print={median(prints):.3f} train5_outside={median(extra):.3f}")
