"""Exhaustive depth-first search over the tree of scheduling choices.

Stateless (CHESS, shuttle ``dfs.rs``): each execution re-runs the target
from scratch following a prefix of the previous one, then branches to the
next untried thread at the deepest choice point that has one.
"""
from .base import Strategy, prefer_current


class DFS(Strategy):
    """Every interleaving, one by one. Sound and complete; exponential."""

    name = "dfs"

    def __init__(self, **_options):
        self._levels = []   # [options, index] per choice point with >1 enabled
        self._depth = 0
        self._started = False

    def begin(self):
        if not self._started:
            self._started = True
            return True
        levels = self._levels
        while levels:
            level = levels[-1]
            level[1] += 1
            if level[1] < len(level[0]):
                break
            levels.pop()
        if not levels:
            self.complete = True
            return False
        self._depth = 0
        return True

    def choose(self, point):
        enabled = point.enabled
        if len(enabled) == 1:
            return enabled[0]
        depth = self._depth
        self._depth = depth + 1
        if depth < len(self._levels):
            options, index = self._levels[depth]
            return options[index]
        options = prefer_current(enabled, point.current)
        self._levels.append([options, 0])
        return options[0]
