"""Semaphore and BoundedSemaphore."""
import threading
import time


def bound():
    """Three threads (main first) take a Semaphore(2) nobody releases: exactly two get in."""
    sem = threading.Semaphore(2)
    got = [None] * 3
    sem.acquire()  # main holds one unit: the two threads compete for the other

    def worker(i):
        got[i] = sem.acquire(timeout=0.001)

    ts = [threading.Thread(target=worker, args=(i,)) for i in (1, 2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    got[0] = True
    return sorted(got)


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
