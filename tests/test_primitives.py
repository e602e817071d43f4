"""Conformance: each primitive's programs, on real CPython threads and under the explorer.

For every program: the explored outcome set is exactly the set derived by
reasoning (written out below), every outcome of many real threaded runs is
among the explored ones, and for some programs the explorer finds outcomes
real runs rarely or never show. Programs live in tests/programs/. They are
free of data races (every shared access is ordered by a lock, queue, event,
join, ...), so they are explored at "sync" granularity, the primitives' own
semantics, where a reducing strategy must find the same outcome sets.

Programs that take exhaustive search without reduction more than about a
thousand executions are "heavy": under dfs they run only with ``-m slow``.
"""
import ast
import subprocess
import sys

import pytest

from conftest import COMPLETE_STRATEGIES, REAL_RUNS, explore, load_module, outcome_set, program
from conftest import real_outcomes, replay

F, T = False, True
# spec -> every outcome the program can have, as the values it returns.
CASES = {
    # threads.py
    "threads.py::daemon_flags": [[
        ("grandchild", T), ("main", F), ("plain", F),
        ("set_after_start", "cannot set daemon status of active thread")]],
    "threads.py::idents": [(None, T, T, T, T, T)],
    "threads.py::is_alive_race": [(F, F, F), (F, T, F)],
    "threads.py::join_timeout_blocked": [(T, F)],
    "threads.py::join_timeout_free": [F, T],
    "threads.py::start_order": [[1, 2], [2, 1]],
    "threads.py::child_after_main": [["main", "child"], ["child", "main"]],
    "threads.py::counting": [(1, 0, (T, T), F)],
    "threads.py::locals_are_per_thread": [
        ("main", "MainThread", [("has_x", F), ("sub", "kid"), ("x", "child")])],
    # locks.py
    "locks.py::lock_counter": [2],
    "locks.py::rlock_counter": [2],
    "locks.py::lock_order": ["a<a>b<b>", "b<b>a<a>"],
    "locks.py::try_acquire": [([F], F), ([T], F)],
    "locks.py::timed_acquire_held": [[F]],
    "locks.py::rlock_reentrant": [([F, T], T, F)],
    # conditions.py
    "conditions.py::handoff": [["x"]],
    "conditions.py::wait_timeout": [[F], [T]],
    "conditions.py::wait_for_timeout": [[F], [T]],
    "conditions.py::notify_n": [(0, 0), (1, 1), (2, 1)],
    # semaphores.py
    "semaphores.py::bound": [[False, True, True]],
    "semaphores.py::try_and_timed": [[F, F, T, T, F]],
    "semaphores.py::signal_wait": [["before", "after"]],
    "semaphores.py::bounded_over_release": ["Semaphore released too many times"],
    # events.py
    "events.py::wait_then_run": [["set", "woke"]],
    "events.py::wait_timeout": [[F], [T]],
    "events.py::set_clear": [(F, T, F, F)],
    "events.py::observe_flag": [[F], [T]],
    # barriers.py
    "barriers.py::indices_and_action": [([0, 1, 2], T)],
    "barriers.py::arrival_order": ["abm", "amb", "bam", "bma", "mab", "mba"],
    "barriers.py::timeout_alone": [("broken", T)],
    "barriers.py::timeout_pair": [["broken", "broken"], ["passed", "passed"]],
    "barriers.py::abort": [(["broken"], T)],
    "barriers.py::reset": [(["broken", "passed"], F), (["passed"], F)],
    # timers.py
    "timers.py::fires": [["fired"]],
    "timers.py::cancel_race": [["fired"], []],
    "timers.py::cancel_before_start": [[]],
    # queues.py
    "queues.py::fifo_handoff": [[0, 1, 2]],
    "queues.py::two_producers": ["ab", "ba"],
    "queues.py::lifo_and_priority": [([1, 3, 2], [1, 2, 3])],
    "queues.py::lifo_race": [[1, 2], [2, 1]],
    "queues.py::full_and_empty": [["Empty", "Empty", "Full", "Full", 1, T, F]],
    "queues.py::get_timeout_race": [["Empty"], ["item"]],
    "queues.py::task_done_join": [[0, 1, 2]],
    "queues.py::simple_queue": [(["a", "Empty"], T, 0)],
    # pools.py
    "pools.py::map_one": [[9]],
    "pools.py::exception_result": [("ValueError", "boom", "boom")],
    "pools.py::callbacks": [[("MainThread", 5)], [("setter", 5)]],
    "pools.py::as_completed_one": [[1]],
    "pools.py::wait_timeout": [(0, 1, T, 1, "ok")],
    "pools.py::first_exception": [(T, T)],
    "pools.py::shutdown_then_submit": [(T, "cannot schedule new futures after shutdown")],
}
HEAVY = {"conditions.py::notify_n", "pools.py::map_one",
         "pools.py::exception_result", "pools.py::shutdown_then_submit",
         "barriers.py::arrival_order"}

# Outcomes real runs show in at most this fraction of runs, that the explorer must find.
RARE = {
    "threads.py::child_after_main": (["child", "main"], 0.1),
    "threads.py::join_timeout_free": (T, 0.0),
    "timers.py::cancel_race": (["fired"], 0.1),
}

_EXPLORED = {}


def expected_reprs(spec):
    return {repr(value) for value in CASES[spec]}


def explored(spec, strategy):
    key = (spec, strategy)
    if key not in _EXPLORED:
        _EXPLORED[key] = outcome_set(explore(spec, strategy))
    return _EXPLORED[key]


def _params():
    for spec in CASES:
        for strategy in COMPLETE_STRATEGIES:
            marks = [pytest.mark.slow] if spec in HEAVY and strategy == "dfs" else []
            yield pytest.param(spec, strategy, marks=marks, id=f"{spec}-{strategy}")


@pytest.mark.parametrize("spec,strategy", list(_params()))
def test_explored_set_is_exactly_the_derived_one(spec, strategy):
    assert explored(spec, strategy) == expected_reprs(spec)


def _real_params():
    fast = COMPLETE_STRATEGIES[-1]  # the last is the most reducing one available
    for spec in CASES:
        marks = [pytest.mark.slow] if spec in HEAVY and fast == "dfs" else []
        yield pytest.param(spec, fast, marks=marks, id=spec)


@pytest.mark.parametrize("spec,strategy", list(_real_params()))
def test_every_real_outcome_is_explored(spec, strategy):
    real = real_outcomes(spec)
    assert sum(real.values()) == REAL_RUNS
    assert set(real) <= explored(spec, strategy), real


def test_case_tables_name_real_cases():
    assert HEAVY <= set(CASES) and set(RARE) <= set(CASES)


@pytest.mark.parametrize("spec", sorted(RARE))
def test_explorer_finds_outcomes_real_runs_rarely_show(spec):
    value, fraction = RARE[spec]
    rare = repr(value)
    assert rare in explored(spec, "dfs")
    assert real_outcomes(spec)[rare] <= fraction * REAL_RUNS


def test_thread_names_follow_cpython_in_a_fresh_process():
    """Default names count from 1 per program run; compare with a fresh interpreter."""
    code = ("import importlib.util as u, sys; s = u.spec_from_file_location('p', sys.argv[1]); "
            "m = u.module_from_spec(s); s.loader.exec_module(m); print(repr(m.names()))")
    path = program("threads.py")
    real = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert real == repr(("Thread-1 (_work)", "Thread-2", "custom", "Thread-3 (<lambda>)",
                         ["Thread-3 (<lambda>)"], "MainThread"))
    assert explored("threads.py::names", "dfs") == {real}


def test_every_program_has_a_case():
    """No program function is left without its derived outcome set."""
    names = set()
    for fname in {spec.split("::")[0] for spec in CASES}:
        with open(program(fname), encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
        names |= {f"{fname}::{node.name}" for node in tree.body
                  if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")}
    assert names - set(CASES) == {"threads.py::names"}


def test_misuse_raises_cpython_exceptions_and_messages():
    """The same misuse list, run on the stdlib and under the explorer, raises the same."""
    real = load_module("misuse.py::misuse")()
    result = explore("misuse.py::misuse").to_json()
    assert result["complete"] and result["failures"] == []
    [outcome] = result["outcomes"]
    record = replay("misuse.py::misuse", outcome["schedule"])
    assert record.outcome == real
    assert ("RuntimeError", "release unlocked lock") in real
    assert ("ValueError", "Semaphore released too many times") in real
