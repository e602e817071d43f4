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


def map_one():
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        return list(pool.map(_square, [3]))


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
    """A callback added while another thread completes the future runs exactly once,
    in the completing thread or, if the future is already done, in the adder."""
    f = cf.Future()
    who = []
    t = threading.Thread(target=f.set_result, args=(5,), name="setter")
    t.start()
    f.add_done_callback(lambda fut: who.append((threading.current_thread().name, fut.result())))
    t.join()
    return who


def as_completed_one():
    """as_completed yields a future that a thread completes meanwhile."""
    later = cf.Future()
    t = threading.Thread(target=later.set_result, args=(1,))
    t.start()
    results = [f.result() for f in cf.as_completed([later])]
    t.join()
    return results


def wait_timeout():
    """wait() with a timeout leaves an unfinished future in not_done; result(timeout) raises."""
    f = cf.Future()
    done, not_done = cf.wait([f], timeout=0.001)
    try:
        f.result(timeout=0.001)
        timed_out = False
    except cf.TimeoutError:
        timed_out = True
    t = threading.Thread(target=f.set_result, args=("ok",))
    t.start()
    after = cf.wait([f], return_when=cf.ALL_COMPLETED)
    t.join()
    return len(done), len(not_done), timed_out, len(after.done), f.result()


def first_exception():
    """FIRST_EXCEPTION returns once a future fails, leaving the other pending."""
    fs = [cf.Future(), cf.Future()]
    t = threading.Thread(target=fs[1].set_exception, args=(ValueError("x"),))
    t.start()
    done, not_done = cf.wait(fs, return_when=cf.FIRST_EXCEPTION)
    t.join()
    return done == {fs[1]}, not_done == {fs[0]}


def shutdown_then_submit():
    pool = cf.ThreadPoolExecutor(max_workers=1)
    f = pool.submit(_square, 2)
    pool.shutdown(wait=True)
    try:
        pool.submit(_square, 3)
    except RuntimeError as exc:
        return f.done(), str(exc)
    return f.done(), "no error"
