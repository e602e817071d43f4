"""Condition: wait releases the lock, parks until notified, then re-acquires.

Three operations, as in CPython's ``Condition.wait``: register as a waiter
(a write on the condition, so DPOR orders it against ``notify``), release
the lock, and after the wake-up re-acquire it. A timed wait's wake-up is
always enabled: it may time out at any point (DESIGN.md: a timeout is a
yield point with no ordering promise).
"""
from collections import deque

from ..runtime import kernel
from ..runtime.ops import ACQUIRE, RELEASE, WRITE, Op
from .base import Primitive, me, owner_tid
from .lock import RLock

_RW = WRITE | ACQUIRE | RELEASE


class _Waiter:
    __slots__ = ("notified", "tid")

    def __init__(self, tid):
        self.notified = False
        self.tid = tid


class Condition(Primitive):
    """``threading.Condition``."""

    _kind = "Condition"

    def __init__(self, lock=None):
        self._lock = RLock() if lock is None else lock
        super().__init__()
        self.acquire = self._lock.acquire
        self.release = self._lock.release

    def _reset(self):
        self._waiters = deque()
        self._woken = []   # tids notified and not yet back from wait()

    def xp_state(self):
        """Who waits to be notified, in order, and who was notified but has not yet
        woken (either will return True; state graphs)."""
        return tuple(w.tid for w in self._waiters), tuple(sorted(self._woken))

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *args):
        return self._lock.__exit__(*args)

    def _is_owned(self):
        return self._lock._is_owned()

    def wait(self, timeout=None):
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        self._live()
        waiter = _Waiter(owner_tid(me()))
        kernel.step(Op("wait", self, ((self, _RW),)))
        self._waiters.append(waiter)
        saved = self._lock._release_save()
        try:
            if timeout is None:
                kernel.step(Op("wake", self, ((self, ACQUIRE),),
                               lambda: waiter.notified, waits_for=self))
            else:
                kernel.step(Op("wake", self, ((self, _RW),), detail="timed", yields=True))
            if not waiter.notified:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    pass
        finally:
            self._lock._acquire_restore(saved)
            if waiter.notified:   # woken until it holds the lock again
                self._woken.remove(waiter.tid)
        return waiter.notified

    def wait_for(self, predicate, timeout=None):
        result = predicate()
        while not result:
            if not self.wait(timeout) and timeout is not None:
                return predicate()
            result = predicate()
        return result

    def notify(self, n=1):
        if not self._is_owned():
            raise RuntimeError("cannot notify on un-acquired lock")
        self._live()
        kernel.step(Op("notify", self, ((self, _RW),), detail=n))
        waiters = self._waiters
        while waiters and n > 0:
            waiter = waiters.popleft()
            waiter.notified = True
            self._woken.append(waiter.tid)
            n -= 1

    def notify_all(self):
        self.notify(len(self._waiters) or 1)

    notifyAll = notify_all

    def __repr__(self):
        return f"<explorer {self.xp_name} ({self._lock!r}, {len(self._waiters)})>"
