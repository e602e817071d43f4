"""explorer: a deterministic interleaving explorer for Python threading code.

    >>> import explorer
    >>> result = explorer.explore("models/race.py")
    >>> record = explorer.replay("models/race.py", result.to_json()["outcomes"][0]["schedule"])
"""
from .api import explore, replay
from .errors import BadInput, BadSchedule, BadTarget, Divergence, ExplorerError

__all__ = ["explore", "replay", "ExplorerError", "BadInput", "BadTarget", "BadSchedule",
           "Divergence"]
