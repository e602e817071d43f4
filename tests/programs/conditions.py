"""Condition: wait/notify, wait and wait_for with timeouts, notify(n), notify_all."""
import threading


def handoff():
    """A consumer waiting for an item always gets it."""
    cv = threading.Condition()
    items = []
    got = []

    def consumer():
        with cv:
            while not items:
                cv.wait()
            got.append(items.pop())

    t = threading.Thread(target=consumer)
    t.start()
    with cv:
        items.append("x")
        cv.notify()
    t.join()
    return got


def wait_timeout():
    """wait(timeout) is True when notified while waiting, else False."""
    cv = threading.Condition()
    out = []

    def waiter():
        with cv:
            out.append(cv.wait(timeout=0.001))

    t = threading.Thread(target=waiter)
    t.start()
    with cv:
        cv.notify()
    t.join()
    return out


def wait_for_timeout():
    """wait_for(pred, timeout) returns the predicate's last value."""
    cv = threading.Condition()
    flag = []
    out = []

    def waiter():
        with cv:
            out.append(cv.wait_for(lambda: bool(flag), timeout=0.001))

    t = threading.Thread(target=waiter)
    t.start()
    with cv:
        flag.append(1)
        cv.notify_all()
    t.join()
    return out


def notify_n():
    """notify(1) wakes min(1, k) of the k threads waiting at that moment."""
    cv = threading.Condition()
    state = {"released": False}

    def waiter():
        with cv:
            if not state["released"]:
                cv.wait()

    ts = [threading.Thread(target=waiter) for _ in range(2)]
    for t in ts:
        t.start()
    with cv:
        k = len(cv._waiters)
        cv.notify(1)
        woken = k - len(cv._waiters)
        state["released"] = True
        cv.notify_all()
    for t in ts:
        t.join()
    return k, woken
