"""Shared helpers: explore a test program, and run it on real CPython threads."""
import collections
import importlib.util
import os
import sys

import pytest

from explorer import api
from explorer.strategies import STRATEGIES

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = os.path.join(HERE, "programs")
ROOT = os.path.dirname(HERE)

# Every complete strategy must give the same outcome sets. "dpor" joins the
# list as soon as it is registered; until then only "dfs" exists to test.
COMPLETE_STRATEGIES = [name for name in ("dfs", "dpor") if name in STRATEGIES]

REAL_RUNS = int(os.environ.get("EXPLORER_REAL_RUNS", "200"))


def program(spec):
    """``name.py::func`` of tests/programs as a target spec with an absolute path."""
    return os.path.join(PROGRAMS, spec)


def explore(spec, strategy="dfs", **kw):
    """Explore a test program and return the Result.

    Test programs are free of data races, so by default they are explored at
    "sync" granularity: the same outcomes, far fewer executions.
    """
    kw.setdefault("granularity", "sync")
    return api.explore(program(spec), strategy, **kw)


def replay(spec, schedule, **kw):
    """Replay a schedule of :func:`explore` (same default granularity)."""
    kw.setdefault("granularity", "sync")
    return api.replay(program(spec), schedule, **kw)


def outcome_set(result):
    """The explored outcome values (reprs), after checking the run was clean."""
    data = result.to_json()
    assert data["complete"], "exploration did not complete"
    assert data["failures"] == [], data["failures"]
    return {o["value"] for o in data["outcomes"]}


def load_module(spec):
    """Import a test program as an ordinary module (for real threaded runs)."""
    path, _, func = program(spec).partition("::")
    name = "realrun_" + os.path.splitext(os.path.basename(path))[0]
    module = sys.modules.get(name)
    if module is None:
        loader_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(loader_spec)
        loader_spec.loader.exec_module(module)
        sys.modules[name] = module
    return getattr(module, func or "main")


_REAL_CACHE = {}


def real_outcomes(spec, runs=REAL_RUNS):
    """Run a program ``runs`` times on real threads with a tiny switch interval.

    Returns a Counter of ``repr(outcome)``. The tiny switch interval makes the
    interpreter switch threads as often as it can, so real runs show more of
    their possible interleavings.
    """
    key = (spec, runs)
    if key not in _REAL_CACHE:
        fn = load_module(spec)
        counts = collections.Counter()
        saved = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        try:
            for _ in range(runs):
                counts[repr(fn())] += 1
        finally:
            sys.setswitchinterval(saved)
        _REAL_CACHE[key] = counts
    return _REAL_CACHE[key]


@pytest.fixture(params=COMPLETE_STRATEGIES)
def strategy(request):
    """Each complete strategy in turn."""
    return request.param
