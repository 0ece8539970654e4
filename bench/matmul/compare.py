#!/usr/bin/env python3
"""The matrix products of a traced kit step, timed again with PyTorch (OpenBLAS) on the same shapes.

Reads a per-op trace written by bench/optrace (OPTRACE=FILE, under GOMLX_BACKEND=go:ops_sequential so
that op times add up to the step's), takes every DotGeneral line (its calls, total time, output and
operand shapes), infers the product's layout from the shapes ([M, K]·[K, N] or the right operand given
as [N, K], the contracted axes last), times torch.mm of the same layout on THREADS threads (median of
ROUNDS rounds, each of enough calls for about 0.1 s) and prints, largest first: per-call time of both,
GFLOP/s, the kit/PyTorch ratio, and the totals: how much of the traced time the products take and what
the traced total would be with PyTorch's products.

  /usr/bin/python3 bench/matmul/compare.py TRACE [THREADS=2] [ROUNDS=5]

Run it on an idle machine right after the trace, so that both sides see the same machine.
"""
import re
import statistics
import sys
import time

import torch

LINE = re.compile(r"^\s*([0-9.]+)s\s+[0-9.]+%\s+n=\s*(\d+)\s+DotGeneral \(Float32\)\[([0-9, ]+)\] <- "
                  r"\(Float32\)\[([0-9, ]+)\], \(Float32\)\[([0-9, ]+)\]\s*$")


def dims(s):
    return [int(x) for x in s.split(",")]


def layout(out, a, b):
    """M, K, N and whether b is [N, K] (transposed), or None when the shapes are not a 2-D product."""
    if len(out) != 2 or len(a) != 2 or len(b) != 2:
        return None
    m, n = out
    if a[0] != m:
        return None
    k = a[1]
    if b == [k, n]:
        return m, k, n, False
    if b == [n, k]:
        return m, k, n, True
    return None


def time_torch(m, k, n, transposed, rounds):
    a = torch.randn(m, k)
    b = torch.randn(n, k) if transposed else torch.randn(k, n)
    op = (lambda: torch.mm(a, b.t())) if transposed else (lambda: torch.mm(a, b))
    for _ in range(2):
        op()
    t0 = time.perf_counter()
    op()
    one = max(time.perf_counter() - t0, 1e-6)
    reps = max(1, int(0.1 / one))
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(reps):
            op()
        samples.append((time.perf_counter() - t0) / reps)
    return statistics.median(samples)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    torch.set_num_threads(threads)
    total = None
    rows, skipped = [], 0.0
    with open(path) as f:
        for line in f:
            if line.startswith("total "):
                total = line.split()[1]
            mt = LINE.match(line)
            if not mt:
                continue
            secs, calls = float(mt.group(1)), int(mt.group(2))
            lay = layout(dims(mt.group(3)), dims(mt.group(4)), dims(mt.group(5)))
            if lay is None:
                skipped += secs
                continue
            rows.append((secs, calls, lay))
    if total is None:
        sys.exit(f"{path}: no 'total' line: not a bench/optrace trace")
    total_s = parse_duration(total)
    go_sum = sum(r[0] for r in rows) + skipped
    torch_sum = skipped
    print(f"{path}: traced total {total_s:.3f} s, matrix products {go_sum:.3f} s ({100 * go_sum / total_s:.1f} %)"
          f"; PyTorch {torch.__version__} on {threads} threads, median of {rounds} rounds")
    print("| product [M, K]·[K, N] | calls | kit ms/call | PyTorch ms/call | kit GFLOP/s | PyTorch GFLOP/s | kit / PyTorch |")
    print("|---|---|---|---|---|---|---|")
    for secs, calls, (m, k, n, tr) in sorted(rows, key=lambda r: -r[0]):
        go = secs / calls
        th = time_torch(m, k, n, tr, rounds)
        torch_sum += th * calls
        flop = 2.0 * m * k * n
        name = f"[{m}, {k}]·[{n}, {k}]ᵀ" if tr else f"[{m}, {k}]·[{k}, {n}]"
        print(f"| {name} | {calls} | {1e3 * go:.3f} | {1e3 * th:.3f} | {flop / go / 1e9:.1f} | {flop / th / 1e9:.1f} | {go / th:.2f}× |")
    print(f"products: kit {go_sum:.3f} s, PyTorch {torch_sum:.3f} s on the same calls ({go_sum / torch_sum:.2f}×)"
          + (f"; {skipped:.3f} s of products not 2-D, counted at the kit's time" if skipped else ""))
    print(f"the traced total with PyTorch's products: {total_s - go_sum + torch_sum:.3f} s "
          f"({(total_s - go_sum + torch_sum) / total_s:.2f}× the kit's {total_s:.3f} s)")


def parse_duration(s):
    """A Go time.Duration string (1m2.5s, 850ms, 3.2s) in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9}
    parts = re.findall(r"([0-9.]+)(h|ms|µs|us|ns|m|s)", s)
    if not parts:
        raise ValueError(f"duration {s!r}")
    return sum(float(value) * units[unit] for value, unit in parts)


if __name__ == "__main__":
    main()
