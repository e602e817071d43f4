"""The standard library's primitives, recorded: real objects driven without blocking.

Each class mirrors the operations of its model in ``explorer.primitives``
(same kinds, same readiness, same ``xp_state``), but the effect is carried
out on the real CPython object with a non-blocking call (``acquire(False)``,
``put_nowait``, ...) while the caller holds the real run's big lock (see
``explorer.realrun``). So the real object decides what happens and its real
state is what the state graph sees: a model that disagrees with CPython
shows up as a transition the explored graph lacks.
"""
import _thread
import queue as _queue
import threading as _std

from .primitives.base import Primitive, check_timeout, me, owner_tid
from .runtime import kernel
from .runtime.ops import ACQUIRE, READ, RELEASE, WRITE, Op

_ACQ = ACQUIRE | WRITE
_RW = WRITE | ACQUIRE | RELEASE
_R = READ | ACQUIRE


def _check(block, timeout):
    """As CPython: the timeout is checked only for a blocking call that may wait."""
    if block and timeout is not None and timeout < 0:
        raise ValueError("'timeout' must be a non-negative number")


class Lock(Primitive):
    """``threading.Lock`` on a real ``_thread`` lock."""

    _kind = "Lock"

    def _reset(self):
        self._real = _thread.allocate_lock()
        self._owner = None

    def xp_state(self):
        return owner_tid(self._owner)

    def _free(self):
        return not self._real.locked()

    def acquire(self, blocking=True, timeout=-1):
        check_timeout(timeout, blocking)
        self._live()
        may_fail = not blocking or timeout != -1
        kernel.step(Op("acquire", self, ((self, _ACQ),), None if may_fail else self._free,
                       waits_for=self))
        if not self._real.acquire(False):
            return False
        self._owner = me() or True
        return True

    def release(self):
        self._live()
        if not self._real.locked():
            raise RuntimeError("release unlocked lock")
        kernel.step(Op("release", self, ((self, RELEASE),)))
        self._owner = None
        self._real.release()

    def locked(self):
        self._live()
        kernel.step(Op("locked", self, ((self, READ),)))
        return self._real.locked()

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()

    def _is_owned(self):
        return self._real.locked()

    def _release_save(self):
        self.release()

    def _acquire_restore(self, state):
        self.acquire()


class RLock(Primitive):
    """``threading.RLock`` on a real reentrant lock."""

    _kind = "RLock"

    def _reset(self):
        self._real = _thread.RLock()
        self._owner, self._count = None, 0

    def xp_state(self):
        return (owner_tid(self._owner), self._count)

    def _free(self):
        return self._owner is None

    def acquire(self, blocking=True, timeout=-1):
        check_timeout(timeout, blocking)
        self._live()
        t = me() or True
        if self._owner is t:
            kernel.step(Op("acquire", self))
            self._real.acquire()
            self._count += 1
            return True
        may_fail = not blocking or timeout != -1
        kernel.step(Op("acquire", self, ((self, _ACQ),), None if may_fail else self._free,
                       waits_for=self))
        if not self._real.acquire(False):
            return False
        self._owner, self._count = t, 1
        return True

    def release(self):
        self._live()
        if self._owner is not (me() or True):
            raise RuntimeError("cannot release un-acquired lock")
        if self._count > 1:
            kernel.step(Op("release", self))
        else:
            kernel.step(Op("release", self, ((self, RELEASE),)))
            self._owner = None
        self._count -= 1
        self._real.release()

    __enter__ = acquire

    def __exit__(self, *exc):
        self.release()

    def _is_owned(self):
        return self._owner is (me() or True)

    def _release_save(self):
        if self._owner is not (me() or True):
            raise RuntimeError("cannot release un-acquired lock")
        count = self._count
        kernel.step(Op("release", self, ((self, RELEASE),)))
        self._owner, self._count = None, 0
        for _ in range(count):
            self._real.release()
        return count

    def _acquire_restore(self, count):
        kernel.step(Op("acquire", self, ((self, _ACQ),), self._free, waits_for=self))
        for _ in range(count):
            self._real.acquire(False)
        self._owner, self._count = me() or True, count


class Condition(Primitive):
    """``threading.Condition`` as CPython builds it: one real waiter lock per wait."""

    _kind = "Condition"

    def __init__(self, lock=None):
        self._lock = RLock() if lock is None else lock
        super().__init__()
        self.acquire, self.release = self._lock.acquire, self._lock.release

    def _reset(self):
        self._waiters = []
        self._tids = {}    # waiter lock -> tid, while its thread is inside wait()
        self._woken = []

    def xp_state(self):
        return tuple(self._tids[w] for w in self._waiters), tuple(sorted(self._woken))

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
        waiter = _thread.allocate_lock()
        waiter.acquire()
        kernel.step(Op("wait", self, ((self, _RW),)))
        self._waiters.append(waiter)
        self._tids[waiter] = tid = owner_tid(me())
        saved = self._lock._release_save()
        notified = False
        try:
            if timeout is None:
                kernel.step(Op("wake", self, ((self, ACQUIRE),), lambda: not waiter.locked(),
                               waits_for=self))
            else:
                kernel.step(Op("wake", self, ((self, _RW),), detail="timed", yields=True))
            notified = waiter.acquire(False)
            if not notified and waiter in self._waiters:
                self._waiters.remove(waiter)
        finally:
            self._lock._acquire_restore(saved)
            if notified:   # woken until it holds the lock again
                self._woken.remove(tid)
            self._tids.pop(waiter, None)
        return notified

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
        woken, self._waiters = self._waiters[:n], self._waiters[n:]
        for waiter in woken:
            self._woken.append(self._tids[waiter])
            waiter.release()

    def notify_all(self):
        self.notify(len(self._waiters) or 1)

    notifyAll = notify_all


class Semaphore(Primitive):
    """``threading.Semaphore`` on the real one."""

    _kind = "Semaphore"
    _real_class = _std.Semaphore

    def __init__(self, value=1):
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        self._initial = value
        super().__init__()

    def _reset(self):
        self._real = self._real_class(self._initial)

    def xp_state(self):
        return self._real._value

    def _positive(self):
        return self._real._value > 0

    def acquire(self, blocking=True, timeout=None):
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        self._live()
        may_fail = not blocking or timeout is not None
        kernel.step(Op("acquire", self, ((self, WRITE | ACQUIRE),),
                       None if may_fail else self._positive, waits_for=self, yields=may_fail))
        return self._real.acquire(False)

    __enter__ = acquire

    def release(self, n=1):
        if n < 1:
            raise ValueError("n must be one or more")
        self._live()
        kernel.step(Op("release", self, ((self, self._release_mode),)))
        self._real.release(n)

    _release_mode = RELEASE

    def __exit__(self, *args):
        self.release()


class BoundedSemaphore(Semaphore):
    """``threading.BoundedSemaphore`` on the real one (it raises on over-release)."""

    _kind = "BoundedSemaphore"
    _real_class = _std.BoundedSemaphore
    _release_mode = WRITE | RELEASE


class Event(Primitive):
    """``threading.Event`` on the real one."""

    _kind = "Event"

    def _reset(self):
        self._real = _std.Event()

    def xp_state(self):
        return self._real.is_set()

    def is_set(self):
        self._live()
        kernel.step(Op("is_set", self, ((self, READ | ACQUIRE),)))
        return self._real.is_set()

    isSet = is_set

    def set(self):
        self._live()
        kernel.step(Op("set", self, ((self, WRITE | RELEASE),)))
        self._real.set()

    def clear(self):
        self._live()
        kernel.step(Op("clear", self, ((self, WRITE),)))
        self._real.clear()

    def wait(self, timeout=None):
        self._live()
        if timeout is None:
            kernel.step(Op("wait", self, ((self, READ | ACQUIRE),), self._real.is_set,
                           waits_for=self))
        else:
            kernel.step(Op("wait", self, ((self, READ | ACQUIRE),), detail="timed",
                           yields=True))
        return self._real.is_set()


class Queue(Primitive):
    """``queue.Queue`` (and Lifo/Priority) on the real one, through its ``*_nowait`` calls."""

    _kind = "Queue"
    _real_class = _queue.Queue

    def __init__(self, maxsize=0):
        self.maxsize = maxsize
        super().__init__()

    def _reset(self):
        self._real = self._real_class(self.maxsize)

    def xp_state(self):
        return (tuple(self._real.queue), self._real.unfinished_tasks)

    def _room(self):
        return not self._real.full()

    def _has_items(self):
        return not self._real.empty()

    def put(self, item, block=True, timeout=None):
        if self.maxsize > 0:
            _check(block, timeout)
        self._live()
        can_fail = not block or timeout is not None
        kernel.step(Op("put", self, ((self, _RW),), None if can_fail else self._room,
                       detail=item, waits_for=self, yields=can_fail))
        self._real.put_nowait(item)

    def get(self, block=True, timeout=None):
        _check(block, timeout)
        self._live()
        can_fail = not block or timeout is not None
        kernel.step(Op("get", self, ((self, _RW),), None if can_fail else self._has_items,
                       waits_for=self, yields=can_fail))
        return self._real.get_nowait()

    def put_nowait(self, item):
        return self.put(item, block=False)

    def get_nowait(self):
        return self.get(block=False)

    def task_done(self):
        self._live()
        kernel.step(Op("task_done", self, ((self, _RW),)))
        self._real.task_done()

    def join(self):
        self._live()
        kernel.step(Op("join", self, ((self, _R),), lambda: not self._real.unfinished_tasks,
                       waits_for=self))

    def qsize(self):
        return self._ask("qsize", self._real.qsize)

    def empty(self):
        return self._ask("empty", self._real.empty)

    def full(self):
        return self._ask("full", self._real.full)

    def _ask(self, kind, question):
        self._live()
        kernel.step(Op(kind, self, ((self, _R),)))
        return question()


class LifoQueue(Queue):
    _kind = "LifoQueue"
    _real_class = _queue.LifoQueue


class PriorityQueue(Queue):
    _kind = "PriorityQueue"
    _real_class = _queue.PriorityQueue


class SimpleQueue(Queue):
    """``queue.SimpleQueue``: unbounded, no task tracking (a real Queue underneath:
    the C SimpleQueue cannot show its items)."""

    _kind = "SimpleQueue"

    def __init__(self):
        super().__init__(0)

    def xp_state(self):
        return (tuple(self._real.queue), 0)

    def put(self, item, block=True, timeout=None):
        super().put(item)

    def task_done(self):
        raise AttributeError("'SimpleQueue' object has no attribute 'task_done'")

    def join(self):
        raise AttributeError("'SimpleQueue' object has no attribute 'join'")
