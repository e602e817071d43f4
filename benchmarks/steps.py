"""Scheduling steps per second on a lock-heavy model, next to a bare greenlet switch.

    python benchmarks/steps.py [--threads 4] [--iterations 200] [--executions 5]
                               [--granularity sync] [--strategy dfs] [--profile]

The model: N threads, each taking and releasing one shared Lock M times.
Each acquire and release is a step, so one execution runs about 2*N*M steps.
The bare cost is one greenlet switch pair (a -> b -> a), measured in the same
run; DESIGN.md's target is within 10x of ~0.65 us a step (switch pair plus
bookkeeping).
"""
import argparse
import cProfile
import os
import pstats
import sys
import threading
import time

from greenlet import greenlet

THREADS, ITERATIONS = 4, 200


def lock_heavy():
    """The benchmark model (a target: ``benchmarks/steps.py::lock_heavy``)."""
    lock = threading.Lock()
    count = [0]

    def worker():
        for _ in range(ITERATIONS):
            with lock:
                count[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count[0]


def bare_switch_pair(n=200_000):
    """Seconds per greenlet switch pair (there and back), best of 3."""
    def other():
        main = hub
        while True:
            main.switch()

    best = float("inf")
    for _ in range(3):
        hub = greenlet.getcurrent()
        g = greenlet(other)
        start = time.perf_counter()
        for _ in range(n):
            g.switch()
        best = min(best, (time.perf_counter() - start) / n)
    return best


def measure_core(target, executions):
    """The runtime alone: Execution + DFS, no detectors, no state recording."""
    from explorer.patching import patched
    from explorer.primitives.thread import MainThread
    from explorer.runtime.execution import Execution
    from explorer.strategies import make
    strategy, steps = make("dfs"), 0
    start = time.perf_counter()
    with patched():
        for _ in range(executions):
            if not strategy.begin():
                break
            fn = target.load()
            ex = Execution(strategy).run(MainThread(), fn)
            strategy.end(ex)
            steps += ex.steps
    return steps, time.perf_counter() - start


def measure_full(spec, args):
    """The whole pipeline: ``api.explore`` (detectors, state recording, records)."""
    from explorer import api
    start = time.perf_counter()
    result = api.explore(spec, args.strategy, max_executions=args.executions,
                         granularity=args.granularity)
    return result.steps, time.perf_counter() - start


def measure(args):
    from explorer import api
    spec = f"{os.path.abspath(__file__)}::lock_heavy"
    target = api.load_target(spec, args.granularity)
    measure_core(target, 1)  # warm up: imports, caches
    return measure_core(target, args.executions), measure_full(spec, args)


def _line(label, steps, elapsed, switch):
    per_step = elapsed / steps
    return (f"{label:<34} {steps:>7} steps {elapsed:7.3f} s  {steps / elapsed:>10,.0f} steps/s  "
            f"{per_step * 1e6:8.2f} us/step  {per_step / switch:7.1f}x switch  "
            f"{per_step / 0.65e-6:7.1f}x 0.65us")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=THREADS)
    p.add_argument("--iterations", type=int, default=ITERATIONS)
    p.add_argument("--executions", type=int, default=5)
    p.add_argument("--strategy", default="dfs")
    p.add_argument("--granularity", default="sync", choices=["sync", "memory"])
    p.add_argument("--profile", action="store_true", help="print the hot path (cProfile)")
    args = p.parse_args(argv)
    os.environ["XP_STEPS_THREADS"] = str(args.threads)
    os.environ["XP_STEPS_ITERATIONS"] = str(args.iterations)
    switch = bare_switch_pair()
    if args.profile:
        profiler = cProfile.Profile()
        core, full = profiler.runcall(measure, args)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    else:
        core, full = measure(args)
    print(f"model: {args.threads} threads x {args.iterations} lock acquire/release, "
          f"{args.executions} executions of {args.strategy}, {args.granularity} granularity, "
          f"Python {sys.version.split()[0]}")
    print(f"bare greenlet switch pair: {switch * 1e6:.3f} us")
    print(_line("runtime (Execution + dfs)", *core, switch))
    print(_line(f"api.explore ({args.strategy}, everything)", *full, switch))
    print("target (DESIGN.md): a step within 10x of ~0.65 us (switch pair + bookkeeping)")


THREADS = int(os.environ.get("XP_STEPS_THREADS", THREADS))
ITERATIONS = int(os.environ.get("XP_STEPS_ITERATIONS", ITERATIONS))

if __name__ == "__main__":
    main()
