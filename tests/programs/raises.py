"""Targets that fail in different ways (for patching, runtime and CLI tests)."""
import logging
import threading


def main():
    """An uncaught exception in a thread."""
    def worker():
        raise KeyError("boom")

    t = threading.Thread(target=worker, name="worker")
    t.start()
    t.join()
    return "joined"


def assertion():
    """An assertion that fails in one interleaving only."""
    lock = threading.Lock()
    seen = []

    def worker():
        with lock:
            seen.append("worker")

    t = threading.Thread(target=worker)
    t.start()
    with lock:
        assert seen == ["worker"], f"worker has not run yet: {seen}"
    t.join()
    return seen


def in_main():
    raise ValueError("main failed")


def logs():
    """logging takes its own module lock: it must keep working under the explorer."""
    logging.getLogger("explorer-test").warning("from a thread: %s", "ok")
    t = threading.Thread(target=logging.getLogger("explorer-test").info, args=("child",))
    t.start()
    t.join()
    return "logged"
