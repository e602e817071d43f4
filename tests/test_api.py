"""The public Python API: its surface, callable targets, JSON parity, notebook display, progress."""
import io
import json
import os
import pty
import subprocess
import sys
import threading
from threading import Lock as StdLock

import pytest

import explorer
from conftest import ROOT
from explorer import cli, progress
from explorer.target import FunctionTarget

TWO_LOCKS = os.path.join(ROOT, "models", "two_locks.py")
PUBLIC = ["explore", "replay", "explore_test", "reproduce", "Result", "ExecutionRecord",
          "ExplorerError", "BadInput", "BadTarget", "BadSchedule", "Divergence"]


def test_public_surface_is_small_and_documented():
    assert sorted(explorer.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert getattr(explorer, name).__doc__, name


def crossed_locks():
    a, b = StdLock(), StdLock()      # bound at import to the stdlib's Lock: rebound while exploring

    def take(first, second):
        with first:
            with second:
                pass

    t = threading.Thread(target=take, args=(a, b))
    t.start()
    take(b, a)
    t.join()
    return type(a).__module__


def test_explore_and_replay_a_callable():
    result = explorer.explore(crossed_locks, "dfs")
    assert result.complete and result.target == "test_api.py::crossed_locks"
    assert {v for v in result.outcomes} == {"'explorer.primitives.lock'"}
    [record] = [r for r in result.failure_records if r.failure.kind == "deadlock"]
    again = explorer.replay(crossed_locks, record.schedule)
    assert again.failure.kind == "deadlock"
    assert again.trace_json() == record.trace_json()
    assert StdLock is threading.__dict__["Lock"] and StdLock.__module__ == "_thread"
    with pytest.raises(explorer.BadSchedule, match="another target"):
        explorer.replay(test_public_surface_is_small_and_documented, record.schedule)


def test_callable_recompiled_keeps_lines_and_globals():
    seen = []

    def compiler(source, path):
        seen.append(path)
        return compile(source, path, "exec")

    target = FunctionTarget(crossed_locks, compiler=compiler)
    assert seen == [__file__]
    assert target.func is not crossed_locks
    assert target.func.__code__.co_firstlineno == crossed_locks.__code__.co_firstlineno
    assert target.func.__globals__ is crossed_locks.__globals__
    result = explorer.explore(target, "dfs")
    plain = explorer.explore(crossed_locks, "dfs")
    assert [r.trace_json() for r in result.failure_records] == [
        r.trace_json() for r in plain.failure_records]


@pytest.fixture(scope="module")
def two_locks():
    return explorer.explore(TWO_LOCKS, "dfs")


def test_result_carries_the_same_data_as_the_json(capsys):
    spec = os.path.join(ROOT, "models", "counter_plain.py")
    result = explorer.explore(spec, "dfs")
    assert cli.main(["explore", spec, "--strategy", "dfs", "--json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    data = result.to_json()
    for d in (data, printed):
        d.pop("elapsed_s")
    assert printed == json.loads(json.dumps(data))
    record = explorer.replay(spec, data["failures"][0]["schedule"])
    assert record.replay_json()["failure"]["trace"] == data["failures"][0]["trace"]


def test_notebook_display(two_locks):
    result = two_locks
    page = result._repr_html_()
    assert "<table>" in page and "deadlock: wait-for cycle" in page
    assert "(&#x27;A&#x27;, &#x27;B&#x27;)" in page and "<script" not in page
    [record] = [r for r in result.failure_records if r.failure.kind == "deadlock"]
    timeline = record._repr_html_()
    for name in ("MainThread", "Thread-1 (take)", "Thread-2 (take)"):
        assert f"<th>{name}</th>" in timeline
    assert timeline.count("<tr>") == len(record.trace) + 1
    svg = record._repr_svg_()
    assert svg.startswith("<svg") and "lock_a" in svg and "lock_b" in svg
    count, clean = next(iter(result.outcomes.values()))
    assert clean._repr_svg_() is None and "outcome:" in clean._repr_html_()


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_line(monkeypatch, two_locks):
    result = two_locks
    n = result.executions
    text = progress.status_line(result, 2.0, max_executions=n + 200, max_seconds=10)
    assert text.startswith(f"explorer: {n:,} executions")
    assert f"{n / 2:,.0f}/s" in text and "2.0 s" in text
    assert "left: 200 executions / 8.0 s" in text
    found = len(result.failures)
    assert found and text.endswith(f"{found} failure{'s' if found > 1 else ''} found")
    stream = FakeTTY()
    shown = progress.Progress(stream, color=False, delay=0.0, interval=0.0)
    shown(result)
    assert stream.getvalue().startswith(f"\rexplorer: {n:,} executions")
    shown.close()
    assert stream.getvalue().endswith("\r")
    assert progress.for_terminal(io.StringIO()) is None
    assert progress.for_terminal(FakeTTY(), quiet=True) is None
    monkeypatch.setenv("NO_COLOR", "1")
    assert progress.for_terminal(FakeTTY()).color is False
    monkeypatch.delenv("NO_COLOR")
    assert progress.for_terminal(FakeTTY()).color is True
    assert "\033[" in progress.status_line(result, 1.0, color=True)


def run_cli_on_pty(*args):
    master, slave = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "explorer", "explore", *args], env=env,
                          stdout=subprocess.PIPE, stderr=slave, timeout=60, cwd=ROOT)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    os.close(master)
    return proc, data.decode()


def test_progress_on_a_terminal_only():
    spec = os.path.join(ROOT, "models", "philosophers.py")
    proc, err = run_cli_on_pty(spec, "--strategy", "dfs", "--max-seconds", "1.5")
    assert "\rexplorer: " in err and " executions " in err and "left: " in err
    assert "\033[" not in err                                    # NO_COLOR
    assert proc.stdout.decode().startswith("explorer: ")        # the report is unchanged
    proc, err = run_cli_on_pty(spec, "--strategy", "dfs", "--max-seconds", "1", "--json")
    assert err == "" and json.loads(proc.stdout)["executions"] > 0
