"""Real runs against explored state graphs, model by model; and the cost of states.

    python benchmarks/real_coverage.py [--runs 1000] [--granularity sync|memory] [MODEL ...]
    python benchmarks/real_coverage.py --state-cost [MODEL ...]

The first form prints, per model: the graph (states, transitions), how many
distinct paths the real runs took, how much of the graph they reached, the
real outcome histogram and the missing transitions (must be 0). The second
measures what taking a state at every yield point costs an exploration (the
same dfs executions with ``states=True`` and ``states=False``).
"""
import argparse
import glob
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from explorer import api, real  # noqa: E402


def coverage(paths, runs, granularity):
    print(f"{'model':<22} {'states':>7} {'trans':>7} {'paths':>6} {'st cov':>7} {'tr cov':>7} "
          f"{'miss':>5} {'secs':>6}  real outcomes")
    failed = 0
    for path in paths:
        started = time.perf_counter()
        report = real.check(path, runs, seed=1, granularity=granularity)
        data = report.to_json()
        outcomes = ", ".join(f"{o['value'][:24]}: {o['count']}" for o in data["outcomes_real"])
        print(f"{os.path.basename(path)[:-3]:<22} {data['states']:>7} {data['transitions']:>7} "
              f"{data['paths']:>6} {data['states_covered']:>7.1%} {data['edges_covered']:>7.1%} "
              f"{len(data['missing']):>5} {time.perf_counter() - started:>6.1f}  {outcomes}",
              flush=True)
        failed += bool(data["missing"]) or not data["explored_complete"]
    return failed


def state_cost(paths, executions=300):
    print(f"{'model':<22} {'steps':>7} {'with':>9} {'without':>9} {'cost/step':>10}")
    for path in paths:
        timings = []
        for states in (True, False):
            best = None
            for _ in range(3):
                started = time.perf_counter()
                result = api.explore(path, "dfs", max_executions=executions, check_replay=False,
                                     shrink_failures=False, granularity="sync", states=states)
                elapsed = (time.perf_counter() - started) / result.steps
                best = elapsed if best is None else min(best, elapsed)
            timings.append(best * 1e6)
        print(f"{os.path.basename(path)[:-3]:<22} {result.steps:>7} {timings[0]:>7.1f}us "
              f"{timings[1]:>7.1f}us {timings[0] - timings[1]:>8.1f}us")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--granularity", choices=["sync", "memory"], default="sync")
    parser.add_argument("--state-cost", action="store_true")
    args = parser.parse_args()
    paths = args.models or sorted(glob.glob(os.path.join(os.path.dirname(HERE), "models",
                                                         "*.py")))
    if args.state_cost:
        state_cost(paths)
        return 0
    return 1 if coverage(paths, args.runs, args.granularity) else 0


if __name__ == "__main__":
    sys.exit(main())
