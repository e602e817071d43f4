"""``explorer real``: real threaded runs stay inside the explored state graph."""
import glob
import json
import os
import threading

import pytest

from explorer import cli, patching, real
from explorer.primitives.lock import Lock

from conftest import REAL_RUNS, ROOT

MODELS = os.path.join(ROOT, "models")


def model(name):
    return os.path.join(MODELS, name + ".py")


@pytest.mark.parametrize("name", ["race", "two_locks", "pipeline_queue_hang", "timer",
                                  "bounded_buffer"])
def test_real_runs_are_paths_of_the_graph(name):
    report = real.check(model(name), REAL_RUNS, seed=7, granularity="sync")
    data = report.to_json()
    assert data["missing"] == []
    assert data["runs"] == REAL_RUNS
    assert sum(o["count"] for o in data["outcomes_real"]) == REAL_RUNS
    assert {o["value"] for o in data["outcomes_real"]} <= set(data["outcomes_explored"])
    assert 0 < data["states_covered"] <= 1 and 0 < data["edges_covered"] <= 1
    assert 1 <= data["paths"] <= REAL_RUNS


def test_memory_granularity_real_runs_switch_at_the_same_points():
    data = real.check(model("counter_plain"), REAL_RUNS, seed=3).to_json()
    assert data["missing"] == [] and data["explored_complete"]
    assert {"1", "2", "lost-update"} <= set(data["outcomes_explored"])


def test_a_deadlocking_target_does_not_hang_the_check():
    data = real.check(model("self_deadlock"), 20, granularity="sync").to_json()
    assert data["outcomes_real"] == [{"value": "deadlock", "count": 20}]
    assert data["missing"] == [] and data["states_covered"] == 1.0


RAISING = """
import threading

def main():
    box = []
    def fail():
        box.append(1)
        raise ValueError("boom")
    t = threading.Thread(target=fail)
    t.start()
    t.join()
    return box
"""


def test_a_thread_that_raises_ends_its_run_as_a_failure(tmp_path):
    path = tmp_path / "raising.py"
    path.write_text(RAISING)
    data = real.check(str(path), 20, granularity="sync").to_json()
    assert data["missing"] == []
    assert data["outcomes_real"] == [{"value": "exception", "count": 20}]
    assert data["outcomes_explored"] == ["exception"]


class LetsTwoIn(Lock):
    """A wrong Lock: a second acquire never waits (two threads in the critical section)."""

    def _free(self):
        return True


def test_a_wrong_lock_model_makes_real_runs_leave_the_graph(monkeypatch, capsys):
    monkeypatch.setitem(patching._TABLE[threading], "Lock", LetsTwoIn)
    code = cli.main(["real", model("race_fixed"), "--runs", "50", "--json", "--seed", "1",
                     "--granularity", "sync"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["missing"], data
    first = data["missing"][0]
    assert set(first) == {"run", "from", "to", "thread", "op"}
    assert "(blocked)" in first["from"] + first["to"]   # only a real lock makes threads wait


def test_cli_real_text_and_bad_input(capsys):
    assert cli.main(["real", model("join"), "--runs", "5", "--granularity", "sync"]) == 0
    out = capsys.readouterr().out
    assert "5 real runs" in out and "missing transitions: none" in out
    assert cli.main(["real", "no/such/target.py"]) == 2
    assert cli.main(["real", model("join"), "--runs", "0"]) == 2


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(MODELS, "*.py"))))
def test_every_model_passes_a_thousand_real_runs(path):
    data = real.check(path, 1000, seed=11, granularity="sync").to_json()
    assert data["explored_complete"] and data["missing"] == []
