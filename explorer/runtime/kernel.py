"""The only calls primitives make into the runtime.

Primitives never switch greenlets or look at the strategy themselves: they
describe an operation and call :func:`step`, which parks the calling logical
thread until the strategy picks it. Outside an exploration (or in a greenlet
that is not a logical thread) every call is a no-op, so a primitive created
under the explorer still works as a plain, single-threaded object afterwards.
"""

_active = None  # the Execution being run, or None


def execution():
    """Return the active Execution, or None outside an exploration."""
    return _active


def current():
    """Return the running LogicalThread, or None outside an exploration."""
    ex = _active
    return None if ex is None else ex.running


def step(op):
    """Announce ``op`` as the calling thread's next operation and wait for its turn.

    When this returns, the caller performs the operation at once, with no
    other yield point in between: that is what makes it atomic.
    """
    ex = _active
    if ex is not None and ex.running is not None:
        ex.park(op)


def activate(ex):
    global _active
    previous, _active = _active, ex
    return previous
