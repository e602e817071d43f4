"""What every primitive shares: a per-execution identity and a display name."""
import _thread

from ..runtime import kernel
from ..naming import static_name
from ..runtime.sites import caller_site


class Primitive:
    """Base of explorer primitives.

    A primitive belongs to the execution that created it. Used again in a
    later execution (a lock cached by a library such as ``logging``), it
    starts afresh via :meth:`_reset`, so no state leaks between executions.
    """

    _kind = "object"

    def __init__(self):
        self._ex = kernel.execution()
        # creation order in the execution: a stable key for state graphs
        self._serial = self._ex.next_number("#primitive") if self._ex is not None else 0
        self._site = caller_site()
        self._name = None
        # creation order at this site: a name that is the same in every execution
        ex = self._ex
        self._ordinal = ex.next_number((self._kind, self._site)) if ex is not None else 1
        self._reset()

    def _reset(self):
        """Set the primitive's initial state (subclasses)."""

    def _live(self):
        """Re-initialise when used in another execution than the one that made it."""
        ex = kernel.execution()
        if ex is not self._ex:
            self._ex = ex
            self._reset()

    @property
    def xp_name(self):
        """The name shown in traces and diagrams."""
        if self._name is None:
            self._name = static_name(self._kind, self._site, self._ordinal)
        return self._name

    def xp_rename(self, name):
        self._name = name

    def __repr__(self):
        return f"<explorer {self.xp_name}>"


def _message(call):
    try:
        call()
    except ValueError as exc:
        return str(exc)
    raise AssertionError("[explorer internal bug] expected a ValueError")


# The running CPython's own wording (it changed between versions).
_NON_BLOCKING = _message(lambda: _thread.allocate_lock().acquire(False, 1))
_NEGATIVE = _message(lambda: _thread.allocate_lock().acquire(timeout=-2))


def check_timeout(timeout, blocking=True):
    """Validate a ``(blocking, timeout)`` pair the way ``_thread.lock`` does."""
    if not blocking and timeout != -1:
        raise ValueError(_NON_BLOCKING)
    if timeout < 0 and timeout != -1:
        raise ValueError(_NEGATIVE)


def owner_tid(owner):
    """An owner as a small stable value for state graphs: its thread id, or None."""
    return getattr(owner, "tid", None if owner is None else -1)


def me():
    """The running logical thread (None outside an exploration)."""
    return kernel.current()
