"""Event: set, clear, is_set, wait with and without timeout."""
import threading


def wait_then_run():
    ev = threading.Event()
    log = []

    def waiter():
        ev.wait()
        log.append("woke")

    t = threading.Thread(target=waiter)
    t.start()
    log.append("set")
    ev.set()
    t.join()
    return log


def wait_timeout():
    """wait(timeout) returns the flag: True if set in time, else False."""
    ev = threading.Event()
    out = []
    t = threading.Thread(target=lambda: out.append(ev.wait(timeout=0.001)))
    t.start()
    ev.set()
    t.join()
    return out


def set_clear():
    ev = threading.Event()
    a = ev.is_set()
    ev.set()
    b = ev.is_set()
    ev.clear()
    return a, b, ev.is_set(), ev.wait(timeout=0)


def observe_flag():
    """A reader sees the flag before or after the writer sets it."""
    ev = threading.Event()
    out = []
    t = threading.Thread(target=lambda: out.append(ev.is_set()))
    t.start()
    ev.set()
    t.join()
    return out
