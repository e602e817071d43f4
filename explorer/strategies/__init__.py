"""Strategies choose; they never touch threads.

Each strategy answers ``choose(point)`` with a thread id from
``point.enabled``. The runtime records every answer, so a run of any
strategy replays through :class:`~explorer.strategies.replay.Replay`.
"""
from .bounded import Bounded
from .dfs import DFS
from .dpor import DPOR
from .randomized import PCT, Random
from .replay import Replay
from .stateful import Stateful

STRATEGIES = {"dpor": DPOR, "dfs": DFS, "stateful": Stateful, "bounded": Bounded, "random": Random,
              "pct": PCT}


def make(name, **options):
    """Build a strategy by its command-line name."""
    return STRATEGIES[name](**options)


__all__ = ["Bounded", "DFS", "DPOR", "PCT", "Random", "Replay", "STRATEGIES", "Stateful", "make"]
