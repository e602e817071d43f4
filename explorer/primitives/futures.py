"""ThreadPoolExecutor on the explorer's own Thread, SimpleQueue and Semaphore.

Futures are the standard library's ``concurrent.futures.Future``: it builds
its Condition through ``threading.Condition`` at call time, so under the
patch it parks on explorer primitives like everything else. Workers are
started lazily, reused when idle, and told to stop at program exit, as in
CPython's ``concurrent/futures/thread.py``.
"""
from concurrent.futures import _base

from ..runtime import kernel
from .lock import Lock
from .queue import SimpleQueue
from .semaphore import Semaphore
from .thread import Thread


class _WorkItem:
    def __init__(self, future, fn, args, kwargs):
        self.future, self.fn, self.args, self.kwargs = future, fn, args, kwargs

    def run(self):
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - stored in the future, as CPython does
            self.future.set_exception(exc)
            self = None
        else:
            self.future.set_result(result)


class Future(_base.Future):
    """``concurrent.futures.Future`` hashed by creation order, not by address.

    ``wait`` and ``as_completed`` loop over *sets* of futures, taking each
    one's lock; with address hashes that order, hence the trace, would
    change from one execution to the next under the same schedule.
    """

    def __hash__(self):
        return self._condition._serial


class _AcquireFutures:
    """``concurrent.futures._base._AcquireFutures`` in creation order, not ``id`` order.

    The stdlib takes the futures' locks sorted by address; addresses differ from
    one execution to the next, so ``wait``/``as_completed`` would not repeat
    themselves under the same schedule.
    """

    def __init__(self, futures):
        self.futures = sorted(futures, key=lambda f: getattr(f._condition, "_serial", 0))

    def __enter__(self):
        for future in self.futures:
            future._condition.acquire()

    def __exit__(self, *args):
        for future in self.futures:
            future._condition.release()


def _worker(executor, work_queue):
    while True:
        item = work_queue.get()
        if item is not None:
            item.run()
            del item
            executor._idle.release()
            continue
        executor._shutdown = True
        work_queue.put(None)
        return


class ThreadPoolExecutor(_base.Executor):
    """``concurrent.futures.ThreadPoolExecutor``."""

    def __init__(self, max_workers=None, thread_name_prefix="", initializer=None, initargs=()):
        if max_workers is None:
            max_workers = 5
        if max_workers <= 0:
            raise ValueError("max_workers must be greater than 0")
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        ex = kernel.execution()
        self._max_workers = max_workers
        self._queue = SimpleQueue()
        self._idle = Semaphore(0)
        self._threads = []
        self._shutdown = False
        self._lock = Lock()
        number = ex.next_number("ThreadPoolExecutor") - 1 if ex else 0
        self._prefix = thread_name_prefix or f"ThreadPoolExecutor-{number}"
        self._initializer, self._initargs = initializer, initargs
        if ex is not None:
            ex.atexit.append(self._at_exit)

    def submit(self, fn, /, *args, **kwargs):
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            future = Future()
            self._queue.put(_WorkItem(future, fn, args, kwargs))
            self._adjust_thread_count()
            return future

    submit.__doc__ = _base.Executor.submit.__doc__

    def _adjust_thread_count(self):
        if self._idle.acquire(timeout=0):
            return
        if len(self._threads) < self._max_workers:
            name = f"{self._prefix}_{len(self._threads)}"
            t = Thread(name=name, target=self._run_worker)
            t.start()
            self._threads.append(t)

    def _run_worker(self):
        if self._initializer is not None:
            self._initializer(*self._initargs)
        _worker(self, self._queue)

    def shutdown(self, wait=True, *, cancel_futures=False):
        with self._lock:
            self._shutdown = True
            if cancel_futures:
                while True:
                    try:
                        item = self._queue.get_nowait()
                    except Exception:  # noqa: BLE001 - queue.Empty
                        break
                    if item is not None:
                        item.future.cancel()
            self._queue.put(None)
        if wait:
            for t in self._threads:
                t.join()

    shutdown.__doc__ = _base.Executor.shutdown.__doc__

    def _at_exit(self):
        """Program exit: let idle workers finish, as CPython's ``_python_exit``."""
        if not self._shutdown:
            self._shutdown = True
            self._queue.put(None)
