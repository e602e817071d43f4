"""Program exit: non-daemon threads are joined, daemon threads are dropped."""
import threading

log = []


def daemon_blocked():
    """A daemon thread blocked forever does not keep the program alive."""
    ev = threading.Event()
    threading.Thread(target=ev.wait, daemon=True, name="stuck-daemon").start()
    return "done"


def non_daemon_blocked():
    """A non-daemon thread blocked forever: the program cannot exit (a deadlock)."""
    ev = threading.Event()
    threading.Thread(target=ev.wait, name="stuck").start()
    return "done"


def non_daemon_finishes():
    """main returns first; the exit still waits for the worker, whose effect is kept."""
    out = []
    lock = threading.Lock()

    def worker():
        with lock:
            out.append("worker")

    threading.Thread(target=worker).start()
    return out


def module_state_is_fresh():
    """Module-level state starts afresh in every execution."""
    log.append(1)
    t = threading.Thread(target=log.append, args=(2,))
    t.start()
    t.join()
    return len(log)
