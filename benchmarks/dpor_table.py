"""The classic DPOR benchmarks: executions with dfs and dpor against the trace counts.

For each program in benchmarks/programs (``main(n)`` and ``expected(n)``,
the number of Mazurkiewicz traces an optimal DPOR explores) and each size:
dfs executions under a budget (">N" when cut), dpor executions, dpor's
executions cut short by sleep sets (0 for optimal DPOR), the target, and time and steps per second.
Then the cost of one scheduling step of every strategy next to the bare
greenlet round trip (hub -> thread -> hub) measured in the same run.

    /work/venv/bin/python benchmarks/dpor_table.py [--quick] [--only NAME ...]
        [--max-executions 20000] [--max-seconds 20] [--dpor-seconds 600]
"""
import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time

from greenlet import greenlet

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from explorer import api  # noqa: E402

PROGRAMS = os.path.join(HERE, "programs")
SIZES = {
    "lastzero": [2, 3, 4, 5, 6, 8, 10], "readers": [2, 3, 4, 5, 6, 7, 8], "inc": [2, 3, 4],
    "lockinc": [3, 4, 5, 6], "indexer": [11, 12, 13, 14, 15],
    "filesystem": [13, 14, 15, 16, 17, 18, 20], "philosophers": [3, 4, 5, 6, 7, 8],
}
QUICK = {name: sizes[:2] for name, sizes in SIZES.items()}
STEP_COST_TARGET_US = 0.65      # DESIGN.md: a greenlet switch plus bookkeeping, a step
# Search only: the failure re-runs (replay check, shrinking) are switched off.
EXPLORE_OPTIONS = {"check_replay": False, "shrink_failures": False}

STEPPER = '''
import threading

def main():
    lock = threading.Lock()

    def work():
        for _ in range({k}):
            with lock:
                pass

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
'''


def sized_target(folder, name, n, source_dir=PROGRAMS, entry="bench_main"):
    """Write ``name``'s source plus ``entry() = main(n)``; return the target spec.

    The program's source is copied, not imported, so that the target module
    is the program itself: memory instrumentation rewrites the target only.
    """
    with open(os.path.join(source_dir, name + ".py"), encoding="utf-8") as fh:
        source = fh.read()
    path = os.path.join(folder, f"{name}_{n}.py")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(source + f"\n\ndef {entry}():\n    return main({n})\n")
    return f"{path}::{entry}"


def expected(name, n):
    spec = importlib.util.spec_from_file_location("bench_" + name, os.path.join(PROGRAMS, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.expected(n)


def greenlet_round_trip_us(rounds=200_000):
    """Microseconds for hub -> greenlet -> hub (two switches: what one step needs at least)."""
    hub = greenlet.getcurrent()

    def bounce():
        while True:
            hub.switch()

    other = greenlet(bounce)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(rounds):
            other.switch()
        best = min(best, time.perf_counter() - start)
    return best / rounds * 1e6


def run(spec, strategy, **budget):
    start = time.perf_counter()
    result = api.explore(spec, strategy, **EXPLORE_OPTIONS, **budget)
    return result, time.perf_counter() - start


def count(result):
    return f"{result.executions:,}" if result.complete else f">{result.executions:,}"


def rate(result, seconds):
    return result.steps / seconds if seconds > 0 else 0.0


def benchmark_rows(folder, names, sizes, args):
    """Run dfs and dpor on every (program, size); yield one table row each."""
    for name in names:
        for n in sizes[name]:
            spec = sized_target(folder, name, n)
            target = expected(name, n)
            dpor, dpor_s = run(spec, "dpor", max_seconds=args.dpor_seconds)
            dfs, dfs_s = run(spec, "dfs", max_executions=args.max_executions,
                             max_seconds=args.max_seconds)
            ok = dpor.complete and dpor.executions == target
            yield [f"{name}({n})", f"{target:,}", count(dpor), f"{dpor.pruned:,}",
                   "yes" if ok else "NO", f"{dpor_s:.2f}", f"{rate(dpor, dpor_s):,.0f}",
                   f"{dpor_s / max(dpor.steps, 1) * 1e6:.1f}", count(dfs), f"{dfs_s:.2f}",
                   f"{rate(dfs, dfs_s):,.0f}"], ok, dpor_s / max(dpor.steps, 1) * 1e6


def print_table(header, rows):
    """Plain aligned columns: first left-aligned, the rest right-aligned."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]

    def line(row):
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths)))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def step_cost_rows(folder, round_trip):
    """Steps per second of each strategy on a long lock loop (few executions, many steps)."""
    path = os.path.join(folder, "stepper.py")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(STEPPER.format(k=2000))
    rows = []
    for strategy in ("dpor", "dfs", "bounded", "random", "pct"):
        result, seconds = run(path, strategy, max_executions=5)
        per_step = seconds / result.steps * 1e6
        rows.append([strategy, f"{result.executions}", f"{result.steps:,}",
                     f"{result.steps / seconds:,.0f}", f"{per_step:.2f}",
                     f"{per_step / round_trip:.1f}x", f"{per_step / STEP_COST_TARGET_US:.1f}x"])
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two sizes per program")
    parser.add_argument("--only", nargs="+", choices=sorted(SIZES), help="these programs only")
    parser.add_argument("--max-executions", type=int, default=20000, help="dfs budget")
    parser.add_argument("--max-seconds", type=float, default=20.0, help="dfs budget")
    parser.add_argument("--dpor-seconds", type=float, default=600.0, help="dpor budget")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else SIZES
    names = args.only or list(SIZES)
    print(f"python {sys.version.split()[0]}; dfs budget {args.max_executions:,} executions "
          f"/ {args.max_seconds:g} s; times are the search only (no replay check, no shrinking)\n")
    header = ["benchmark", "target", "dpor", "pruned", "ok", "dpor s", "steps/s", "us/step",
              "dfs", "dfs s", "dfs steps/s"]
    rows, all_ok, per_step = [], True, []
    with tempfile.TemporaryDirectory() as folder:
        for row, ok, us in benchmark_rows(folder, names, sizes, args):
            rows.append(row)
            all_ok &= ok
            per_step.append(us)
            print("  " + " | ".join(row), file=sys.stderr, flush=True)
        print_table(header, rows)
        round_trip = greenlet_round_trip_us()
        print(f"\nbare greenlet round trip (hub -> thread -> hub, 2 switches): {round_trip:.3f} us")
        print(f"dpor on the table above: median {statistics.median(per_step):.1f} us a step "
              f"(whole executions: module re-run, detectors, bookkeeping)\n")
        print_table(["strategy (lock loop, 2 threads x 2000)", "execs", "steps", "steps/s",
                     "us/step", "/ round trip", "/ 0.65 us"], step_cost_rows(folder, round_trip))
    print(f"\ndpor == target and complete on every row: {'yes' if all_ok else 'NO'}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
