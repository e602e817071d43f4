"""Misuse of the primitives: the exceptions and messages must be CPython's."""
import concurrent.futures as cf
import queue
import threading
import time


def _raised(call):
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the point is to record it
        return type(exc).__name__, str(exc)
    return None


def misuse():
    lock, rlock = threading.Lock(), threading.RLock()
    sem, bsem = threading.Semaphore(1), threading.BoundedSemaphore(1)
    cond, q = threading.Condition(), queue.Queue()
    started = threading.Thread(target=lambda: None)
    started.start()
    started.join()
    pool = cf.ThreadPoolExecutor(max_workers=1)
    pool.shutdown()
    calls = [
        lock.release, rlock.release,
        lambda: lock.acquire(False, 1), lambda: lock.acquire(timeout=-2),
        lambda: rlock.acquire(False, 1),
        lambda: sem.acquire(False, 1), lambda: sem.release(0),
        lambda: threading.Semaphore(-1), bsem.release,
        cond.wait, cond.notify, cond.notify_all,
        lambda: threading.Barrier(0),
        lambda: q.put(1, timeout=-1), lambda: q.get(timeout=-1), q.task_done,
        started.start, lambda: threading.Thread().join(),
        lambda: threading.current_thread().join(),
        lambda: time.sleep(-1),
        lambda: cf.ThreadPoolExecutor(max_workers=0), lambda: pool.submit(int),
    ]
    return [_raised(call) for call in calls]
