"""Deadlocks: the wait-for graph, its cycle, and who waits on what when there is none."""
import textwrap

import pytest

from explorer import api
from explorer.strategies import STRATEGIES

STRATS = [s for s in ("dfs", "dpor") if s in STRATEGIES]

PHILOSOPHERS = """
    import threading

    def main(n={n}):
        forks = [threading.Lock() for _ in range(n)]

        def philosopher(i):
            with forks[i]:
                with forks[(i + 1) % n]:
                    pass

        threads = [threading.Thread(target=philosopher, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
"""

TWO_LOCKS = """
    import threading

    def main():
        lock_a = threading.Lock()
        lock_b = threading.Lock()

        def take(first, second):
            with first:
                with second:
                    pass

        a = threading.Thread(target=take, args=(lock_a, lock_b), name="A")
        b = threading.Thread(target=take, args=(lock_b, lock_a), name="B")
        a.start()
        b.start()
        a.join()
        b.join()
"""

SELF_DEADLOCK = """
    import threading

    class Account:
        def __init__(self):
            self.lock = threading.Lock()

        def deposit(self):
            with self.lock:
                pass

        def transfer_in(self):
            with self.lock:
                self.deposit()

    def main():
        account = Account()
        t = threading.Thread(target=account.transfer_in, name="worker")
        t.start()
        t.join()
"""

MISSED_NOTIFY = """
    import threading

    def main():
        cond = threading.Condition()

        def waiter():
            with cond:
                cond.wait()

        def notifier():
            with cond:
                cond.notify()

        ts = [threading.Thread(target=waiter, name="waiter"),
              threading.Thread(target=notifier, name="notifier")]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
"""

BARRIER_SHORT = """
    import threading

    def main():
        barrier = threading.Barrier(3)
        ts = [threading.Thread(target=barrier.wait) for _ in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
"""

QUEUE_JOIN = """
    import queue
    import threading

    def main():
        jobs = queue.Queue()
        jobs.put("job")
        worker = threading.Thread(target=jobs.get, daemon=True, name="worker")
        worker.start()
        jobs.join()
"""

EVENT_AT_EXIT = """
    import threading

    def main():
        go = threading.Event()
        threading.Thread(target=go.wait, name="waiter").start()
"""

SEMAPHORE_CYCLE = """
    import threading

    def main():
        slots = threading.Semaphore(1)
        lock = threading.Lock()

        def one():
            with slots:
                with lock:
                    pass

        def two():
            with lock:
                with slots:
                    pass

        ts = [threading.Thread(target=one, name="one"), threading.Thread(target=two, name="two")]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
"""


def _target(tmp_path, source, name="prog"):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return str(path)


def _deadlock(tmp_path, source, strategy=STRATS[-1], **kw):
    result = api.explore(_target(tmp_path, source), strategy, **kw)
    records = [r for r in result.failure_records if r.failure.kind == "deadlock"]
    assert records, f"no deadlock found: {[r.failure for r in result.failure_records]}"
    return records[0]


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_dining_philosophers_cycle_names_every_fork(tmp_path, n):
    strategy = "dpor" if "dpor" in STRATEGIES else "dfs"
    if strategy == "dfs" and n > 2:
        n = 2       # plain DFS is exponential: keep this test fast until dpor exists
    record = _deadlock(tmp_path, PHILOSOPHERS.format(n=n), strategy)
    expected = []
    for i in range(n):
        expected += [f"Thread-{i + 1} (philosopher)", f"forks[{(i + 1) % n}]"]
    assert record.cycle == expected
    graph = record.failure.details["graph"]
    for i in range(n):
        assert graph.edges[f"forks[{i}]", f"Thread-{i + 1} (philosopher)"]["rel"] == "held by"


@pytest.mark.parametrize("strategy", STRATS)
def test_two_lock_inversion_cycle_and_message(tmp_path, strategy):
    record = _deadlock(tmp_path, TWO_LOCKS, strategy)
    assert record.cycle == ["A", "lock_b", "B", "lock_a"]
    message = record.failure.message
    assert message.startswith("wait-for cycle A -> lock_b -> B -> lock_a -> A")
    assert "A waits in acquire on lock_b at prog.py:10, held by B (since prog.py:9)" in message
    edge = record.failure.details["graph"].edges["A", "lock_b"]
    assert (edge["rel"], edge["location"]) == ("waits for", "prog.py:10")
    assert record.failure_json()["cycle"] == ["A", "lock_b", "B", "lock_a"]


def test_self_deadlock_is_a_one_thread_cycle_named_after_the_variable(tmp_path):
    record = _deadlock(tmp_path, SELF_DEADLOCK)
    assert record.cycle == ["worker", "account.lock"]
    assert "held by worker (since prog.py:13)" in record.failure.message


def test_condition_missed_notify_has_no_cycle(tmp_path):
    record = _deadlock(tmp_path, MISSED_NOTIFY)
    assert record.cycle is None
    message = record.failure.message
    assert "waiter waits in wake on cond at prog.py:9" in message
    assert "notify() that no thread can send" in message


def test_barrier_short_of_parties(tmp_path):
    record = _deadlock(tmp_path, BARRIER_SHORT)
    assert record.cycle is None
    assert "2 of 3 parties arrived, no other thread can arrive" in record.failure.message
    assert record.failure.details["graph"].nodes["barrier"]["state"] == "2 of 3 parties arrived"


def test_queue_join_without_task_done(tmp_path):
    record = _deadlock(tmp_path, QUEUE_JOIN)
    assert record.cycle is None
    assert ("MainThread waits in join on jobs at prog.py:10: 1 unfinished tasks and no thread "
            "can call task_done()") in record.failure.message


def test_event_never_set_and_main_waiting_at_exit(tmp_path):
    record = _deadlock(tmp_path, EVENT_AT_EXIT)
    message = record.failure.message
    assert "MainThread waits at exit for non-daemon threads waiter" in message
    assert "the event is not set and no thread can set it" in message
    graph = record.failure.details["graph"]
    assert graph.edges["MainThread", "waiter"]["rel"] == "joins"
    assert graph.edges["waiter", "go"]["rel"] == "waits for"


def test_semaphore_holder_closes_a_cycle(tmp_path):
    record = _deadlock(tmp_path, SEMAPHORE_CYCLE)
    assert record.cycle == ["one", "lock", "two", "slots"]


def test_replay_gives_the_same_cycle_and_names(tmp_path):
    path = _target(tmp_path, PHILOSOPHERS.format(n=3))
    result = api.explore(path, "dpor" if "dpor" in STRATEGIES else "dfs")
    record = next(r for r in result.failure_records if r.failure.kind == "deadlock")
    again = api.replay(path, record.schedule)
    assert again.failure.kind == "deadlock"
    assert again.cycle == record.cycle
    assert again.failure.message == record.failure.message
    assert again.trace_json() == record.trace_json()
