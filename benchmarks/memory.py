"""Peak RSS while exhausting the largest benchmarks: stateless search must not accumulate.

Samples the process's peak RSS (``resource.getrusage``) and current RSS
(/proc/self/statm, Linux) from the ``progress`` callback at growing execution
counts. Flat figures from the first hundred executions on mean that memory
does not grow with the number of executions.

    /work/venv/bin/python benchmarks/memory.py [--runs lastzero:10:dpor philosophers:5:dfs ...]
"""
import argparse
import os
import resource
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from dpor_table import print_table, sized_target  # noqa: E402
from explorer import api  # noqa: E402

DEFAULT_RUNS = ["inc:4:dpor", "philosophers:7:dpor", "philosophers:4:dfs"]
DFS_BUDGET = 20000
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def peak_mib():
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_mib():
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * PAGE / 2**20
    except OSError:
        return float("nan")


def checkpoints(limit):
    """1, 2, 5, 10, 20, 50, ... up to ``limit``."""
    marks, k = [], 1
    while k <= limit:
        marks += [m for m in (k, 2 * k, 5 * k) if m <= limit]
        k *= 10
    return marks


def sample(spec, strategy, limit):
    """Explore; return rows (executions, peak MiB, current MiB, seconds) at each checkpoint."""
    marks = set(checkpoints(limit))
    rows = []
    start = time.perf_counter()

    def progress(result):
        if result.executions in marks:
            marks.discard(result.executions)
            rows.append([result.executions, peak_mib(), current_mib(), time.perf_counter() - start])

    budget = {"max_executions": limit} if strategy == "dfs" else {}
    result = api.explore(spec, strategy, progress=progress, **budget)
    if not rows or rows[-1][0] != result.executions:
        rows.append([result.executions, peak_mib(), current_mib(), time.perf_counter() - start])
    return result, rows


def report(label, result, rows):
    print(f"{label}: {result.executions:,} executions "
          f"({'complete' if result.complete else 'budget reached'}), {result.steps:,} steps")
    table = [[f"{e:,}", f"{p:.1f}", f"{c:.1f}", f"{s:.2f}"] for e, p, c, s in rows]
    print_table(["executions", "peak RSS MiB", "current RSS MiB", "seconds"], table)
    after = [p for e, p, _, _ in rows if e >= 100]
    if len(after) >= 2:
        print(f"peak RSS growth from 100 executions to the end: {after[-1] - after[0]:+.1f} MiB\n")
    else:
        print()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", nargs="+", default=DEFAULT_RUNS,
                        help="PROGRAM:N:STRATEGY (dfs stops at 20,000 executions)")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}; before any exploration: peak RSS "
          f"{peak_mib():.1f} MiB\n")
    with tempfile.TemporaryDirectory() as folder:
        for run in args.runs:
            name, n, strategy = run.split(":")
            spec = sized_target(folder, name, int(n))
            result, rows = sample(spec, strategy, DFS_BUDGET)
            report(f"{name}({n}) with {strategy}", result, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
