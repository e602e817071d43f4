"""DPOR explores exactly one execution per Mazurkiewicz trace on the classic benchmarks.

Each program in benchmarks/programs has ``main(n)`` and ``expected(n)``, the
number of traces an optimal DPOR explores. Besides the published counts, a
brute-force cross-check counts the distinct traces of a complete ``dfs`` run
independently of the DPOR code: each execution's trace becomes its
dependence DAG (steps of one thread, or steps whose accesses conflict,
ordered as they ran), and equal DAGs are one trace.

The lock-only programs (lockinc, philosophers) are visible at sync level. The
others need shared-memory instrumentation (``explorer.instrument``); their
cases run only once it exists, and ``test_memory_instrumentation_exists``
fails loudly until then.
"""
import importlib.util
import os

import pytest

from explorer import api
from explorer.runtime.ops import READ, WRITE
from explorer.strategies import STRATEGIES

from conftest import ROOT

PROGRAMS = os.path.join(ROOT, "benchmarks", "programs")
HAVE_INSTRUMENT = importlib.util.find_spec("explorer.instrument") is not None

SYNC_CASES = [("lockinc", n) for n in (2, 3, 4, 5)] + [("philosophers", n) for n in (2, 3, 4, 5)]
MEMORY_CASES = ([("lastzero", n) for n in (1, 2, 3, 4, 5)] + [("readers", n) for n in (1, 2, 3, 4)]
                + [("inc", n) for n in (2, 3)] + [("indexer", n) for n in (11, 12)]
                + [("filesystem", n) for n in (13, 14, 15)])
CASES = SYNC_CASES + (MEMORY_CASES if HAVE_INSTRUMENT else [])

# dfs over every interleaving (main's own steps included) is the slow part:
# these sizes take 0.1-2.5 s each; the next sizes up take minutes.
SYNC_TINY = [("lockinc", 2), ("philosophers", 2)]
MEMORY_TINY = [("lastzero", 1), ("readers", 1), ("inc", 2)]
TINY = SYNC_TINY + (MEMORY_TINY if HAVE_INSTRUMENT else [])


def sized_target(tmp_path, name, n):
    """A target running ``name``'s main(n): the program's own source plus a zero-arg entry.

    The source is copied (not imported) so that the target module is the
    program itself, which is what memory instrumentation rewrites.
    """
    with open(os.path.join(PROGRAMS, name + ".py"), encoding="utf-8") as fh:
        source = fh.read()
    path = tmp_path / f"{name}_{n}.py"
    path.write_text(source + f"\n\ndef bench_main():\n    return main({n})\n", encoding="utf-8")
    return f"{path}::bench_main"


def expected(name, n):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", os.path.join(PROGRAMS, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.expected(n)


def explore(tmp_path, name, n, strategy):
    return api.explore(sized_target(tmp_path, name, n), strategy, granularity="memory",
                       max_executions=100000)


def test_memory_instrumentation_exists():
    """The memory-level benchmarks (lastzero, readers, inc, indexer, filesystem) need it."""
    assert HAVE_INSTRUMENT, "explorer.instrument is missing: the memory-level DPOR counts did not run"


def test_dpor_is_registered():
    assert "dpor" in STRATEGIES


@pytest.mark.parametrize("name,n", CASES, ids=[f"{c}-{n}" for c, n in CASES])
def test_dpor_explores_one_execution_per_trace(tmp_path, name, n):
    result = explore(tmp_path, name, n, "dpor")
    assert result.complete
    assert result.executions == expected(name, n), (
        f"{name}({n}): dpor ran {result.executions} executions "
        f"(+{result.pruned} pruned), the trace count is {expected(name, n)}")
    assert result.pruned == 0, "optimal DPOR never cuts an execution short on sleep sets"


# -- the brute-force cross-check ------------------------------------------------

def _conflict(a, b):
    """Two operations conflict: they share a key, both access it, at least one writes."""
    for ka, ma in a.accesses:
        if ma & (READ | WRITE):
            for kb, mb in b.accesses:
                if ka == kb and mb & (READ | WRITE) and (ma | mb) & WRITE:
                    return True
    return False


def trace_dag(trace):
    """The dependence DAG of one trace, as a hashable canonical form.

    Events are named (thread, index in that thread, op kind), which is the
    same in every execution that reaches them; the edges are every
    dependent pair in the order it ran. Two executions are the same
    Mazurkiewicz trace exactly when these forms are equal.
    """
    events = []
    seen = {}
    for entry in trace:             # (thread, op); the thread comes first, the op last
        thread, op = entry[0], entry[-1]
        k = seen.get(thread, 0)
        seen[thread] = k + 1
        events.append(((thread, k, op.kind), thread, op))
    edges = frozenset(
        (ea[0], eb[0]) for i, ea in enumerate(events) for eb in events[i + 1:]
        if ea[1] == eb[1] or _conflict(ea[2], eb[2]))
    return frozenset(e[0] for e in events), edges


def count_traces(spec, monkeypatch):
    """Distinct Mazurkiewicz traces among the executions of a complete dfs run."""
    dags = set()
    original = api.run_execution

    def recording(*args, **kw):
        record = original(*args, **kw)
        dags.add(trace_dag(record.trace))
        return record

    monkeypatch.setattr(api, "run_execution", recording)
    result = api.explore(spec, "dfs", granularity="memory", check_replay=False)
    monkeypatch.undo()
    assert result.complete
    return len(dags), result


@pytest.mark.parametrize("name,n", TINY, ids=[f"{c}-{n}" for c, n in TINY])
def test_dpor_count_equals_brute_force_trace_count(tmp_path, monkeypatch, name, n):
    traces, dfs = count_traces(sized_target(tmp_path, name, n), monkeypatch)
    dpor = explore(tmp_path, name, n, "dpor")
    assert dfs.executions >= traces
    assert traces == expected(name, n)
    assert dpor.executions == traces
    assert set(dpor.outcomes) == set(dfs.outcomes)
    assert {k for k, in dpor.failures} == {k for k, in dfs.failures}


def test_trace_dag_identifies_reordered_independent_steps():
    """Swapping independent neighbours keeps the DAG; swapping conflicting ones changes it."""
    from explorer.runtime.ops import Op
    x, y = object(), object()
    a1, b1 = Op("write", accesses=((x, WRITE),)), Op("write", accesses=((y, WRITE),))
    b2 = Op("read", accesses=((x, READ),))
    one = trace_dag([("A", a1), ("B", b1), ("B", b2)])
    two = trace_dag([("B", b1), ("A", a1), ("B", b2)])
    three = trace_dag([("B", b1), ("B", b2), ("A", a1)])
    assert one == two
    assert one != three


# -- random small programs: dpor against the brute-force count -----------------

def counting_statements(t, i, k):
    """Read, write, locked read, locked write, locked increment."""
    return [f"    v += x[{i}]", f"    x[{i}] = v + {t}",
            f"    with L[{k}]:\n        v += x[{i}]",
            f"    with L[{k}]:\n        x[{i}] = v + 1",
            f"    with L[{k}]:\n        x[{i}] = x[{i}] + 1"]


def random_program(rng, threads, statements=counting_statements, per_thread=(1, 2)):
    """Threads doing ``per_thread`` random ``statements(t, i, k)`` on ``x[i]`` and ``L[k]``;
    main starts and joins them and returns ``x``."""
    lines = ["import threading", "x = [0, 0]", "L = [threading.Lock(), threading.Lock()]", ""]
    for t in range(threads):
        lines += [f"def t{t}():", "    v = 0"]
        for _ in range(rng.randint(*per_thread)):
            i, k = rng.randrange(2), rng.randrange(2)
            lines.append(rng.choice(statements(t, i, k)))
    names = ", ".join(f"t{t}" for t in range(threads))
    lines += ["def main():", f"    ts = [threading.Thread(target=f) for f in ({names},)]",
              "    for t in ts:", "        t.start()", "    for t in ts:", "        t.join()",
              "    return tuple(x)", ""]
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(12))
def test_dpor_matches_brute_force_on_random_programs(tmp_path, monkeypatch, seed):
    """One execution per trace, the same outcomes as dfs, on programs nobody tuned for."""
    import random
    rng = random.Random(seed)
    path = tmp_path / f"random_{seed}.py"
    path.write_text(random_program(rng, 2), encoding="utf-8")
    traces, dfs = count_traces(str(path), monkeypatch)
    dpor = api.explore(str(path), "dpor", check_replay=False)
    assert dpor.complete
    assert (dpor.executions, dpor.pruned) == (traces, 0)
    assert set(dpor.outcomes) == set(dfs.outcomes)
