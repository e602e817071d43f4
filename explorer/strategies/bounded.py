"""Preemption bounding (CHESS: Musuvathi and Qadeer, PLDI 2007).

Most concurrency bugs need very few preemptions (switching away from a
thread that could have gone on). This DFS only takes schedules with at most
``preemption_bound`` preemptions, trying non-preemptive choices first, so
the simplest schedules come first; ``complete`` is true only when the bound
cut nothing off.
"""
from .base import prefer_current
from .dfs import DFS


class Bounded(DFS):
    """Every interleaving with at most ``preemption_bound`` preemptions."""

    name = "bounded"

    def __init__(self, preemption_bound=2, **_options):
        super().__init__()
        self.bound = preemption_bound
        self._cut = False
        self._used = 0          # preemptions along the current execution
        self.max_used = 0

    def begin(self):
        more = super().begin()
        if not more:
            self.complete = not self._cut
        self._used = 0
        return more

    def choose(self, point):
        enabled = point.enabled
        current = point.current
        if len(enabled) > 1:
            depth = self._depth
            if depth >= len(self._levels):
                options = prefer_current(enabled, current)
                budget = self.bound - self._used
                allowed = [t for t in options if budget > 0 or not _preempts(t, current, enabled)]
                if len(allowed) < len(options):
                    self._cut = True
                self._levels.append([allowed, 0])
        tid = super().choose(point)
        if len(enabled) > 1 and _preempts(tid, current, enabled):
            self._used += 1
            self.max_used = max(self.max_used, self._used)
        return tid

    def stats(self):
        return {"preemption_bound": self.bound, "preemptions_reached": self.max_used}


def _preempts(tid, current, enabled):
    return current is not None and current in enabled and tid != current
