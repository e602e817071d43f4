"""Semaphore and BoundedSemaphore."""
import threading
import time


def max_inside():
    """At most two of three threads (main is the third) are inside a Semaphore(2)."""
    sem = threading.Semaphore(2)
    lock = threading.Lock()
    state = {"inside": 0, "max": 0}

    def worker():
        with sem:
            with lock:
                state["inside"] += 1
                state["max"] = max(state["max"], state["inside"])
            with lock:
                state["inside"] -= 1

    ts = [threading.Thread(target=worker) for _ in range(2)]
    for t in ts:
        t.start()
    worker()
    for t in ts:
        t.join()
    return state["max"]


def try_and_timed():
    """Non-blocking and timed acquires of an empty semaphore fail; release(n) adds n."""
    sem = threading.Semaphore(0)
    out = [sem.acquire(blocking=False), sem.acquire(timeout=0.001)]
    sem.release(2)
    out += [sem.acquire(blocking=False), sem.acquire(blocking=False),
            sem.acquire(blocking=False)]
    return out


def signal_wait():
    """A thread blocks on acquire until another releases: always 'after'."""
    sem = threading.Semaphore(0)
    log = []

    def waiter():
        sem.acquire()
        log.append("after")

    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0)
    log.append("before")
    sem.release()
    t.join()
    return log


def bounded_over_release():
    """Releasing a BoundedSemaphore above its initial value raises ValueError."""
    sem = threading.BoundedSemaphore(1)
    sem.acquire()
    sem.release()
    try:
        sem.release()
    except ValueError as exc:
        return str(exc)
    return "no error"
