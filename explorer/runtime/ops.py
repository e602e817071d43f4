"""Operation: the one record strategies, detectors and traces share.

An operation is announced *before* it happens (the thread parks with it as
its pending operation) and executes atomically when the thread is chosen.
DPOR needs the pending operation of every thread, blocked ones included.

Each access is ``(key, mode)``. ``mode`` is a bit set:

* ``READ`` / ``WRITE``: the access conflicts with other accesses to ``key``
  (two reads do not conflict). Conflicting operations of different threads
  are the races DPOR reverses.
* ``ACQUIRE`` / ``RELEASE``: happens-before edges through ``key`` (lock
  release -> acquire, event set -> wait, thread exit -> join, ...).

A lock release is ``RELEASE`` only: it does not conflict, so the race DPOR
reverses is acquire-vs-acquire, the order of critical sections (Abdulla et
al., "Optimal dynamic partial order reduction", POPL 2014, section 9).
"""

READ = 1
WRITE = 2
ACQUIRE = 4
RELEASE = 8
SYNC = ACQUIRE | RELEASE
NO_ACCESS = ()


class Op:
    """A pending or executed operation of one logical thread.

    Args:
        kind: short verb shown in traces ("acquire", "read", "sleep", ...).
        obj: the object operated on, for naming in reports (or None).
        accesses: tuple of ``(key, mode)`` pairs, see the module docstring.
        ready: None when always enabled, else a zero-argument callable that
            says whether the operation can execute now (a blocked thread's
            operation is not ready).
        waits_for: what a blocked thread waits on, for deadlock reports.
    """

    # ``value``: set (only) by a memory access that hands a value to the program
    __slots__ = ("kind", "obj", "accesses", "ready", "site", "detail", "waits_for", "yields",
                 "value")

    def __init__(self, kind, obj=None, accesses=NO_ACCESS, ready=None, detail=None,
                 waits_for=None, yields=False):
        self.kind = kind
        self.obj = obj
        self.accesses = accesses
        self.ready = ready
        self.detail = detail
        self.waits_for = waits_for
        self.site = None
        self.yields = yields

    def enabled(self):
        ready = self.ready
        return ready is None or ready()

    def __repr__(self):
        return f"Op({self.kind}, {self.obj!r})"
