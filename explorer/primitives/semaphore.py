"""Semaphore and BoundedSemaphore.

An acquire is enabled while the counter is positive. A release conflicts
with acquires (unlike a lock release): with several permits, or a release
by another thread than the acquirer, which acquire it lets through matters.
"""
from ..runtime import kernel
from ..runtime.ops import ACQUIRE, RELEASE, WRITE, Op
from .base import Primitive


class Semaphore(Primitive):
    """``threading.Semaphore``."""

    _kind = "Semaphore"

    def __init__(self, value=1):
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        self._initial = value
        super().__init__()

    def _reset(self):
        self._value = self._initial

    def xp_state(self):
        """The counter (state graphs)."""
        return self._value

    def _positive(self):
        return self._value > 0

    def acquire(self, blocking=True, timeout=None):
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        self._live()
        may_fail = not blocking or timeout is not None
        kernel.step(Op("acquire", self, ((self, WRITE | ACQUIRE),),
                       None if may_fail else self._positive, waits_for=self,
                       yields=may_fail))
        if self._value > 0:
            self._value -= 1
            return True
        return False

    __enter__ = acquire

    def release(self, n=1):
        if n < 1:
            raise ValueError("n must be one or more")
        self._live()
        # unlike a lock release, it conflicts: which acquire it lets through matters
        kernel.step(Op("release", self, ((self, WRITE | RELEASE),)))
        self._value += n

    def __exit__(self, *args):
        self.release()

    def __repr__(self):
        return f"<explorer {self.xp_name} value={self._value}>"


class BoundedSemaphore(Semaphore):
    """``threading.BoundedSemaphore``: releasing above the initial value raises."""

    _kind = "BoundedSemaphore"

    def release(self, n=1):
        if n < 1:
            raise ValueError("n must be one or more")
        self._live()
        kernel.step(Op("release", self, ((self, WRITE | RELEASE),)))
        if self._value + n > self._initial:
            raise ValueError("Semaphore released too many times")
        self._value += n
