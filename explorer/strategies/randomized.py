"""Randomized strategies for programs too big to exhaust: uniform random and PCT.

PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte: "A randomized scheduler
with probabilistic guarantees of finding bugs", ASPLOS 2010) gives threads
random priorities, always runs the highest-priority enabled thread, and
lowers the running thread's priority at ``depth - 1`` random steps: a bug of
depth d is found with probability at least 1/(n k^(d-1)) per execution.
Both are seeded; every execution replays from its schedule like any other.
"""
import random

from .base import Strategy

DEFAULT_EXECUTIONS = 1000


class Random(Strategy):
    """Pick a uniformly random enabled thread at every step."""

    name = "random"

    def __init__(self, seed=0, executions=DEFAULT_EXECUTIONS, **_options):
        self.seed = seed
        self._rng = random.Random(seed)
        self._left = executions

    def begin(self):
        if self._left <= 0:
            return False
        self._left -= 1
        return True

    def choose(self, point):
        enabled = point.enabled
        return enabled[0] if len(enabled) == 1 else self._rng.choice(enabled)

    def stats(self):
        return {"seed": self.seed}


class PCT(Random):
    """Probabilistic concurrency testing with bug depth ``depth`` (default 3)."""

    name = "pct"

    def __init__(self, seed=0, executions=DEFAULT_EXECUTIONS, depth=3, **_options):
        super().__init__(seed, executions)
        self.depth = depth
        self._length = 50       # estimate of steps per execution, learnt as we go

    def begin(self):
        if not super().begin():
            return False
        rng = self._rng
        self._priority = {}
        self._changes = sorted(rng.sample(range(1, self._length + 1),
                                          min(self.depth - 1, self._length)))
        self._low = self.depth - 1      # next priority given at a change point
        return True

    def choose(self, point):
        priority = self._priority
        for tid in point.enabled:
            if tid not in priority:     # new thread: a random rank above the change points
                priority[tid] = self.depth + self._rng.random() * 1000
        if self._changes and point.step >= self._changes[0] and point.current in priority:
            self._changes.pop(0)
            priority[point.current] = self._low
            self._low -= 1
        return max(point.enabled, key=priority.__getitem__)

    def end(self, execution):
        self._length = max(self._length, execution.steps)

    def stats(self):
        return {"seed": self.seed, "pct_depth": self.depth}
