"""Busy-waits become waits: a polling loop that changes nothing waits for what it read.

The rule is ``explorer/runtime/spin.py``'s. Each teaching pattern finishes as
a correct program, with the outcomes real threads give (written out below,
derived by reasoning), under dfs and dpor; each bug version is reported at
once as a ``step-limit`` naming the thread, its line and what it waits on,
with a replay line that reproduces it. A loop that does change something,
or whose state the explorer cannot see, is never taken for a wait.
"""
import json
import os
import shlex
import subprocess
import sys
import textwrap

import pytest

from explorer import api
from explorer.strategies import make
from explorer.strategies.base import Strategy

from conftest import ROOT

FLAG_HANDSHAKE = """
    import threading{imports}

    __explorer_benign__ = {{"flag", "data"}}   # the handshake races by design
    flag = False
    data = 0

    def producer():
        global data, flag
        data = 42
        flag = True

    def consumer():
        while not flag:
            {body}
        assert data == 42

    def main():
        t1 = threading.Thread(target=consumer)
        t2 = threading.Thread(target=producer)
        t1.start(); t2.start(); t1.join(); t2.join()
        return data
"""

# name -> (source, outcomes); every one explored with dfs and dpor
PATTERNS = {
    "flag_pass": (FLAG_HANDSHAKE.format(imports="", body="pass"), {"42"}),
    "flag_sleep": (FLAG_HANDSHAKE.format(imports="\n    import time", body="time.sleep(0.01)"),
                   {"42"}),
    "event_sleep": ("""
        import threading, time

        def main():
            ev = threading.Event()
            out = []
            def consumer():
                while not ev.is_set():
                    time.sleep(0.1)
                out.append("seen")
            def producer():
                out.append("set")
                ev.set()
            t1 = threading.Thread(target=consumer); t2 = threading.Thread(target=producer)
            t1.start(); t2.start(); t1.join(); t2.join()
            return tuple(out)
    """, {"('set', 'seen')"}),
    "lock_polling": ("""
        import threading

        lock = threading.Lock()
        done = False
        order = []

        def consumer():
            while True:
                with lock:
                    if done:
                        break
            order.append("consumer")

        def producer():
            global done
            with lock:
                order.append("producer")
                done = True

        def main():
            t1 = threading.Thread(target=consumer); t2 = threading.Thread(target=producer)
            t1.start(); t2.start(); t1.join(); t2.join()
            return tuple(order)
    """, {"('producer', 'consumer')"}),
    # a timed get that times out, then the stop flag: items may be left behind
    # when the consumer's get times out before main puts them (a real outcome)
    "queue_timeout": ("""
        import queue, threading

        __explorer_benign__ = {"stop"}
        q = queue.Queue()
        stop = False
        got = []

        def consumer():
            while True:
                try:
                    item = q.get(timeout=0.1)
                except queue.Empty:
                    if stop:
                        break
                    continue
                got.append(item)

        def main():
            global stop
            t = threading.Thread(target=consumer)
            t.start()
            q.put(1)
            q.put(2)
            stop = True
            t.join()
            return tuple(got)
    """, {"()", "(1,)", "(1, 2)"}),
    "list_element": ("""
        import threading

        __explorer_benign__ = {"buf"}
        buf = [None]
        out = []

        def consumer():
            while buf[0] is None:
                pass
            out.append(buf[0])

        def producer():
            buf[0] = 7

        def main():
            t1 = threading.Thread(target=consumer); t2 = threading.Thread(target=producer)
            t1.start(); t2.start(); t1.join(); t2.join()
            return tuple(out)
    """, {"(7,)"}),
}

# More ways to wait: (source, outcomes), explored with dpor, and with dfs unless in SLOW_DFS
MORE = {
    "condition_timed_wait": ("""
        import threading

        cond = threading.Condition()
        done = False
        log = []

        def waiter():
            with cond:
                while not done:
                    cond.wait(0.1)
                log.append("woke")

        def setter():
            global done
            with cond:
                done = True
                log.append("set")
                cond.notify_all()

        def main():
            t1 = threading.Thread(target=waiter); t2 = threading.Thread(target=setter)
            t1.start(); t2.start(); t1.join(); t2.join()
            return tuple(log)
    """, {"('set', 'woke')"}),
    # two pollers of one lock: one's acquire-and-release must not wake the other
    "two_lock_pollers": ("""
        import threading

        lock = threading.Lock()
        done = False
        seen = []

        def poller(name):
            while True:
                with lock:
                    if done:
                        seen.append(name)
                        break

        def main():
            global done
            threads = [threading.Thread(target=poller, args=(n,)) for n in "ab"]
            for t in threads:
                t.start()
            with lock:
                done = True
            for t in threads:
                t.join()
            return tuple(sorted(seen))
    """, {"('a', 'b')"}),
    "try_lock": ("""
        import threading

        lock = threading.Lock()
        log = []

        def holder():
            with lock:
                log.append("held")

        def spinner():
            while not lock.acquire(blocking=False):
                pass
            log.append("got")
            lock.release()

        def main():
            t1 = threading.Thread(target=holder); t2 = threading.Thread(target=spinner)
            t1.start(); t2.start(); t1.join(); t2.join()
            return sorted(log)
    """, {"['got', 'held']"}),
    "is_alive": ("""
        import threading, time

        def main():
            log = []
            t = threading.Thread(target=lambda: log.append("work"))
            t.start()
            while t.is_alive():
                time.sleep(0.01)
            log.append("done")
            return tuple(log)
    """, {"('work', 'done')"}),
    # the read is in a helper called each iteration: a fresh frame every time
    "method_poll": ("""
        import threading

        __explorer_benign__ = {"Box.ready"}

        class Box:
            def __init__(self):
                self.ready = False
            def is_ready(self):
                return self.ready

        def main():
            box = Box()
            def consumer():
                while not box.is_ready():
                    pass
            def producer():
                box.ready = True
            t1 = threading.Thread(target=consumer); t2 = threading.Thread(target=producer)
            t1.start(); t2.start(); t1.join(); t2.join()
            return box.ready
    """, {"True"}),
    # `not items` reads the list's content untracked: its appends must wake the wait
    "local_container": ("""
        import threading, time

        __explorer_benign__ = {"shared"}
        shared = []

        def consumer(out):
            items = shared
            while not items:
                time.sleep(0)
            out.append(items[0])

        def main():
            out = []
            t = threading.Thread(target=consumer, args=(out,))
            t.start()
            shared.append(5)
            t.join()
            return tuple(out)
    """, {"(5,)"}),
    # `not box.items` reads the list an attribute holds: the append must wake the wait
    "container_attribute": ("""
        import threading

        __explorer_benign__ = {"box.items"}

        class Inbox:
            def __init__(self):
                self.items = []

        def main():
            box = Inbox()
            got = []
            def consumer():
                while not box.items:
                    pass
                got.append(box.items[0])
            def producer():
                box.items.append("mail")
            t1 = threading.Thread(target=consumer); t2 = threading.Thread(target=producer)
            t1.start(); t2.start(); t1.join(); t2.join()
            return tuple(got)
    """, {"('mail',)"}),
    # a fresh copy every iteration: equal contents are the same local state
    "fresh_snapshot": ("""
        import threading, time

        __explorer_benign__ = {"items"}
        items = []

        def consumer(out):
            while True:
                snapshot = list(items)
                if snapshot:
                    break
                time.sleep(0)
            out.append(snapshot[0])

        def main():
            out = []
            t = threading.Thread(target=consumer, args=(out,))
            t.start()
            items.append(9)
            t.join()
            return tuple(out)
    """, {"(9,)"}),
    # a daemon that loops forever is dropped at exit, not reported
    "daemon_heartbeat": ("""
        import threading, time

        def main():
            def beat():
                while True:
                    time.sleep(1)
            threading.Thread(target=beat, daemon=True).start()
            return "main done"
    """, {"'main done'"}),
}

# Loops whose state the explorer cannot see in the locals: never a wait.
HIDDEN = {
    # the for loop's iterator lives on the value stack, `_` is None every time
    "for_loop_iterator": ("""
        import itertools, threading, time

        def main():
            def poll():
                for _ in itertools.repeat(None, 3):
                    time.sleep(0)
                return "gave up"
            out = []
            t = threading.Thread(target=lambda: out.append(poll()))
            t.start(); t.join()
            return tuple(out)
    """, {"('gave up',)"}),
    # `got += [0]` grows a local list without a tracked write
    "local_list_grows": ("""
        import threading, time

        def main():
            def poll():
                got = []
                while len(got) < 3:
                    got += [0]
                    time.sleep(0)
                return len(got)
            out = []
            t = threading.Thread(target=lambda: out.append(poll()))
            t.start(); t.join()
            return tuple(out)
    """, {"(3,)"}),
    "local_iterator": ("""
        import threading, time

        def main():
            def poll():
                ticks = iter([1, 1, 1])
                while next(ticks, 0):
                    time.sleep(0)
                return "gave up"
            out = []
            t = threading.Thread(target=lambda: out.append(poll()))
            t.start(); t.join()
            return tuple(out)
    """, {"('gave up',)"}),
}

NEVER_SET = """
    import threading

    class Box:
        def __init__(self):
            self.ready = False
            self.value = 0

    def main():
        box = Box()
        def producer(ok):
            {producer}
        def consumer():
            while not box.ready:
                pass
        t1 = threading.Thread(target=consumer)
        t2 = threading.Thread(target=producer, args=(False,))
        t1.start(); t2.start(); t1.join(); t2.join()
"""
SPIN_LINE = 14   # `while not box.ready:` in NEVER_SET (the source starts with an empty line)
BUGS = {"never-set": "box.value = 1",
        "set-on-a-path-not-taken": "if ok: box.ready = True"}


def write(tmp_path, name, source):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return str(path)


def explored(path, strategy, **kw):
    data = api.explore(path, strategy, **kw).to_json()
    assert data["complete"], f"{path} with {strategy} did not complete"
    return data


def cli(*args):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_teaching_busy_waits_finish_as_correct_programs(tmp_path, name, strategy):
    source, outcomes = PATTERNS[name]
    data = explored(write(tmp_path, name, source), strategy)
    assert data["failures"] == []
    assert {o["value"] for o in data["outcomes"]} == outcomes


SLOW_DFS = {"condition_timed_wait", "two_lock_pollers"}   # seconds, not milliseconds


@pytest.mark.parametrize("name,strategy", [(n, s) for n in sorted(MORE) for s in ("dfs", "dpor")
                                           if s == "dpor" or n not in SLOW_DFS])
def test_other_waits_finish_as_correct_programs(tmp_path, name, strategy):
    source, outcomes = MORE[name]
    data = explored(write(tmp_path, name, source), strategy)
    assert data["failures"] == []
    assert {o["value"] for o in data["outcomes"]} == outcomes


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_a_loop_with_state_out_of_sight_is_no_wait(tmp_path, name, strategy):
    source, outcomes = HIDDEN[name]
    data = explored(write(tmp_path, name, source), strategy)
    assert data["failures"] == []
    assert {o["value"] for o in data["outcomes"]} == outcomes


def test_event_polling_is_a_wait_at_sync_granularity_too(tmp_path):
    source, outcomes = PATTERNS["event_sleep"]
    data = explored(write(tmp_path, "event_sleep", source), "dfs", granularity="sync")
    assert data["failures"] == [] and {o["value"] for o in data["outcomes"]} == outcomes


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_flag_never_set_is_a_livelock_found_at_once(tmp_path, bug, strategy):
    path = write(tmp_path, "spin", NEVER_SET.format(producer=BUGS[bug]))
    data = explored(path, strategy)
    (failure,) = data["failures"]
    assert failure["kind"] == "step-limit"
    assert failure["message"] == (
        f"Thread-1 (consumer) spins forever at spin.py:{SPIN_LINE} waiting for Box.ready to "
        "change (a busy-wait no other thread can end)")
    assert failure["thread"] == "Thread-1 (consumer)"
    assert failure["location"] == f"spin.py:{SPIN_LINE}"
    assert len(failure["trace"]) < 20                     # not 20000 steps
    assert {"thread": "MainThread", "op": "join", "object": "Thread-1 (consumer)",
            "location": "spin.py:18"} in failure["threads"]


def test_printed_replay_line_reproduces_the_livelock(tmp_path):
    path = write(tmp_path, "spin", NEVER_SET.format(producer=BUGS["never-set"]))
    run = cli("explore", path)
    assert run.returncode == 1
    line = [s for s in run.stdout.splitlines() if "replay:" in s][-1]
    command = shlex.split(line.split("replay:", 1)[1])
    assert command[:2] == ["explorer", "replay"]
    replayed = cli(*command[1:], "--json")
    assert replayed.returncode == 1, replayed.stderr
    got = json.loads(replayed.stdout)["failure"]
    expected = json.loads(cli("explore", path, "--json").stdout)["failures"][0]
    assert (got["kind"], got["message"], got["trace"]) == (
        "step-limit", expected["message"], expected["trace"])


def test_a_loop_that_reads_nothing_tracked_says_so(tmp_path):
    path = write(tmp_path, "beat", """
        import threading, time

        def main():
            def beat():
                while True:
                    time.sleep(1)
            t = threading.Thread(target=beat)
            t.start()
            t.join()
    """)
    (failure,) = explored(path, "dpor")["failures"]
    assert failure["kind"] == "step-limit"
    assert failure["message"].startswith(
        "Thread-1 (beat) spins forever at beat.py:7 and reads nothing the explorer tracks")


def test_a_loop_that_changes_state_still_ends_at_the_step_bound(tmp_path):
    path = write(tmp_path, "counter", """
        import threading

        n = 0

        def spinner():
            global n
            while True:
                n += 1

        def main():
            t = threading.Thread(target=spinner)
            t.start()
            t.join()
    """)
    (failure,) = explored(path, "dfs", max_steps=300)["failures"]
    assert failure["kind"] == "step-limit"
    assert failure["message"].startswith("no end after 300 steps")
    assert len(failure["trace"]) == 300


class Recording(Strategy):
    """A dfs that notes, at each choice point, each thread's pending op kind and readiness."""

    name = "dfs"

    def __init__(self):
        self.inner, self.points = make("dfs"), []

    def begin(self):
        self.points = []
        return self.inner.begin()

    def choose(self, point):
        self.points.append((point.current, point.enabled, {
            tid: (op.kind, op.ready is None or op.ready()) for tid, op in point.pending.items()}))
        return self.inner.choose(point)

    def end(self, execution):
        self.inner.end(execution)
        self.complete = self.inner.complete


def test_a_spinning_thread_is_not_enabled_until_a_thread_writes_what_it_read(tmp_path):
    path = write(tmp_path, "flag", FLAG_HANDSHAKE.format(imports="", body="pass"))
    recording = Recording()
    api.explore(path, recording, max_executions=1, check_replay=False)
    consumer, producer = 1, 2
    waits = [i for i, (_, enabled, pending) in enumerate(recording.points)
             if consumer in pending and consumer not in enabled]
    assert waits, "the consumer never waited"
    _, enabled, pending = recording.points[waits[0]]
    assert pending[consumer] == ("read", False) and enabled == [producer]
    # it waits while the producer writes `data`, and runs again once `flag = True` ran
    after_flag = next(i for i, (current, _, pending) in enumerate(recording.points)
                      if current == producer and pending[producer][0] == "exit")
    assert waits == list(range(waits[0], after_flag))
    assert consumer in recording.points[after_flag][1]


def test_every_explored_outcome_replays_to_itself(tmp_path):
    source, _ = PATTERNS["queue_timeout"]
    path = write(tmp_path, "queue_timeout", source)
    data = explored(path, "dpor")
    for outcome in data["outcomes"]:
        record = api.replay(path, outcome["schedule"])
        assert record.failure is None and repr(record.outcome) == outcome["value"]


def test_busy_wait_model_lost_signal_is_a_livelock():
    path = os.path.join(ROOT, "models", "busy_wait.py")
    for strategy in ("dfs", "dpor"):
        data = explored(f"{path}::lost_signal", strategy)
        assert {o["value"] for o in data["outcomes"]} == {"42"}
        (failure,) = data["failures"]
        assert failure["kind"] == "step-limit"
        assert failure["message"].startswith("Thread-1 (consumer) spins forever at busy_wait.py:")
        assert "waiting for Mailbox.ready to change" in failure["message"]
