"""Follow a recorded schedule exactly, and say where a program stops matching it."""
from ..errors import Divergence
from .base import Strategy, prefer_current


class Replay(Strategy):
    """Replay the choices of one schedule (one execution).

    Args:
        choices: thread ids at each step where more than one thread could run.
        names: optional callable tid -> thread name, for divergence messages.
    """

    name = "replay"

    def __init__(self, choices, names=None):
        self._choices = list(choices)
        self._pos = 0
        self._ran = False
        self._names = names or (lambda tid: f"thread #{tid}")
        self.diverged = None

    def begin(self):
        if self._ran:
            self.complete = True
            return False
        self._ran = True
        return True

    def choose(self, point):
        enabled = point.enabled
        if len(enabled) == 1:
            return enabled[0]
        if self._pos >= len(self._choices):
            self.diverged = (f"step {point.step}: the schedule ended but the program "
                             f"went on (enabled: {self._describe(enabled)})")
            return prefer_current(enabled, point.current)[0]
        tid = self._choices[self._pos]
        self._pos += 1
        if tid not in enabled:
            raise Divergence(f"step {point.step}: the schedule says {self._names(tid)} runs, "
                             f"but only {self._describe(enabled)} can run")
        return tid

    @property
    def leftover(self):
        """Choices the program never asked for (it ended early)."""
        return len(self._choices) - self._pos

    def _describe(self, tids):
        return ", ".join(self._names(t) for t in tids)
