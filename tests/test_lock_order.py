"""Lock-order inversion: both orders of two locks, found on runs that did not deadlock."""
import textwrap

import pytest

from explorer import api
from explorer.detect.lock_order import LockOrder
from explorer.strategies import STRATEGIES

STRATS = [s for s in ("dfs", "dpor") if s in STRATEGIES]

SEQUENTIAL = """
    import threading

    def main():
        lock_a = threading.Lock()
        lock_b = threading.Lock()

        def ab():
            with lock_a:
                with lock_b:
                    pass

        def ba():
            with lock_b:
                with lock_a:
                    pass

        first = threading.Thread(target=ab, name="first")
        first.start()
        first.join()          # ordered by the join: these two can never deadlock here
        second = threading.Thread(target=ba, name="second")
        second.start()
        second.join()
        return "done"
"""

GATED = """
    import threading

    def main():
        gate = threading.Lock()
        lock_a = threading.Lock()
        lock_b = threading.Lock()

        def take(first, second):
            with gate:
                with first:
                    with second:
                        pass

        ts = [threading.Thread(target=take, args=(lock_a, lock_b)),
              threading.Thread(target=take, args=(lock_b, lock_a))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
"""

REENTRANT = """
    import threading

    def main():
        outer = threading.RLock()
        inner = threading.Lock()

        def work():
            with outer:
                with inner:
                    with outer:       # re-entry by the owner: not an order inner -> outer
                        pass

        ts = [threading.Thread(target=work) for _ in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
"""

ACROSS_EXECUTIONS = """
    import queue
    import threading

    def main():
        lock_a = threading.Lock()
        lock_b = threading.Lock()
        arrivals = queue.Queue()

        def ab():
            with lock_a:
                with lock_b:
                    pass

        def ba():
            with lock_b:
                with lock_a:
                    pass

        racers = [threading.Thread(target=arrivals.put, args=(i,)) for i in range(2)]
        for t in racers:
            t.start()
        for t in racers:
            t.join()
        # whoever arrived first decides the order: one order per execution
        taker = threading.Thread(target=ab if arrivals.get() == 0 else ba)
        taker.start()
        taker.join()
"""


def _target(tmp_path, source):
    path = tmp_path / "prog.py"
    path.write_text(textwrap.dedent(source))
    return str(path)


def _kinds(result):
    return sorted(r.failure.kind for r in result.failure_records)


@pytest.mark.parametrize("strategy", STRATS)
def test_inversion_found_where_no_execution_deadlocks(tmp_path, strategy):
    path = _target(tmp_path, SEQUENTIAL)
    result = api.explore(path, strategy)
    assert _kinds(result) == ["lock-order-inversion"]
    assert [v for v in result.outcomes] == ["'done'"]
    record = result.failure_records[0]
    assert record.cycle == ["lock_a", "lock_b"]
    message = record.failure.message
    assert "first took lock_b at prog.py:10 while holding lock_a (taken at prog.py:9)" in message
    assert "second took lock_a at prog.py:15 while holding lock_b (taken at prog.py:14)" in message
    assert "this execution took both orders" in message
    replayed = api.replay(path, record.schedule)
    assert replayed.failure.kind == "lock-order-inversion"
    assert replayed.cycle == ["lock_a", "lock_b"]
    assert replayed.replay_json()["failure"]["cycle"] == ["lock_a", "lock_b"]


def test_inversion_found_under_a_preemption_bound_that_hides_the_deadlock(tmp_path):
    """Both threads run at once, but the deadlock needs a preemption: bound 0 misses it."""
    source = SEQUENTIAL.replace("first.join()          # ordered", "# ordered")
    source = source.replace("second.start()\n", "second.start()\n        first.join()\n")
    result = api.explore(_target(tmp_path, source), "bounded", preemption_bound=0)
    assert _kinds(result) == ["lock-order-inversion"]
    assert result.failure_records[0].cycle == ["lock_a", "lock_b"]


def test_common_gate_lock_suppresses_the_report(tmp_path):
    result = api.explore(_target(tmp_path, GATED), STRATS[-1])
    assert _kinds(result) == []
    assert result.complete


def test_rlock_reentry_is_not_an_order(tmp_path):
    result = api.explore(_target(tmp_path, REENTRANT), STRATS[-1])
    assert _kinds(result) == []


def test_inversion_seen_only_across_executions_names_both_schedules(tmp_path):
    path = _target(tmp_path, ACROSS_EXECUTIONS)
    result = api.explore(path, STRATS[-1])
    assert _kinds(result) == ["lock-order-inversion"]
    record = result.failure_records[0]
    message = record.failure.message
    assert "the others were taken in other executions (schedule ex1." in message
    other = message.rsplit("(schedule ", 1)[1].rstrip(")")
    assert other != record.schedule
    takes = []
    for schedule in (other, record.schedule):
        trace = api.replay(path, schedule).trace_json()
        takes.append([row["object"] for row in trace if row["op"] == "acquire"])
    assert sorted(takes) == [["lock_a", "lock_b"], ["lock_b", "lock_a"]]


def test_observer_reports_each_cycle_once(tmp_path):
    path = _target(tmp_path, SEQUENTIAL)
    record = api.replay(path, api.explore(path, STRATS[-1]).failure_records[0].schedule)
    orders = LockOrder()
    assert len(orders.observe(record)) == 1
    assert orders.observe(record) == []
    assert set(orders.graph.edges) == {("lock_a", "lock_b"), ("lock_b", "lock_a")}
