"""Thread, current_thread, get_ident, main_thread, enumerate, active_count, local, sleep."""
import threading
import time


def _work():
    pass


def names():
    """Default names count per program run, with the target's name in brackets."""
    seen = []
    a = threading.Thread(target=_work)
    b = threading.Thread()
    c = threading.Thread(target=_work, name="custom")
    d = threading.Thread(target=lambda: seen.append(threading.current_thread().name))
    d.start()
    d.join()
    return a.name, b.name, c.name, d.name, seen, threading.current_thread().name


def daemon_flags():
    """daemon is inherited from the creating thread unless given."""
    out = {}

    def child():
        out["grandchild"] = threading.Thread(target=_work).daemon

    t = threading.Thread(target=child, daemon=True)
    t.start()
    t.join()
    try:
        t.daemon = False
    except RuntimeError as exc:
        out["set_after_start"] = str(exc)
    out["plain"] = threading.Thread(target=_work).daemon
    out["main"] = threading.current_thread().daemon
    return sorted(out.items())


def idents():
    """ident is None before start; get_ident() in the thread is its ident."""
    inside = []
    t = threading.Thread(target=lambda: inside.append(threading.get_ident()))
    before = t.ident
    t.start()
    t.join()
    main = threading.main_thread()
    return (before, inside == [t.ident], isinstance(t.ident, int), t.ident != main.ident,
            main is threading.current_thread(), main.ident == threading.get_ident())


def is_alive_race():
    """is_alive right after start: True, or False if the thread already ended."""
    t = threading.Thread(target=_work)
    before = t.is_alive()
    t.start()
    during = t.is_alive()
    t.join()
    return before, during, t.is_alive()


def join_timeout_blocked():
    """join(timeout) on a thread blocked on an Event returns with the thread alive."""
    ev = threading.Event()
    t = threading.Thread(target=ev.wait)
    t.start()
    t.join(timeout=0.001)
    alive = t.is_alive()
    ev.set()
    t.join()
    return alive, t.is_alive()


def join_timeout_free():
    """A timed join promises no order: it may return before the thread ends."""
    t = threading.Thread(target=_work)
    t.start()
    t.join(timeout=5)
    return t.is_alive()


def start_order():
    """Two threads append (under a lock: no data race); either may run first."""
    log = []
    lock = threading.Lock()

    def append(i):
        with lock:
            log.append(i)

    ts = [threading.Thread(target=append, args=(i,)) for i in (1, 2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return log


def child_after_main():
    """The child sleeps first: real runs almost never see it append before main."""
    log = []
    lock = threading.Lock()

    def child():
        time.sleep(0.001)
        with lock:
            log.append("child")

    t = threading.Thread(target=child)
    t.start()
    with lock:
        log.append("main")
    t.join()
    return log


def counting():
    """enumerate / active_count see started, unfinished threads only."""
    ev = threading.Event()
    t = threading.Thread(target=ev.wait)
    before = threading.active_count()
    t.start()
    during = threading.active_count() - before
    listed = t in threading.enumerate(), threading.main_thread() in threading.enumerate()
    ev.set()
    t.join()
    return during, threading.active_count() - before, listed, t in threading.enumerate()


class _Local(threading.local):
    def __init__(self):
        self.value = threading.current_thread().name


def locals_are_per_thread():
    """Each thread sees its own attributes; a subclass __init__ runs per thread."""
    plain = threading.local()
    sub = _Local()
    plain.x = "main"
    seen = {}

    def child():
        seen["has_x"] = hasattr(plain, "x")
        plain.x = "child"
        seen["x"] = plain.x
        seen["sub"] = sub.value

    t = threading.Thread(target=child, name="kid")
    t.start()
    t.join()
    return plain.x, sub.value, sorted(seen.items())
