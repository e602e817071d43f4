"""Lock and RLock: mutual exclusion, non-blocking and timed acquires, reentrancy."""
import threading
import time


def _bump_twice(lock):
    box = [0]

    def bump():
        with lock:
            v = box[0]
            time.sleep(0)
            box[0] = v + 1

    ts = [threading.Thread(target=bump) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return box[0]


def lock_counter():
    """With the Lock held across read and write, no update is lost."""
    return _bump_twice(threading.Lock())


def rlock_counter():
    return _bump_twice(threading.RLock())


def lock_order():
    """Critical sections run in either order, never interleaved."""
    lock = threading.Lock()
    log = []

    def worker(name):
        with lock:
            log.append(name + "<")
            time.sleep(0)
            log.append(name + ">")

    ts = [threading.Thread(target=worker, args=(n,)) for n in "ab"]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return "".join(log)


def try_acquire():
    """A non-blocking acquire fails exactly when the other thread holds the lock."""
    lock = threading.Lock()
    got = []

    def holder():
        with lock:
            time.sleep(0)

    t = threading.Thread(target=holder)
    t.start()
    ok = lock.acquire(blocking=False)
    got.append(ok)
    if ok:
        lock.release()
    t.join()
    return got, lock.locked()


def timed_acquire_held():
    """A timed acquire of a lock held throughout returns False."""
    lock = threading.Lock()
    lock.acquire()
    out = []
    t = threading.Thread(target=lambda: out.append(lock.acquire(timeout=0.001)))
    t.start()
    t.join()
    lock.release()
    return out


def rlock_reentrant():
    """The owner re-enters; another thread cannot take it until fully released."""
    r = threading.RLock()
    r.acquire()
    r.acquire()
    out = []
    t = threading.Thread(target=lambda: out.append(r.acquire(blocking=False)))
    t.start()
    t.join()
    r.release()
    mid = r._is_owned()
    r.release()
    t2 = threading.Thread(target=lambda: out.append(r.acquire(blocking=False)))
    t2.start()
    t2.join()
    return out, mid, r._is_owned()
