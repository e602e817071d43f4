"""Stateful search against dfs and dpor: runs, distinct states, time.

    python benchmarks/stateful.py [--max-seconds 30] [--only philosophers lockinc ...]

Per program: ``dfs`` (every interleaving, under a time budget), ``stateful``
(cut at known states: runs = complete executions + executions cut at a known
state) and ``dpor`` (one execution per trace). ``graph`` is the stateful
graph's states/transitions: the whole reachable graph, which dfs only reaches
when it finishes. ``same`` says whether the outcomes and the kinds of
state failures (deadlock, assertion, exception) agree with dpor's
(``budget``: stateful did not finish in time).
"""
import argparse
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from explorer import api  # noqa: E402
from dpor_table import sized_target, print_table  # noqa: E402

MODELS = os.path.join(os.path.dirname(HERE), "models")
BENCHMARKS = [("philosophers", n) for n in (3, 4, 5)] + [("lockinc", 3), ("lockinc", 4),
                                                       ("inc", 2), ("lastzero", 3)]
MODEL_NAMES = ["race", "two_locks", "bank", "pipeline_queue", "bounded_buffer", "busy_wait",
               "barrier", "semaphore", "pool"]
STATE_KINDS = {"deadlock", "assertion", "exception", "step-limit"}
OPTIONS = {"check_replay": False, "shrink_failures": False}


def timed(spec, strategy, **budget):
    start = time.perf_counter()
    result = api.explore(spec, strategy, **OPTIONS, **budget)
    return result, time.perf_counter() - start


def findings(result):
    return (set(result.outcomes),
            {r.failure.kind for r in result.failure_records} & STATE_KINDS)


def row(label, spec, seconds):
    dfs, dfs_s = timed(spec, "dfs", max_seconds=seconds)
    cut, cut_s = timed(spec, "stateful", max_seconds=seconds)
    dpor, dpor_s = timed(spec, "dpor", max_seconds=seconds)
    runs = cut.executions + cut.pruned
    more = "" if cut.complete else ">"
    return [label, f"{'' if dfs.complete else '>'}{dfs.executions:,}", f"{dfs_s:.2f}",
            f"{more}{runs:,}", f"{cut_s:.2f}", f"{len(cut.graph):,}/{len(cut.graph.edges):,}",
            f"{dpor.executions:,}", f"{dpor_s:.2f}",
            "budget" if not cut.complete else "yes" if findings(cut) == findings(dpor) else "NO"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-seconds", type=float, default=30.0)
    parser.add_argument("--only", nargs="*", help="names of benchmarks or models to run")
    args = parser.parse_args(argv)
    chosen = set(args.only or [])
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, n in BENCHMARKS:
            if not chosen or name in chosen:
                rows.append(row(f"{name}({n})", sized_target(folder, name, n), args.max_seconds))
                print(rows[-1], flush=True)
        for name in MODEL_NAMES:
            if not chosen or name in chosen:
                rows.append(row(name, os.path.join(MODELS, name + ".py"), args.max_seconds))
                print(rows[-1], flush=True)
    print(f"\npython {sys.version.split()[0]}; budget {args.max_seconds:g} s a search; "
          "stateful runs = complete + cut at a known state\n")
    print_table(["program", "dfs", "dfs s", "stateful runs", "stateful s", "states/trans",
                 "dpor", "dpor s", "same"], rows)
    return 1 if any(r[-1] == "NO" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
