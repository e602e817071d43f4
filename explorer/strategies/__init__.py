"""Strategies choose; they never touch threads.

Each strategy answers ``choose(point)`` with a thread id from
``point.enabled``. The runtime records every answer, so a run of any
strategy replays through :class:`~explorer.strategies.replay.Replay`.
"""
from .dfs import DFS
from .dpor import DPOR
from .replay import Replay

STRATEGIES = {"dpor": DPOR, "dfs": DFS}


def make(name, **options):
    """Build a strategy by its command-line name."""
    return STRATEGIES[name](**options)


__all__ = ["DFS", "DPOR", "Replay", "STRATEGIES", "make"]
