"""Runtime semantics: program exit, failures in threads, determinism and replay."""
import json

import pytest

from conftest import explore, replay
from explorer import schedule as codec


def _json(spec, strategy="dfs"):
    return explore(spec, strategy).to_json()


def test_daemon_thread_blocked_forever_is_dropped(strategy):
    data = _json("shutdown.py::daemon_blocked", strategy)
    assert data["complete"] and data["failures"] == []
    assert [o["value"] for o in data["outcomes"]] == ["'done'"]


def test_non_daemon_thread_blocked_forever_is_a_deadlock(strategy):
    data = _json("shutdown.py::non_daemon_blocked", strategy)
    [failure] = data["failures"]
    assert failure["kind"] == "deadlock"
    assert "MainThread waits at exit for non-daemon threads stuck" in failure["message"]
    assert "the event is not set" in failure["message"]
    assert data["outcomes"] == []


def test_exit_joins_non_daemon_threads(strategy):
    """main's return value is taken before the worker may have run: [] or ['worker']."""
    data = _json("shutdown.py::non_daemon_finishes", strategy)
    assert data["failures"] == [] and data["complete"]
    ops = [row for row in _trace_of(data["outcomes"][0]["schedule"],
                                    "shutdown.py::non_daemon_finishes")]
    assert ops[-1]["op"] == "exit" and ops[-1]["thread"] == "MainThread"
    assert any(r["op"] == "exit" and r["thread"].startswith("Thread-1") for r in ops)


def test_module_state_is_fresh_in_every_execution():
    data = _json("shutdown.py::module_state_is_fresh")
    assert [o["value"] for o in data["outcomes"]] == ["2"]


def test_uncaught_exception_in_a_thread(strategy):
    data = _json("raises.py::main", strategy)
    [failure] = data["failures"]
    assert failure["kind"] == "exception"
    assert failure["message"].startswith("KeyError: 'boom' in worker at raises.py:")
    assert failure["thread"] == "worker"
    assert 'raise KeyError("boom")' in failure["traceback"]
    assert failure["traceback"].rstrip().endswith("KeyError: 'boom'")


def test_exception_in_main():
    [failure] = _json("raises.py::in_main")["failures"]
    assert failure["kind"] == "exception" and "ValueError: main failed in MainThread" in \
        failure["message"]


def test_assertion_failure_in_one_interleaving(strategy):
    data = _json("raises.py::assertion", strategy)
    [failure] = data["failures"]
    assert failure["kind"] == "assertion"
    assert "worker has not run yet: []" in failure["message"]
    assert [o["value"] for o in data["outcomes"]] == ["['worker']"]
    record = replay("raises.py::assertion", failure["schedule"])
    assert record.failure.kind == "assertion" and record.divergence is None


def _without_time(data):
    data = dict(data)
    data.pop("elapsed_s")
    return json.dumps(data, sort_keys=True)


@pytest.mark.parametrize("spec", ["locks.py::lock_order", "raises.py::assertion",
                                  "barriers.py::reset", "queues.py::lifo_race"])
def test_exploring_twice_gives_identical_json(spec, strategy):
    assert _without_time(_json(spec, strategy)) == _without_time(_json(spec, strategy))


def _trace_of(schedule, spec):
    return replay(spec, schedule).replay_json()["trace"]


@pytest.mark.parametrize("spec", ["locks.py::try_acquire", "barriers.py::reset",
                                  "conditions.py::wait_timeout", "raises.py::assertion",
                                  "timers.py::cancel_race"])
def test_replay_reproduces_each_outcome_and_failure(spec, strategy):
    data = _json(spec, strategy)
    for outcome in data["outcomes"]:
        record = replay(spec, outcome["schedule"])
        assert record.failure is None and record.divergence is None
        assert record.replay_json()["outcome"] == outcome["value"]
    for failure in data["failures"]:
        replayed = replay(spec, failure["schedule"]).replay_json()
        assert replayed["failure"]["kind"] == failure["kind"]
        assert replayed["failure"]["message"] == failure["message"]
        assert replayed["trace"] == failure["trace"]


def test_replay_of_a_prefix_says_where_it_diverged():
    data = _json("locks.py::lock_order")
    longest = max((o["schedule"] for o in data["outcomes"]), key=len)
    choices = codec.decode(longest)
    short = codec.encode(choices[:1], "locks.py::lock_order")
    record = replay("locks.py::lock_order", short)
    assert record.divergence and record.divergence.startswith("step ")
