"""Vector clocks: the happens-before order of one execution's trace.

Lamport's relation, computed as in FastTrack (Flanagan and Freund, PLDI
2009) and loom's ``vv.rs``: each thread has a clock; a RELEASE access joins
the thread's clock into the key's clock and then ticks the thread; an
ACQUIRE access joins the key's clock into the thread's. Lock release ->
acquire, thread start -> begin, exit -> join, queue put -> get, event set ->
wait, notify -> wake, barrier and semaphore all order through their keys
(see ``runtime/ops.py``). Two accesses are concurrent when neither clock
covers the other's epoch.
"""
from .ops import ACQUIRE, RELEASE


class VectorClock:
    """A map thread id -> logical time (missing means 0)."""

    __slots__ = ("times",)

    def __init__(self, times=None):
        self.times = dict(times) if times else {}

    def get(self, tid):
        return self.times.get(tid, 0)

    def tick(self, tid):
        self.times[tid] = self.times.get(tid, 0) + 1

    def join(self, other):
        times = self.times
        for tid, t in other.times.items():
            if t > times.get(tid, 0):
                times[tid] = t

    def copy(self):
        return VectorClock(self.times)

    def covers(self, tid, time):
        """Whether the event at ``time`` of thread ``tid`` happens before this clock's owner."""
        return time <= self.times.get(tid, 0)

    def __repr__(self):
        return f"VectorClock({self.times})"


class HappensBefore:
    """Walk a trace op by op, keeping every thread's vector clock.

    Call :meth:`before` with an operation before looking at its memory
    access and :meth:`after` once it is done: acquires take effect before the
    operation, releases after it.
    """

    def __init__(self):
        self.clocks = {}    # tid -> VectorClock
        self.sync = {}      # key -> VectorClock of its last releases

    def clock(self, tid):
        c = self.clocks.get(tid)
        if c is None:
            c = self.clocks[tid] = VectorClock({tid: 1})
        return c

    def before(self, tid, op):
        for key, mode in op.accesses:
            if mode & ACQUIRE:
                released = self.sync.get(key)
                if released is not None:
                    self.clock(tid).join(released)

    def after(self, tid, op):
        ticked = False
        for key, mode in op.accesses:
            if mode & RELEASE:
                held = self.sync.get(key)
                if held is None:
                    self.sync[key] = self.clock(tid).copy()
                else:
                    held.join(self.clock(tid))
                ticked = True
        if ticked:
            self.clock(tid).tick(tid)
