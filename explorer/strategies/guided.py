"""Follow a list of choices where it can, then run without preemptions.

The shrinker's probe: a candidate schedule may no longer fit the program
once an earlier choice changed, so a choice that is not enabled is skipped
instead of failing, and past the end the current thread keeps running.
"""
from .base import Strategy, prefer_current


class Guided(Strategy):
    """One execution steered by ``choices``, non-preemptive by default."""

    name = "guided"

    def __init__(self, choices):
        self._choices = list(choices)
        self._ran = False

    def begin(self):
        if self._ran:
            return False
        self._ran = True
        return True

    def choose(self, point):
        enabled = point.enabled
        if len(enabled) == 1:
            return enabled[0]
        while self._choices:
            tid = self._choices.pop(0)
            if tid in enabled:
                return tid
        return prefer_current(enabled, point.current)[0]
