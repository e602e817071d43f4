"""Lock and RLock.

An acquire is one operation: enabled when the lock is free (or, for a
non-blocking or timed acquire, always: it may fail). A release is a
happens-before edge; see ``runtime/ops.py`` for why it does not conflict
with a blocking acquire (which waits for it). It does conflict with what
reads whether the lock is held without waiting: ``locked()`` and an acquire
that may fail, whose result depends on which of the two came first.
"""
from ..runtime import kernel
from ..runtime.ops import ACQUIRE, READ, RELEASE, WRITE, Op
from .base import Primitive, check_timeout, me, owner_tid

_ACQ = ACQUIRE | WRITE
_HELD = "held"   # (lock, _HELD): whether it is held, as read without waiting


def _acquiring(lock, may_fail):
    return ((lock, _ACQ), ((lock, _HELD), READ)) if may_fail else ((lock, _ACQ),)


def _releasing(lock):
    return ((lock, RELEASE), ((lock, _HELD), WRITE))


def _reading(lock):
    return ((lock, READ), ((lock, _HELD), READ))


class Lock(Primitive):
    """``threading.Lock``: a non-reentrant lock any thread may release."""

    _kind = "Lock"

    def _reset(self):
        self._owner = None

    def _free(self):
        return self._owner is None

    def xp_state(self):
        """The owner's thread id (state graphs)."""
        return owner_tid(self._owner)

    def acquire(self, blocking=True, timeout=-1):
        check_timeout(timeout, blocking)
        self._live()
        may_fail = not blocking or timeout != -1
        kernel.step(Op("acquire", self, _acquiring(self, may_fail),
                       None if may_fail else self._free, waits_for=self))
        if self._owner is None:
            self._owner = me() or True
            return True
        return False

    def release(self):
        self._live()
        if self._owner is None:
            raise RuntimeError("release unlocked lock")
        kernel.step(Op("release", self, _releasing(self)))
        self._owner = None

    def locked(self):
        self._live()
        kernel.step(Op("locked", self, _reading(self)))
        return self._owner is not None

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()

    def _at_fork_reinit(self):
        self._owner = None

    # Condition support (CPython's Condition uses these when present).
    def _is_owned(self):
        return self._owner is not None  # as CPython: a Lock has no owner to check

    def _release_save(self):
        self.release()

    def _acquire_restore(self, state):
        self.acquire()


class RLock(Primitive):
    """``threading.RLock``: reentrant; only the owner may release."""

    _kind = "RLock"

    def _reset(self):
        self._owner = None
        self._count = 0

    def _free(self):
        return self._owner is None

    def xp_state(self):
        """The owner's thread id and recursion count (state graphs)."""
        return (owner_tid(self._owner), self._count)

    def acquire(self, blocking=True, timeout=-1):
        check_timeout(timeout, blocking)
        self._live()
        t = me() or True
        if self._owner is t:
            kernel.step(Op("acquire", self))
            self._count += 1
            return True
        may_fail = not blocking or timeout != -1
        kernel.step(Op("acquire", self, _acquiring(self, may_fail),
                       None if may_fail else self._free, waits_for=self))
        if self._owner is None:
            self._owner, self._count = t, 1
            return True
        return False

    def release(self):
        self._live()
        if self._owner is not (me() or True):
            raise RuntimeError("cannot release un-acquired lock")
        if self._count > 1:
            kernel.step(Op("release", self))
            self._count -= 1
            return
        kernel.step(Op("release", self, _releasing(self)))
        self._owner, self._count = None, 0

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()

    def locked(self):
        self._live()
        kernel.step(Op("locked", self, _reading(self)))
        return self._owner is not None

    def _is_owned(self):
        return self._owner is (me() or True)

    def _release_save(self):
        """Release completely (any recursion level), for Condition.wait."""
        if self._owner is not (me() or True):
            raise RuntimeError("cannot release un-acquired lock")
        count = self._count
        kernel.step(Op("release", self, _releasing(self)))
        self._owner, self._count = None, 0
        return count

    def _acquire_restore(self, count):
        kernel.step(Op("acquire", self, ((self, _ACQ),), self._free, waits_for=self))
        self._owner, self._count = me() or True, count

    def _recursion_count(self):
        return self._count if self._owner is (me() or True) else 0

    def __repr__(self):
        owner = self._owner.name if hasattr(self._owner, "name") else self._owner
        return f"<explorer {self.xp_name} owner={owner} count={self._count}>"
