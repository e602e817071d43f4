"""Queue, LifoQueue, PriorityQueue and SimpleQueue.

Each call is one operation on the queue (a put or get is enabled while the
queue has room or items). The ``_init/_qsize/_put/_get`` hooks are CPython's,
so user subclasses of ``queue.Queue`` keep working.

Dependence, for DPOR: in a FIFO queue a put (at the tail) and a get (at the
head) commute whenever both can run; a put only *enables* a get, like a lock
release enables an acquire. So puts conflict with puts, gets with gets, and
a put -> get is a happens-before edge through the items (get -> put through
the free space of a bounded queue). A get or put that may fail (non-blocking
or timed) also reads the other end: whether it fails depends on it. LIFO and
priority queues do not commute that way: there every put and get conflict.
"""
import heapq
import queue as _std
from collections import deque

from ..runtime import kernel
from ..runtime.ops import ACQUIRE, READ, RELEASE, WRITE, Op
from .base import Primitive

Empty = _std.Empty
Full = _std.Full


def _check(block, timeout):
    """CPython checks the timeout only for a blocking call that may wait."""
    if block and timeout is not None and timeout < 0:
        raise ValueError("'timeout' must be a non-negative number")


class Queue(Primitive):
    """``queue.Queue`` (FIFO)."""

    _kind = "Queue"
    _fifo = True

    def __init__(self, maxsize=0):
        self.maxsize = maxsize
        super().__init__()
        puts, gets, items, space = (self, "put"), (self, "get"), (self, "items"), (self, "space")
        tasks = self._tasks = (self, "tasks")
        self._put_ops = ((puts, WRITE), (items, RELEASE), (space, ACQUIRE), (tasks, WRITE))
        self._get_ops = ((gets, WRITE), (items, ACQUIRE), (space, RELEASE))
        if not self._fifo:
            self._put_ops += ((gets, WRITE),)
        self._try_put_ops = self._put_ops + ((gets, READ),)
        self._try_get_ops = self._get_ops + ((puts, READ),)
        self._peek_ops = ((puts, READ), (gets, READ), (items, ACQUIRE))

    def _reset(self):
        self._init(self.maxsize)
        self.unfinished_tasks = 0

    def xp_state(self):
        """The items, in storage order, and the unfinished task count (state graphs)."""
        return (tuple(self.queue), self.unfinished_tasks)

    def _room(self):
        return not (0 < self.maxsize <= self._qsize())

    def _has_items(self):
        return self._qsize() > 0

    def _no_tasks(self):
        return self.unfinished_tasks == 0

    def put(self, item, block=True, timeout=None):
        if self.maxsize > 0:
            _check(block, timeout)
        self._live()
        can_fail = not block or timeout is not None
        accesses = self._try_put_ops if can_fail else self._put_ops
        kernel.step(Op("put", self, accesses, None if can_fail else self._room,
                       detail=item, waits_for=self, yields=can_fail))
        if not self._room():
            raise Full
        self._put(item)
        self.unfinished_tasks += 1

    def get(self, block=True, timeout=None):
        _check(block, timeout)
        self._live()
        can_fail = not block or timeout is not None
        accesses = self._try_get_ops if can_fail else self._get_ops
        kernel.step(Op("get", self, accesses, None if can_fail else self._has_items,
                       waits_for=self, yields=can_fail))
        if not self._qsize():
            raise Empty
        return self._get()

    def put_nowait(self, item):
        return self.put(item, block=False)

    def get_nowait(self):
        return self.get(block=False)

    def task_done(self):
        self._live()
        kernel.step(Op("task_done", self, ((self._tasks, WRITE | RELEASE),)))
        if self.unfinished_tasks <= 0:
            raise ValueError("task_done() called too many times")
        self.unfinished_tasks -= 1

    def join(self):
        self._live()
        kernel.step(Op("join", self, ((self._tasks, READ | ACQUIRE),), self._no_tasks,
                       waits_for=self))

    def qsize(self):
        self._live()
        kernel.step(Op("qsize", self, self._peek_ops))
        return self._qsize()

    def empty(self):
        self._live()
        kernel.step(Op("empty", self, self._peek_ops))
        return not self._qsize()

    def full(self):
        self._live()
        kernel.step(Op("full", self, self._peek_ops))
        return 0 < self.maxsize <= self._qsize()

    # CPython's overridable storage hooks
    def _init(self, maxsize):
        self.queue = deque()

    def _qsize(self):
        return len(self.queue)

    def _put(self, item):
        self.queue.append(item)

    def _get(self):
        return self.queue.popleft()

    def __repr__(self):
        return f"<explorer {self.xp_name} {list(self.queue)!r}>"


class LifoQueue(Queue):
    """``queue.LifoQueue``."""

    _kind = "LifoQueue"
    _fifo = False

    def _init(self, maxsize):
        self.queue = []

    def _get(self):
        return self.queue.pop()


class PriorityQueue(Queue):
    """``queue.PriorityQueue``."""

    _kind = "PriorityQueue"
    _fifo = False

    def _init(self, maxsize):
        self.queue = []

    def _put(self, item):
        heapq.heappush(self.queue, item)

    def _get(self):
        return heapq.heappop(self.queue)


class SimpleQueue(Queue):
    """``queue.SimpleQueue``: unbounded, no task tracking."""

    _kind = "SimpleQueue"

    def __init__(self):
        super().__init__(0)

    def put(self, item, block=True, timeout=None):
        super().put(item)
        self.unfinished_tasks = 0

    def task_done(self):
        raise AttributeError("'SimpleQueue' object has no attribute 'task_done'")

    def join(self):
        raise AttributeError("'SimpleQueue' object has no attribute 'join'")
