"""Scheduling steps per second on a lock-heavy model, next to a bare greenlet switch.

    python benchmarks/steps.py [--threads 4] [--iterations 200] [--executions 5]
                               [--granularity sync] [--strategy dfs] [--profile]
    python benchmarks/steps.py --state-cost

The model: N threads, each taking and releasing one shared Lock M times.
Each acquire and release is a step, so one execution runs about 2*N*M steps.
The bare cost is one greenlet switch pair (a -> b -> a), measured in the same
run; DESIGN.md's target is within 10x of ~0.65 us a step (switch pair plus
bookkeeping).

``--state-cost`` measures what recording the state graph costs a step: the
time spent taking state keys (``StateRecorder.at_yield_point``, garbage
collections it sets off included) per yield point, and a whole step with
``states=True`` next to ``states=False``, on this model and on two DPOR
benchmarks explored to the end.
"""
import argparse
import cProfile
import gc
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


STATE_COST_PROGRAMS = [("lastzero", 7, "dpor"), ("philosophers", 6, "dpor")]


def state_cost(args):
    """Print the cost of state keys: per yield point, and per step end to end."""
    import tempfile

    from dpor_table import sized_target
    from explorer import api
    print(f"{'target':<28} {'steps':>7} {'key/yield point':>16} {'step, states':>13} "
          f"{'step, none':>11} {'difference':>11}")
    with tempfile.TemporaryDirectory() as folder:
        targets = [(f"lock_heavy {args.strategy} x{args.executions}",
                    f"{os.path.abspath(__file__)}::lock_heavy", args.strategy, "sync",
                    args.executions)]
        targets += [(f"{name}({n}) {strategy}", sized_target(folder, name, n), strategy, None,
                     None) for name, n, strategy in STATE_COST_PROGRAMS]
        for label, spec, strategy, granularity, runs in targets:
            api.explore(spec, strategy, max_executions=2, granularity=granularity)  # warm up
            key_s, points, steps, with_s = _timed_states(spec, strategy, granularity, runs)
            _, _, _, without_s = _timed_states(spec, strategy, granularity, runs, states=False)
            print(f"{label:<28} {steps:>7} {key_s / points * 1e6:>13.2f} us "
                  f"{with_s / steps * 1e6:>10.2f} us {without_s / steps * 1e6:>8.2f} us "
                  f"{(with_s - without_s) / steps * 1e6:>8.2f} us", flush=True)


def _timed_states(spec, strategy, granularity, executions, states=True):
    """One exploration: (seconds in state keys, yield points, steps, seconds in all)."""
    from explorer import api
    from explorer.graph.state import StateRecorder
    spent = [0.0, 0]
    original = StateRecorder.at_yield_point

    def timed(self, ex):
        start = time.perf_counter()
        original(self, ex)
        spent[0] += time.perf_counter() - start
        spent[1] += 1

    StateRecorder.at_yield_point = timed
    gc.collect()   # not the garbage of the exploration before
    try:
        start = time.perf_counter()
        result = api.explore(spec, strategy, max_executions=executions,
                             granularity=granularity, check_replay=False,
                             shrink_failures=False, states=states)
        elapsed = time.perf_counter() - start
    finally:
        StateRecorder.at_yield_point = original
    return spent[0], max(spent[1], 1), result.steps, elapsed


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
    p.add_argument("--state-cost", action="store_true",
                   help="the cost of taking states, per yield point and per step")
    args = p.parse_args(argv)
    os.environ["XP_STEPS_THREADS"] = str(args.threads)
    os.environ["XP_STEPS_ITERATIONS"] = str(args.iterations)
    if args.state_cost:
        state_cost(args)
        return
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
