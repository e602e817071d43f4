"""explorer: a deterministic interleaving explorer for Python threading code.

    >>> import explorer
    >>> result = explorer.explore("models/race.py")
    >>> record = explorer.replay("models/race.py", result.to_json()["outcomes"][0]["schedule"])

In a test suite: ``@explorer.explore_test(...)`` on a test, and the
``@explorer.reproduce("ex1...")`` line a failure prints (see pytest_plugin).
"""
from .api import explore, replay
from .errors import BadInput, BadSchedule, BadTarget, Divergence, ExplorerError
from .pytest_plugin import explore_test, reproduce
from .result import ExecutionRecord, Result

__all__ = ["explore", "replay", "explore_test", "reproduce", "Result", "ExecutionRecord",
           "ExplorerError", "BadInput", "BadTarget", "BadSchedule", "Divergence"]
