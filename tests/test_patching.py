"""Patching is scoped to an exploration and undone afterwards, whatever happens."""
import concurrent.futures
import logging
import queue
import threading
import time

import pytest

from conftest import explore, program
from explorer import api, patching
from explorer.errors import BadInput

MODULES = {"threading": threading, "queue": queue, "time": time,
           "concurrent.futures": concurrent.futures}


def snapshot():
    """Every public attribute of the patched modules, by identity."""
    return {(name, attr): id(getattr(mod, attr)) for name, mod in MODULES.items()
            for attr in dir(mod) if not attr.startswith("__")}


@pytest.fixture
def untouched():
    before = snapshot()  # first: it resolves lazy attributes (concurrent.futures)
    originals = patching.originals()
    yield
    assert patching.originals() == originals
    assert snapshot() == before
    assert threading.Lock is not None and time.sleep.__module__ == "time"


def test_restored_after_a_clean_exploration(untouched):
    assert explore("locks.py::lock_counter").complete


def test_restored_after_the_target_raises(untouched):
    result = explore("raises.py::in_main")
    assert [f["kind"] for f in result.to_json()["failures"]] == ["exception"]


def test_restored_when_the_explorer_itself_errors(untouched, monkeypatch):
    """An error inside the explorer mid-run propagates and still restores everything."""
    from explorer.runtime import execution

    def broken(self, main):
        raise RuntimeError("explorer blew up")

    monkeypatch.setattr(execution.Execution, "_loop", broken)
    with pytest.raises(RuntimeError, match="explorer blew up"):
        api.explore(program("locks.py::lock_counter"), "dfs")


def test_restored_after_bad_input(untouched):
    with pytest.raises(BadInput):
        api.explore(program("bad_import.py"), "dfs")
    with pytest.raises(BadInput):
        api.replay(program("locks.py::lock_counter"), "ex1.not-a-schedule")


def test_patch_is_active_only_inside():
    real_lock = threading.Lock
    with patching.patched():
        assert threading.Lock is not real_lock
        assert queue.Queue.__module__.startswith("explorer")
    assert threading.Lock is real_lock


def test_real_threads_work_after_exploring():
    explore("queues.py::fifo_handoff")
    q, out = queue.Queue(), []
    t = threading.Thread(target=lambda: out.append(q.get(timeout=5)))
    t.start()
    q.put("real")
    t.join(5)
    assert out == ["real"] and not t.is_alive()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        assert list(pool.map(abs, [-1, -2])) == [1, 2]


def test_logging_works_during_and_after(caplog):
    caplog.set_level(logging.INFO, logger="explorer-test")
    result = explore("raises.py::logs").to_json()
    assert result["failures"] == [] and result["complete"]
    assert [o["value"] for o in result["outcomes"]] == ["'logged'"]
    logging.getLogger("explorer-test").info("after")
    assert "after" in caplog.text
