"""Every model in models/ explores to completion with exactly the facts its docstring states.

The expected values are written out literally (not computed by the code under
test): the outcome set, the failure kinds, and for many_threads the number of
orders, derived in its docstring. Each model is explored with ``dpor`` (the
default) and, where that is quick, with ``dfs`` too: any complete strategy
must agree.
"""
import ast
import json
import os
import subprocess
import sys

import pytest

from explorer import api
from explorer.models_index import list_models

from conftest import ROOT

MODELS = os.path.join(ROOT, "models")

# Log lines of thread_start.py / daemon_thread.py / join.py.
CREATE, RUN = "Main    : before creating thread", "Main    : before running thread"
WAIT, DONE = "Main    : wait for the thread to finish", "Main    : all done"
START, FINISH = "Thread 1: starting", "Thread 1: finishing"

# Worker's k lines merged with main's last two: 1 + 3 + 6 = 10 (see the docstring).
STARTED_LOGS = {
    (CREATE, RUN, WAIT, DONE),
    (CREATE, RUN, START, WAIT, DONE), (CREATE, RUN, WAIT, START, DONE),
    (CREATE, RUN, WAIT, DONE, START),
    (CREATE, RUN, START, FINISH, WAIT, DONE), (CREATE, RUN, START, WAIT, FINISH, DONE),
    (CREATE, RUN, START, WAIT, DONE, FINISH), (CREATE, RUN, WAIT, START, FINISH, DONE),
    (CREATE, RUN, WAIT, START, DONE, FINISH), (CREATE, RUN, WAIT, DONE, START, FINISH),
}
PERMUTATIONS_3 = {(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)}

# name -> (target, outcome values, failure kinds, dfs finishes within a few seconds)
# (bank: its lost update ends in a failed assertion, which is what gets reported for it.)
FACTS = {
    "bank": ("bank.py", {(20, 1)}, {"assertion", "data-race"}, False),
    "barrier": ("barrier.py", {True}, set(), False),
    "bounded_buffer": ("bounded_buffer.py", {(1, 2, 3)}, set(), False),
    "busy_wait": ("busy_wait.py", {42}, set(), True),
    "counter_plain": ("counter_plain.py", {1, 2}, {"data-race", "lost-update"}, True),
    "daemon_thread": ("daemon_thread.py", STARTED_LOGS, set(), True),
    "join": ("join.py", {(CREATE, RUN, WAIT, START, FINISH, DONE),
                         (CREATE, RUN, START, WAIT, FINISH, DONE),
                         (CREATE, RUN, START, FINISH, WAIT, DONE)}, set(), True),
    "philosophers": ("philosophers.py", PERMUTATIONS_3, {"deadlock", "lock-order-inversion"},
                     False),
    "philosophers_fixed": ("philosophers_fixed.py", PERMUTATIONS_3, set(), False),
    "pipeline_lock": ("pipeline_lock.py", {(1, 2)}, set(), False),
    "pipeline_queue": ("pipeline_queue.py", {(1, 2)}, set(), False),
    "pipeline_queue_hang": ("pipeline_queue_hang.py", {(1, 2)}, {"deadlock"}, False),
    "pool": ("pool.py", {((0, 1, 4), (0, 1, 2)), ((0, 1, 4), (0, 2, 1)),
                         ((0, 1, 4), (1, 0, 2)), ((0, 1, 4), (1, 2, 0))}, set(), False),
    "race": ("race.py", {1, 2}, {"data-race", "lost-update"}, True),
    "race_fixed": ("race_fixed.py", {2}, set(), True),
    "self_deadlock": ("self_deadlock.py", set(), {"deadlock"}, True),
    "self_deadlock_fixed": ("self_deadlock_fixed.py", {9}, set(), True),
    "semaphore": ("semaphore.py", {1, 2}, set(), False),
    "thread_start": ("thread_start.py", STARTED_LOGS, set(), True),
    "timer": ("timer.py", {False, True}, set(), True),
    "two_locks": ("two_locks.py", {("A", "B"), ("B", "A")}, {"deadlock", "lock-order-inversion"},
                  False),
}
CASES = [(name, "dpor") for name in FACTS] + \
        [(name, "dfs") for name, facts in FACTS.items() if facts[3]]


def explored(target, strategy, **kw):
    data = api.explore(os.path.join(MODELS, target), strategy, **kw).to_json()
    assert data["complete"], f"{target} with {strategy} did not complete"
    return data


def test_every_model_has_its_facts_here():
    on_disk = {name[:-3] for name in os.listdir(MODELS)
               if name.endswith(".py") and not name.startswith("_")}
    assert on_disk == set(FACTS) | {"many_threads"}


@pytest.mark.parametrize("name,strategy", CASES)
def test_model_facts(name, strategy):
    target, outcomes, kinds, _ = FACTS[name]
    data = explored(target, strategy)
    assert {o["value"] for o in data["outcomes"]} == {repr(v) for v in outcomes}
    assert {f["kind"] for f in data["failures"]} == kinds


@pytest.mark.parametrize("strategy", ["dpor", pytest.param("dfs", marks=pytest.mark.slow)])
def test_many_threads_lists_every_order_for_two_threads(strategy):
    """n=2: the 103 linear extensions of the docstring's partial order, each one an outcome."""
    data = explored("many_threads.py::orders", strategy)
    orders = {o["value"].strip("'") for o in data["outcomes"]}
    assert len(orders) == 103
    assert data["failures"] == []
    finishing = {tuple(code for code in order.split() if code[0] == "F") for order in orders}
    assert finishing == {("F0", "F1"), ("F1", "F0")}
    if strategy == "dpor":  # every append conflicts: one execution per order, none wasted
        assert data["executions"] == 103


@pytest.mark.slow
def test_many_threads_three_threads(tmp_path):
    """n=3 (about a minute): 10349 orders, every one of the 3! finishing orders among them."""
    source = tmp_path / "many_threads_3.py"
    source.write_text(_source("many_threads") + "\n\ndef three():\n    return orders(3)\n")
    data = api.explore(f"{source}::three", "dpor").to_json()
    assert data["complete"] and data["failures"] == []
    orders = [o["value"].strip("'").split() for o in data["outcomes"]]
    assert len(orders) == data["executions"] == 10349
    finishing = {tuple(code for code in order if code[0] == "F") for order in orders}
    assert len(finishing) == 6


@pytest.mark.parametrize("target,outcomes", [
    ("counter_plain.py", {2}),       # no switch inside `counter += 1`
    ("race.py", {1, 2}),             # the sleep is the switch point
    ("bank.py", {(20, 1)}),          # no switch between check and withdrawal
])
def test_sync_granularity_hides_memory_switches(target, outcomes):
    data = explored(target, "dfs", granularity="sync")
    assert {o["value"] for o in data["outcomes"]} == {repr(v) for v in outcomes}
    assert data["failures"] == []


def test_models_command_lists_every_model():
    rows = {row["name"]: row for row in list_models()}
    assert set(rows) == set(FACTS) | {"many_threads"}
    for name, row in rows.items():
        tree = ast.parse(_source(name))
        lesson = next(node.value.value for node in tree.body if isinstance(node, ast.Assign)
                      and [t.id for t in node.targets] == ["LESSON"])
        assert row["lesson"] == lesson == ast.get_docstring(tree).splitlines()[0]
        assert os.path.normpath(os.path.join(ROOT, row["target"])) == \
            os.path.join(MODELS, name + ".py")
    out = _cli("models")
    assert out.returncode == 0
    for name, row in rows.items():
        assert name in out.stdout and row["lesson"] in out.stdout


def test_explore_a_model_from_the_repository_root():
    out = _cli("explore", "models/race.py")
    assert out.returncode == 1, out.stderr
    assert "complete" in out.stdout and "lost-update" in out.stdout
    out = _cli("explore", "models/race_fixed.py", "--json")
    assert out.returncode == 0, out.stderr
    assert [o["value"] for o in json.loads(out.stdout)["outcomes"]] == ["2"]


def _source(name):
    with open(os.path.join(MODELS, name + ".py"), encoding="utf-8") as fh:
        return fh.read()


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "explorer", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
