"""ThreadPoolExecutor and Futures: submit, map, exceptions, callbacks, wait, as_completed.

A pool runs many synchronisation operations per task, so these programs
stay small: exhaustive search without reduction must finish in a second.
"""
import concurrent.futures as cf
import threading


def _square(x):
    return x * x


def _boom():
    raise ValueError("boom")


def submit_and_map():
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(_square, 2)
        mapped = list(pool.map(_square, [3]))
    return future.result(), mapped


def exception_result():
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        f = pool.submit(_boom)
        exc = f.exception()
        try:
            f.result()
        except ValueError as err:
            raised = str(err)
    return type(exc).__name__, str(exc), raised


def callbacks():
    """Callbacks run once, by the worker or, if already done, by the adder."""
    seen = []
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        f = pool.submit(_square, 5)
        f.add_done_callback(lambda fut: seen.append(fut.result()))
    f.add_done_callback(lambda fut: seen.append("late"))
    return seen


def as_completed_one():
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        f = pool.submit(_square, 4)
        return [g.result() for g in cf.as_completed([f])]


def callback_or_done():
    """A callback added while the task runs is called by the worker or by the adder."""
    who = []
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        f = pool.submit(_square, 1)
        f.add_done_callback(lambda fut: who.append(threading.current_thread().name))
    return who


def wait_timeout():
    """wait() with a timeout leaves a blocked task in not_done; result(timeout) raises."""
    ev = threading.Event()
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        blocked = pool.submit(ev.wait)
        done, not_done = cf.wait([blocked], timeout=0.001)
        try:
            blocked.result(timeout=0.001)
            timed_out = False
        except cf.TimeoutError:
            timed_out = True
        ev.set()
        after = cf.wait([blocked], return_when=cf.ALL_COMPLETED)
    return len(done), len(not_done), timed_out, len(after.done)


def first_exception():
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        bad = pool.submit(_boom)
        done, _ = cf.wait([bad], return_when=cf.FIRST_EXCEPTION)
    return bad in done


def shutdown_then_submit():
    pool = cf.ThreadPoolExecutor(max_workers=1)
    f = pool.submit(_square, 2)
    pool.shutdown(wait=True)
    try:
        pool.submit(_square, 3)
    except RuntimeError as exc:
        return f.done(), str(exc)
    return f.done(), "no error"
