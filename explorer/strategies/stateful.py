"""Stateful depth-first search: an execution stops at a state already reached.

The DFS of ``dfs.py`` over the tree of choices, with a set of visited states
(SPIN's and Java PathFinder's state matching, done over re-executions): past
the replayed prefix, a choice point whose state an earlier execution reached
prunes the execution, because that state's futures were or will be explored
from its first visit. Every reachable state and every transition is still
explored once, so deadlocks, assertion failures, exceptions and final
outcomes are all found, in about as many executions as the state graph has
transitions instead of one per interleaving.

What makes it sound is a state that fixes the future:

* the runtime hands the state key in ``point.state`` and None when the key
  leaves something out (an object shown by its type only, a container cut
  short, a model's own ``state()`` projection): such points are never
  matched;
* the key is paired with how many steps each thread has taken, which tells
  apart loop iterations that look alike but keep different positions in an
  iterator no frame shows (``for x in [1, 1]``).

Findings about a path rather than a state (lost update, data race, lock
order) are checked on the executions run, which cover every transition but
not every path; ``dpor`` (the default) covers every path up to equivalence.
"""
from .dfs import DFS


class Stateful(DFS):
    """Every reachable state and transition, each explored from its first visit."""

    name = "stateful"
    needs_states = True   # the runtime must take the state at every yield point

    def __init__(self, **_options):
        super().__init__()
        self.visited = set()
        self._new = []        # states first reached by the running execution
        self._counts = []     # steps taken by each thread (by tid) in it
        self.unmatched = 0    # points with an inexact state, never matched

    def begin(self):
        self.visited.update(self._new)
        self._new = []
        self._counts = []
        return super().begin()

    def choose(self, point):
        counts = self._counts
        if self._depth >= len(self._levels):   # past the replayed prefix
            if point.state is None:
                self.unmatched += 1
            else:
                key = (point.state, tuple(counts))
                if key in self.visited:
                    return None
                self._new.append(key)
        tid = super().choose(point)
        if tid >= len(counts):
            counts.extend([0] * (tid + 1 - len(counts)))
        counts[tid] += 1
        return tid

    def stats(self):
        stats = {"visited_states": len(self.visited) + len(self._new)}
        if self.unmatched:
            stats["unmatched_points"] = self.unmatched
        return stats
