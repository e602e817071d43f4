"""The strategy protocol (after shuttle's ``Scheduler`` trait).

A strategy drives a sequence of executions:

* ``begin()`` -> bool: start the next execution, or return False when done.
* ``choose(point)`` -> tid: pick one of ``point.enabled`` (called at every
  step, even when only one thread can run, so a strategy can follow its
  own position). Returning None prunes the execution.
* ``end(execution_view)``: the execution is over. The view carries
  ``final`` (the last ChoicePoint: who was still pending on what).
* ``complete``: True once every execution it set out to cover was run.
"""


class Strategy:
    """Base class with no-op hooks; see the module docstring."""

    name = "?"
    complete = False

    def begin(self):
        raise NotImplementedError

    def choose(self, point):
        raise NotImplementedError

    def end(self, execution):
        """Hook: an execution finished (default: nothing to learn)."""

    def stats(self):
        """Extra figures for the result (additive JSON fields)."""
        return {}


def prefer_current(enabled, current):
    """Enabled tids with the current thread first: no preemption comes first."""
    if current in enabled and enabled[0] != current:
        return [current] + [t for t in enabled if t != current]
    return list(enabled)
