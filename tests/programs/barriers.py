"""Barrier: indices, action, timeout, abort, reset, BrokenBarrierError."""
import threading
import time


def indices_and_action():
    """Indices are 0..n-1; the last to arrive (index n-1) runs the action once."""
    runs = []
    b = threading.Barrier(3, action=lambda: runs.append(threading.current_thread().name))
    got = {}

    def worker():
        got[threading.current_thread().name] = b.wait()

    ts = [threading.Thread(target=worker) for _ in range(2)]
    for t in ts:
        t.start()
    got["MainThread"] = b.wait()
    for t in ts:
        t.join()
    last = [name for name, index in got.items() if index == 2]
    return sorted(got.values()), runs == last


def arrival_order():
    """The order two threads reach the barrier: either (main arrives last)."""
    b = threading.Barrier(3)
    order = [None] * 3

    def worker(name):
        order[b.wait()] = name

    ts = [threading.Thread(target=worker, args=(n,)) for n in "ab"]
    for t in ts:
        t.start()
    time.sleep(0)
    order[b.wait()] = "m"
    for t in ts:
        t.join()
    return "".join(order)


def timeout_alone():
    """A lone waiter times out, breaks the barrier and gets BrokenBarrierError."""
    b = threading.Barrier(2, timeout=0.001)
    try:
        b.wait()
    except threading.BrokenBarrierError:
        return "broken", b.broken
    return "passed", b.broken


def timeout_pair():
    """Two timed waiters: both pass, or one times out and both see it broken."""
    b = threading.Barrier(2)
    out = []

    def worker():
        try:
            b.wait(timeout=0.001)
            out.append("passed")
        except threading.BrokenBarrierError:
            out.append("broken")

    ts = [threading.Thread(target=worker) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def abort():
    """abort() breaks the barrier for threads waiting now and arriving later."""
    b = threading.Barrier(2)
    out = []

    def worker():
        try:
            b.wait()
            out.append("passed")
        except threading.BrokenBarrierError:
            out.append("broken")

    t = threading.Thread(target=worker)
    t.start()
    b.abort()
    t.join()
    return out, b.broken


def reset():
    """reset() breaks a waiting thread; a waiter arriving after it passes normally."""
    b = threading.Barrier(2)
    out = []

    def worker():
        try:
            b.wait()
            out.append("passed")
        except threading.BrokenBarrierError:
            out.append("broken")
            b.wait()
            out.append("passed")

    t = threading.Thread(target=worker)
    t.start()
    b.reset()
    b.wait()
    t.join()
    return out, b.broken
