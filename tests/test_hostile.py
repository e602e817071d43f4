"""Hostile targets and bad input: the explorer never hangs, never lies, never loses a result.

Each test is one row of issue 9's table. Target programs are written to a
temporary directory; hangs are bounded by a short ``step_timeout``.
"""
import _thread
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from explorer import api, cli, patching, schedule
from explorer.atomic import write_atomic
from explorer.runtime import kernel
from explorer.strategies import STRATEGIES

HANG = 0.5  # step timeout for the tests, seconds


def write(tmp_path, name, source):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return str(path)


def failures(result):
    return {f["kind"]: f for f in result.to_json()["failures"]}


def explorer_cli(*args, stdin=subprocess.DEVNULL, timeout=60):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True,
                          text=True, stdin=stdin, timeout=timeout)


def runtime_state():
    """Everything an exploration changes while it runs, to check it is all undone."""
    return (patching.originals(), signal.getsignal(signal.SIGINT), sys.stdout, sys.stderr,
            kernel.execution(), len(sys._current_frames()))


# -- spins ------------------------------------------------------------------

SPIN_WITH_YIELDS = """
    import threading

    def main():
        ready = threading.Event()
        def waiter():
            spins = 0     # counted: each iteration changes the state (a pure poll would wait)
            while not ready.is_set():
                spins += 1
        t = threading.Thread(target=waiter)
        t.start()
        ready.set()
        t.join()
        return "done"
"""


def test_spin_with_yield_points_is_a_step_limit_and_exploration_goes_on(tmp_path, strategy):
    result = api.explore(write(tmp_path, "spin.py", SPIN_WITH_YIELDS), strategy, max_steps=40)
    data = result.to_json()
    spin = failures(result)["step-limit"]
    assert "spin loop" in spin["message"]
    assert len(spin["trace"]) == 40
    assert {(s["thread"], s["op"]) for s in spin["trace"][-10:]} == {
        ("Thread-1 (waiter)", "is_set")}
    assert data["outcomes"][0]["value"] == "'done'"     # the other schedules still ran
    assert data["executions"] > 2 and data["complete"]


SPIN_WITHOUT_YIELDS = """
    import threading
    import time

    def main():
        flag = []
        def spin():
            while not flag:
                pass
        t = threading.Thread(target=spin)
        t.start()
        time.sleep(0)
        flag.append(1)
        t.join()
"""


def test_spin_without_yield_point_is_ended_by_the_watchdog(tmp_path):
    before = runtime_state()
    started = time.monotonic()
    result = api.explore(write(tmp_path, "spin.py", SPIN_WITHOUT_YIELDS), "dfs",
                         step_timeout=HANG)
    assert time.monotonic() - started < 10 * HANG + 2
    spin = failures(result)["step-limit"]
    assert spin["message"].startswith("Thread-1 (spin) made no progress for 0.5 s")
    assert "spin.py:8 `while not flag:`" in spin["message"]
    [main] = spin["threads"]      # what the other thread was pending on
    assert main["thread"] == "MainThread" and main["location"] in ("spin.py:12", "spin.py:13")
    data = result.to_json()
    assert data["complete"] is False and "hung" in data["stopped"]
    assert runtime_state() == before


# -- calls the explorer does not control --------------------------------------

BLOCKING = {
    "real_lock": ("""
        import _thread

        def main():
            lock = _thread.allocate_lock()
            lock.acquire()
            lock.acquire()
    """, "`lock.acquire()`"),
    "socket": ("""
        import socket

        def main():
            a, b = socket.socketpair()
            try:
                return a.recv(10)
            finally:
                a.close()
                b.close()
    """, "`return a.recv(10)`"),
    "subprocess": ("""
        import subprocess, sys

        def main():
            p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
            try:
                p.wait()
            finally:
                p.kill()
                p.wait()
    """, "`p.wait()` (innermost: _try_wait at subprocess.py"),
}


@pytest.mark.parametrize("name", sorted(BLOCKING))
def test_blocking_call_is_named_and_does_not_hang(tmp_path, name):
    source, call = BLOCKING[name]
    before = runtime_state()
    result = api.explore(write(tmp_path, f"{name}.py", source), "dfs", step_timeout=HANG)
    hung = failures(result)["step-limit"]
    assert hung["message"].startswith("MainThread made no progress")
    assert call in hung["message"]
    assert "a call the explorer does not control" in hung["message"]
    assert not result.complete
    assert runtime_state() == before


def test_blocking_call_in_replay_and_on_the_command_line(tmp_path):
    path = write(tmp_path, "lock.py", BLOCKING["real_lock"][0])
    record = api.replay(path, schedule.encode([], "lock.py::main"), step_timeout=HANG)
    assert record.failure.kind == "step-limit"
    done = explorer_cli("explore", path, "--json", "--strategy", "dfs", "--step-timeout", "0.5")
    assert done.returncode == 1
    assert json.loads(done.stdout)["failures"][0]["kind"] == "step-limit"


def test_input_with_stdin_closed_is_an_exception(tmp_path):
    path = write(tmp_path, "ask.py", """
        def main():
            return input("name? ")
    """)
    done = explorer_cli("explore", path, "--json", "--strategy", "dfs")
    assert done.returncode == 1
    failure = json.loads(done.stdout)["failures"][0]
    assert failure["kind"] == "exception" and failure["message"].startswith("EOFError")


# -- real OS threads behind the explorer's back ---------------------------------

STRAY = """
    import _thread
    import sys
    import threading

    GATES = sys.modules["_thread"].__dict__.setdefault("xp_test_gates", [])

    def main():
        gate = _thread.allocate_lock()
        gate.acquire()
        GATES.append(gate)
        {start}
        return "returned"
"""


def test_real_os_thread_is_reported(tmp_path):
    start = "_thread.start_new_thread(lambda: gate.acquire(), ())"
    path = write(tmp_path, "stray.py", STRAY.format(start=start))
    try:
        result = api.explore(path, "dfs")
    finally:
        for gate in _thread.__dict__.pop("xp_test_gates"):
            gate.release()
    stray = failures(result)["nondeterminism"]
    assert "real OS thread(s) the explorer does not control" in stray["message"]
    assert "threading.Thread" in stray["message"]          # says what to do instead
    assert stray["os_threads"][0].endswith("at stray.py:12 `_thread.start_new_thread(lambda: "
                                           "gate.acquire(), ())`")


# -- nondeterminism ------------------------------------------------------------

# State kept outside the target module (a stand-in for the clock, random or a
# file): every run sees a different value, so no replay repeats its run.
TOGGLE = """
    import sys
    import threading

    RUNS = sys.modules["sys"].__dict__.setdefault("xp_test_runs_{tag}", [0])

    def main():
        RUNS[0] += 1
        {body}
"""


def test_outcome_that_changes_on_replay_is_nondeterminism(tmp_path):
    path = write(tmp_path, "clock.py", TOGGLE.format(tag="outcome", body="return RUNS[0]"))
    try:
        result = api.explore(path, "dfs")
    finally:
        del sys.xp_test_runs_outcome
    found = failures(result)["nondeterminism"]
    assert found["message"].startswith("replaying the schedule of an execution (outcome) "
                                       "did not repeat it: same ")
    assert "steps, then outcome 1 and then outcome 2" in found["message"]
    assert "random, the clock" in found["message"]


def test_trace_that_changes_on_replay_names_the_first_diverging_step(tmp_path):
    body = """t = threading.Thread(target=print)
        if RUNS[0] % 2:
            t.start()
            t.join()
        return 0"""
    path = write(tmp_path, "io.py", TOGGLE.format(tag="trace", body=body))
    try:
        result = api.explore(path, "dfs")
    finally:
        del sys.xp_test_runs_trace
    found = failures(result)["nondeterminism"]
    assert re.search(r"did not repeat it: step \d+: first MainThread start at io.py:11, "
                     r"then MainThread ", found["message"])


LOCKS = """
    import threading
    import time

    def main():
        lock = threading.Lock()
        def work():
            with lock:
                pass
        ts = [threading.Thread(target=work) for _ in range(2)]
        {before}
        for t in ts:
            t.start()
        {after}
        for t in ts:
            t.join()
"""


def test_replay_that_diverges_is_a_nondeterminism_failure(tmp_path):
    path = write(tmp_path, "locks.py", LOCKS.format(before="", after=""))
    schedule = api.explore(path, "dfs").to_json()["outcomes"][0]["schedule"]
    write(tmp_path, "locks.py", """
        def main():
            return 1
    """)   # the same target name, now a program with a different shape
    record = api.replay(path, schedule)
    assert record.failure is None and "unused" in record.divergence
    done = explorer_cli("replay", path, schedule, "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["failure"]["kind"] == "nondeterminism"


def test_replay_choosing_a_blocked_thread_is_a_nondeterminism_failure(tmp_path):
    path = write(tmp_path, "locks.py", LOCKS.format(before="", after=""))
    schedule = api.explore(path, "dfs").to_json()["outcomes"][0]["schedule"]
    write(tmp_path, "locks.py", LOCKS.format(before="lock.acquire()",
                                             after="time.sleep(0)\n        lock.release()"))
    record = api.replay(path, schedule)
    assert record.failure.kind == "nondeterminism"
    assert record.failure.message.startswith("step 5: the schedule says")
    assert "but only" in record.failure.message


# -- errors in threads, timers, pool tasks, barrier actions ---------------------

RAISES = {
    "thread": ("""
        import threading

        def main():
            def boom():
                raise ValueError("in a thread")
            t = threading.Thread(target=boom)
            t.start()
            t.join()
    """, "ValueError: in a thread in Thread-1 (boom) at raises.py:6",
        'raise ValueError("in a thread")'),
    "timer": ("""
        import threading

        def main():
            def boom():
                raise ValueError("in a timer")
            t = threading.Timer(0.01, boom)
            t.start()
            t.join()
    """, "ValueError: in a timer in Thread-1 at raises.py:6", 'raise ValueError("in a timer")'),
    "pool task, retrieved": ("""
        from concurrent.futures import ThreadPoolExecutor

        def main():
            def boom():
                raise ValueError("in a task")
            with ThreadPoolExecutor(1) as pool:
                return pool.submit(boom).result()
    """, "ValueError: in a task in MainThread at raises.py:6", 'raise ValueError("in a task")'),
    "barrier action": ("""
        import threading

        def main():
            def boom():
                raise ValueError("in an action")
            b = threading.Barrier(2, action=boom)
            t = threading.Thread(target=b.wait)
            t.start()
            b.wait()
            t.join()
    """, "ValueError: in an action in ", 'raise ValueError("in an action")'),
}


@pytest.mark.parametrize("where", sorted(RAISES))
def test_raise_is_reported_with_traceback_and_other_threads_state(tmp_path, where):
    source, message, line = RAISES[where]
    result = api.explore(write(tmp_path, "raises.py", source), "dfs", max_executions=50)
    failure = failures(result)["exception"]
    assert failure["message"].startswith(message)
    assert line in failure["traceback"]
    done = explorer_cli("explore", str(tmp_path / "raises.py"), "--strategy", "dfs",
                        "--max-executions", "50")
    assert done.returncode == 1 and line in done.stdout
    if where == "pool task, retrieved":   # `with` joined the workers before the raise
        return
    assert failure["threads"], "the other threads' state is missing"
    assert all({"thread", "op", "location"} <= set(t) for t in failure["threads"])
    assert "other threads at the failure:" in done.stdout


def test_unretrieved_pool_exception_is_not_reported_as_in_cpython(tmp_path):
    path = write(tmp_path, "fire_and_forget.py", """
        from concurrent.futures import ThreadPoolExecutor

        def main():
            with ThreadPoolExecutor(1) as pool:
                pool.submit(int, "not a number")
            return "ok"
    """)
    result = api.explore(path, "dfs", max_executions=100)
    assert [o["value"] for o in result.to_json()["outcomes"]] == ["'ok'"]
    assert not result.failures


# -- recursion, huge output, unprintable values ---------------------------------

def test_deep_recursion_in_a_thread_is_an_exception_with_a_bounded_traceback(tmp_path):
    path = write(tmp_path, "deep.py", """
        import threading

        def down(n):
            return down(n + 1)

        def main():
            t = threading.Thread(target=down, args=(0,))
            t.start()
            t.join()
    """)
    failure = failures(api.explore(path, "dfs"))["exception"]
    assert failure["message"].startswith("RecursionError")
    assert "Previous line repeated" in failure["traceback"]
    assert len(failure["traceback"]) < 5000


def test_huge_output_is_bounded(tmp_path):
    path = write(tmp_path, "loud.py", """
        def main():
            for _ in range(200):
                print("x" * 50_000)
            return "said"
    """)
    record = api.replay(path, api.explore(path, "dfs").to_json()["outcomes"][0]["schedule"])
    assert record.outcome == "said"
    assert len(record.output) < 100_000
    assert "output truncated: " in record.output


def test_unprintable_and_huge_values_are_bounded(tmp_path):
    path = write(tmp_path, "ugly.py", """
        import threading

        class Ugly:
            def __repr__(self):
                raise RuntimeError("no repr")
            __str__ = __repr__

        def main(kind="outcome"):
            return Ugly()

        def huge():
            return "y" * 10**6

        def bad_error():
            def boom():
                raise RuntimeError(Ugly())
            t = threading.Thread(target=boom)
            t.start()
            t.join()
    """)
    assert api.explore(path, "dfs").to_json()["outcomes"][0]["value"] == \
        "<unprintable Ugly: RuntimeError>"
    huge = api.explore(path + "::huge", "dfs").to_json()["outcomes"][0]["value"]
    assert len(huge) < 250 and huge.endswith("...<1000002 chars>")
    failure = failures(api.explore(path + "::bad_error", "dfs"))["exception"]
    assert failure["message"].startswith("RuntimeError: <str() failed")
    json.dumps(failure)


# -- budgets and Ctrl-C -------------------------------------------------------

MANY = """
    import threading

    def main():
        lock = threading.Lock()
        def work():
            for _ in range(6):
                with lock:
                    pass
        ts = [threading.Thread(target=work) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return "ok"
"""


def test_budgets_make_the_result_incomplete(tmp_path):
    path = write(tmp_path, "many.py", MANY)
    data = api.explore(path, "dfs", max_executions=25).to_json()
    assert data["complete"] is False and data["executions"] == 25 and data["steps"] > 25 * 50
    started = time.monotonic()
    data = api.explore(path, "dfs", max_seconds=0.3).to_json()
    assert data["complete"] is False and time.monotonic() - started < 3


def test_ctrl_c_stops_cleanly_with_the_partial_result(tmp_path):
    path = write(tmp_path, "many.py", MANY)
    proc = subprocess.Popen([sys.executable, "-m", "explorer", "explore", path, "--json",
                             "--strategy", "dfs"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    data = json.loads(out)
    assert data["complete"] is False and data["interrupted"] is True
    assert data["executions"] > 0 and data["outcomes"][0]["value"] == "'ok'"


# -- bad input ---------------------------------------------------------------

def run_cli(capsys, *argv):
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("option", ["--graph", "--report"])
@pytest.mark.parametrize("where", ["missing dir", "a directory"])
def test_unwritable_output_is_refused_before_exploring(tmp_path, capsys, option, where):
    path = write(tmp_path, "many.py", MANY)
    out = str(tmp_path / "nope" / "x.html") if where == "missing dir" else str(tmp_path)
    started = time.monotonic()
    code, stdout, stderr = run_cli(capsys, "explore", path, option, out)
    assert code == 2 and stdout == ""
    assert stderr.startswith(f"explorer: error: {option}: ") and stderr.count("\n") == 1
    assert time.monotonic() - started < 1      # nothing was explored


BAD_INPUT = {
    "malformed schedule": ("replay", "{two}", "ex1.!!!"),
    "foreign schedule": ("replay", "{two}", "{foreign}"),
    "not a schedule": ("replay", "{two}", "hello"),
    "unknown option": ("explore", "{two}", "--frobnicate"),
    "missing target": ("explore",),
    "no such target": ("explore", "{missing}"),
    "bad target function": ("explore", "{two}::nope"),
    "bad number": ("explore", "{two}", "--max-executions", "-3"),
    "bad step timeout": ("explore", "{two}", "--step-timeout", "zero"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, case):
    two = write(tmp_path, "two.py", "def main():\n    return 2\n")
    other = write(tmp_path, "other.py", "def main():\n    return 3\n")
    foreign = api.explore(other, "dfs").to_json()["outcomes"][0]["schedule"]
    argv = [a.format(two=two, foreign=foreign, missing=str(tmp_path / "missing.py"))
            for a in BAD_INPUT[case]]
    code, stdout, stderr = run_cli(capsys, *argv)
    assert code == 2 and stdout == ""
    assert stderr.startswith("explorer: error: ") and stderr.count("\n") == 1, stderr


# -- the explorer's own state after failures ----------------------------------

class _Boom:
    """A strategy that fails inside the step loop at step 3."""

    name = "boom"
    complete = False

    def __init__(self, error, **_options):
        self.error = error
        self._runs = 0

    def begin(self):
        self._runs += 1
        return self._runs == 1

    def choose(self, point):
        if point.step == 3:
            raise self.error
        return point.enabled[0]

    def end(self, execution):
        pass

    def stats(self):
        return {}


@pytest.mark.parametrize("error", [RuntimeError("strategy bug"), KeyboardInterrupt()])
def test_patching_is_undone_when_the_explorer_fails(tmp_path, monkeypatch, error):
    import threading
    import queue
    path = write(tmp_path, "many.py", MANY)
    monkeypatch.setitem(STRATEGIES, "boom", lambda **kw: _Boom(error, **kw))
    before = runtime_state()
    stdlib_lock = threading.Lock   # allocate_lock before 3.13, the lock class since
    with pytest.raises(type(error)):
        api.explore(path, "boom")
    assert runtime_state() == before
    assert threading.Lock is stdlib_lock and queue.Queue.__module__ == "queue"
    assert threading.Lock.__module__ == "_thread"
    assert time.sleep.__module__ == "time"


def test_patching_is_undone_when_the_target_raises_keyboard_interrupt(tmp_path):
    path = write(tmp_path, "quit.py", """
        import threading

        def main():
            def stop():
                raise KeyboardInterrupt
            t = threading.Thread(target=stop)
            t.start()
            t.join()
    """)
    before = runtime_state()
    result = api.explore(path, "dfs")
    assert failures(result)["exception"]["message"].startswith("KeyboardInterrupt in Thread-1")
    assert runtime_state() == before


# -- output files ------------------------------------------------------------

def test_write_atomic_replaces_whole_files_and_leaves_no_debris(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    write_atomic(target, "first")
    write_atomic(str(target), b"second")
    assert target.read_text() == "second" and os.listdir(tmp_path) == ["out.txt"]

    def broken_replace(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, "third")
    assert target.read_text() == "second" and os.listdir(tmp_path) == ["out.txt"]
