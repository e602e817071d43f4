"""Barrier: the last of ``parties`` arrivals runs the action and lets all pass.

Arrival is a write on the barrier (the arrival order decides each thread's
index and who runs the action); passing waits for the generation to end.
"""
import threading as _std

from ..runtime import kernel
from ..runtime.ops import ACQUIRE, RELEASE, WRITE, Op
from .base import Primitive, me, owner_tid

BrokenBarrierError = _std.BrokenBarrierError
_RW = WRITE | ACQUIRE | RELEASE


def _checks_parties():
    """Whether this CPython's Barrier rejects ``parties < 1`` (newer ones do)."""
    try:
        _std.Barrier(0)
    except ValueError:
        return True
    return False


_CHECKS_PARTIES = _checks_parties()


class Barrier(Primitive):
    """``threading.Barrier``."""

    _kind = "Barrier"

    def __init__(self, parties, action=None, timeout=None):
        if parties < 1 and _CHECKS_PARTIES:
            raise ValueError("parties must be > 0")
        self._parties = parties
        self._action = action
        self._timeout = timeout
        super().__init__()

    def _reset(self):
        self._count = 0
        self._gen = 0
        self._broken = False
        self._broken_gens = set()
        self._indices = {}   # tid -> index, of threads between arrival and passing

    def xp_state(self):
        """Threads arrived in this round, whether it is broken, and the index each
        waiting thread will get (the arrival order decides it; state graphs)."""
        return (self._count, self._broken, tuple(sorted(self._indices.items())))

    def wait(self, timeout=None):
        if timeout is None:
            timeout = self._timeout
        self._live()
        kernel.step(Op("barrier_wait", self, ((self, _RW),)))
        if self._broken:
            raise BrokenBarrierError
        index, gen = self._count, self._gen
        self._count += 1
        if self._count == self._parties:
            try:
                if self._action:
                    self._action()
            except BaseException:
                self._broken = True
                raise
            self._count = 0
            self._gen += 1
            return index
        tid = owner_tid(me())
        self._indices[tid] = index
        try:
            return self._pass(index, gen, timeout)
        finally:
            self._indices.pop(tid, None)

    def _pass(self, index, gen, timeout):
        def released():
            return self._gen != gen or self._broken
        if timeout is None:
            kernel.step(Op("barrier_pass", self, ((self, ACQUIRE),), released,
                           waits_for=self))
        else:
            kernel.step(Op("barrier_pass", self, ((self, _RW),), detail="timed", yields=True))
        if gen in self._broken_gens or (self._gen == gen and self._broken):
            raise BrokenBarrierError
        if self._gen != gen:
            return index
        self._broken = True  # timed out: break the barrier, as CPython does
        self._count -= 1
        raise BrokenBarrierError

    def reset(self):
        self._live()
        kernel.step(Op("barrier_reset", self, ((self, _RW),)))
        if self._count > 0 or self._broken:
            self._broken_gens.add(self._gen)
            self._gen += 1
        self._count = 0
        self._broken = False

    def abort(self):
        self._live()
        kernel.step(Op("barrier_abort", self, ((self, _RW),)))
        self._broken = True

    @property
    def parties(self):
        return self._parties

    @property
    def n_waiting(self):
        return 0 if self._broken else self._count

    @property
    def broken(self):
        return self._broken
