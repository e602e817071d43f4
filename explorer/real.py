"""``explorer real``: check the explored state graph against real threaded runs.

The explorer claims its state graph holds every behaviour the program can
have. This module tests the claim: it explores the target exhaustively
(``stateful``: every reachable state and transition, each from its first
visit), then runs the unmodified program N times on real OS threads
(``explorer.realrun``), records the states each run passes through with the
same abstraction, and looks up every real transition in the graph. A real
transition the graph lacks is an explorer bug (a primitive modelled wrongly,
a yield point missed, nondeterminism in the state) and makes the check fail.
"""
import collections
import contextlib
import io
import random
import sys

from . import api
from .graph.state import StateRecorder, describe
from .naming import bounded_repr
from .realrun import proxied, real_table, run_once
from .strategies.stateful import Stateful

DEFAULT_RUNS = 200
RUN_TIMEOUT = 10.0


class RealReport:
    """What real runs did, set against the explored graph (JSON per DESIGN.md)."""

    def __init__(self, target, result):
        self.target = target
        self.result = result              # the exploration (its .graph is the state graph)
        self.runs = 0
        self.paths = set()
        self.nodes = set()                # explored nodes real runs reached
        self.edges = set()
        self.outcomes = collections.Counter()
        self.missing = []
        self._seen_missing = set()

    @property
    def graph(self):
        return self.result.graph

    def add_run(self, keys, steps, end):
        """Add one real run: its states, the steps between them, how it ended."""
        run = self.runs
        self.runs += 1
        self.outcomes[_end_text(end)] += 1
        ids = [self.graph.ids.get(k) for k in keys]
        self.paths.add(hash(tuple(keys)))
        self.nodes.update(i for i in ids if i is not None)
        if ids and ids[0] is None:
            self._miss(run, None, keys[0], ("(start)", "begin", "?"))
            return
        for (u, v), step, (ku, kv) in zip(zip(ids, ids[1:]), steps, zip(keys, keys[1:])):
            edge = (u, v) + tuple(step)
            if v is None or edge not in self.graph.edges:
                self._miss(run, ku, kv, step)
                return
            self.edges.add(edge)

    def _miss(self, run, before, after, step):
        signature = (before, after, tuple(step))
        if signature in self._seen_missing:
            return
        self._seen_missing.add(signature)
        thread, kind, location = step
        self.missing.append({"run": run, "from": describe(before) if before else "(none)",
                             "to": describe(after), "thread": thread,
                             "op": f"{kind} @ {location}"})

    def outcomes_explored(self):
        values = list(self.result.outcomes)
        values += sorted({r.failure.kind for r in self.result.failure_records})
        return sorted(values)

    def to_json(self):
        nodes, edges = len(self.graph), len(self.graph.edges)
        return {
            "target": self.target, "runs": self.runs, "paths": len(self.paths),
            "states_covered": round(len(self.nodes) / nodes, 4) if nodes else 0.0,
            "edges_covered": round(len(self.edges) / edges, 4) if edges else 0.0,
            "outcomes_real": [{"value": v, "count": c}
                              for v, c in sorted(self.outcomes.items())],
            "outcomes_explored": self.outcomes_explored(),
            "missing": self.missing,
            "states": nodes, "transitions": edges,
            "explored_complete": self.result.complete,
        }


def _end_text(end):
    kind, value = end
    return bounded_repr(value) if kind == "outcome" else kind


def check(spec, runs=DEFAULT_RUNS, *, seed=None, max_steps=api.DEFAULT_MAX_STEPS,
          max_executions=None, timeout=RUN_TIMEOUT, granularity=None):
    """Build ``spec``'s whole state graph, then run it ``runs`` times on real threads.

    Args:
        spec: a target, as for :func:`explorer.api.explore`.
        runs: how many real runs.
        seed: seeds the random tiny sleeps that shake real runs.
        max_executions: a budget for the exploration (an incomplete graph
            can make real transitions look missing; the report says so).
        timeout: seconds a real run may take before it counts as hung.
        granularity: "sync" or "memory" yield points, as for explore; real
            runs switch threads at the same points.

    Returns:
        A :class:`RealReport`.
    """
    target = api.load_target(spec, granularity)
    result = api.explore(target, Stateful(), max_executions=max_executions,
                         max_steps=max_steps, check_replay=False, shrink_failures=False)
    report = RealReport(target.spec, result)
    rng = random.Random(seed)
    module_name = getattr(target, "module_name", None)
    with _real_environment(target):
        for _ in range(runs):
            recorder = StateRecorder(module_name, target.path)
            end = run_once(target, recorder, rng, max_steps, timeout)
            report.add_run(recorder.keys, recorder.steps, end)
    return report


@contextlib.contextmanager
def _real_environment(target):
    """Proxy modules, the target's folder on sys.path, a tiny switch interval, quiet output."""
    saved_path, saved_interval = list(sys.path), sys.getswitchinterval()
    saved_streams = sys.stdout, sys.stderr
    if target.directory not in sys.path:
        sys.path.insert(0, target.directory)
    sys.stdout = sys.stderr = io.StringIO()
    sys.setswitchinterval(1e-6)
    try:
        with proxied(real_table()):
            yield
    finally:
        sys.setswitchinterval(saved_interval)
        sys.stdout, sys.stderr = saved_streams
        sys.path[:] = saved_path
        sys.modules.pop(getattr(target, "module_name", None), None)


def report_text(report):
    """The human-readable report of ``explorer real``."""
    data = report.to_json()
    result = report.result
    lines = [f"explorer real: {report.target}: {data['runs']} real runs, "
             f"{data['paths']} distinct paths",
             f"  explored graph: {data['states']} states, {data['transitions']} transitions "
             f"({result.executions} executions, {result.pruned} cut at known states"
             f"{'' if result.complete else ', INCOMPLETE: missing edges may be unexplored'})",
             f"  reached by real runs: {len(report.nodes)}/{data['states']} states "
             f"({data['states_covered']:.1%}), {len(report.edges)}/{data['transitions']} "
             f"transitions ({data['edges_covered']:.1%})",
             "  outcomes:  value  real runs  explored"]
    explored = set(data["outcomes_explored"])
    for value in sorted(set(report.outcomes) | explored):
        lines.append(f"    {value:<24} {report.outcomes.get(value, 0):>6}  "
                     f"{'yes' if value in explored else 'NO'}")
    if not report.missing:
        lines.append("  missing transitions: none (every real step is an edge of the graph)")
        return "\n".join(lines)
    lines.append(f"  MISSING: {len(report.missing)} real transitions are not in the explored "
                 "graph (an explorer bug, or a target that is not deterministic):")
    for m in report.missing[:10]:
        lines.append(f"    run {m['run']}: {m['thread']} {m['op']}")
        lines.append("      from: " + m["from"].replace("\n", "\n            "))
        lines.append("      to:   " + m["to"].replace("\n", "\n            "))
    return "\n".join(lines)
