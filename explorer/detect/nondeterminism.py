"""Nondeterminism: a target that does not repeat itself is reported, not trusted.

Two checks (after shuttle's ``UncontrolledNondeterminismCheckScheduler``):

* every execution about to be reported (a new outcome, a new or shorter
  failure) is replayed once from its schedule; a different trace (thread,
  operation and line per step), failure or outcome means the program reads
  something the schedule does not fix (random, the clock, ``id()`` order,
  I/O). The first diverging step is named.
* real OS threads that appear during an execution (``_thread``, a saved
  ``threading.Thread``, a C library calling back into Python) run outside
  the explorer: their interleavings are never explored.

Object names are left out of the comparison on purpose: primitives are
numbered lazily, in the order reports ask for their names; those numbers and
memory addresses in reprs (``0x7f...``) are masked in messages and outcomes.
"""
import re
import sys
import threading
import time

from ..naming import bounded_repr
from ..runtime.execution import Failure
from ..runtime.sites import short
from ..watchdog import stuck_at

_real_sleep = time.sleep  # bound at import, before any patching
_VOLATILE = re.compile(r"0x[0-9a-fA-F]+|#[0-9]+")  # addresses, lazy object numbers


class ThreadCensus:
    """The OS threads running Python code, watched across the executions of a run.

    A thread shows in ``sys._current_frames`` only once it has taken the
    GIL, which a thread started in the last microseconds of an execution
    may not have done yet: such a thread is reported by the next check, or
    by :meth:`settle`, which waits briefly for it at the end of a run.
    """

    SETTLE_S = 0.01

    def __init__(self):
        self.seen = set(sys._current_frames())

    def check(self, ex):
        """Fail ``ex`` (if it has not failed) when OS threads appeared since the last check."""
        described = self._new()
        if described and ex.failure is None:
            ex.failure = stray_failure(described, ex.steps)

    def settle(self):
        """Give threads started at the very end a moment to show; describe the new ones."""
        _real_sleep(self.SETTLE_S)
        return self._new()

    def _new(self):
        frames = sys._current_frames()
        new = [ident for ident in frames if ident not in self.seen]
        self.seen.update(new)
        return [_describe(ident, frames[ident]) for ident in new]


def _describe(ident, frame):
    real = threading._active.get(ident)   # the stdlib's own registry, never patched
    name = real.name if real is not None else f"OS thread {ident}"
    return f"{name} {stuck_at(frame)}"


def stray_failure(described, step):
    """The ``nondeterminism`` failure for real OS threads started behind the explorer's back."""
    return Failure(
        "nondeterminism",
        f"the target started {len(described)} real OS thread(s) the explorer does not "
        f"control ({'; '.join(described)}): their interleavings are not explored and results "
        "may not repeat; start threads through threading.Thread or ThreadPoolExecutor, which "
        "the explorer replaces while it runs", None, step, {"os_threads": described})


def verify(record, rerun):
    """Replay ``record``'s schedule with ``rerun(schedule) -> record``.

    Returns None when the replay repeats the record, else the replay's record
    carrying a ``nondeterminism`` failure that names the first difference.
    """
    again = rerun(record.schedule)
    difference = _difference(record, again)
    if difference is None:
        return None
    what = record.failure.kind if record.failure is not None else "outcome"
    again.failure = Failure("nondeterminism", f"replaying the schedule of an execution "
                            f"({what}) did not repeat it: {difference}; the program reads "
                            "something the schedule does not fix (random, the clock, id() "
                            "order, I/O, real threads)?", None, again.steps)
    again.failures, again.returned = [again.failure], False
    return again


def _difference(first, again):
    for i, (a, b) in enumerate(zip(first.trace, again.trace)):
        if _step_key(a) != _step_key(b):
            return f"step {i}: first {_step_text(a)}, then {_step_text(b)}"
    if len(first.trace) != len(again.trace):
        n = min(len(first.trace), len(again.trace))
        longer = first if len(first.trace) > n else again
        which = "the first run" if longer is first else "the replay"
        return f"step {n}: only {which} went on, with {_step_text(longer.trace[n])}"
    if _failure_key(first) != _failure_key(again):
        return (f"same {len(first.trace)} steps, then {_end_text(first)} and then "
                f"{_end_text(again)}")
    return None


def _step_key(entry):
    name, op = entry
    return name, op.kind, op.site


def _step_text(entry):
    name, op = entry
    return f"{name} {op.kind} at {short(op.site or ('?', 0))}"


def _failure_key(record):
    f = record.failure
    if f is not None:
        return f.kind, _VOLATILE.sub("?", f.message)
    return "outcome", _VOLATILE.sub("?", bounded_repr(record.outcome))


def _end_text(record):
    kind, text = _failure_key(record)
    return f"{kind} {text}" if kind != "outcome" else f"outcome {text}"
