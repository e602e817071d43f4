"""Event: set and clear write the flag; wait and is_set read it."""
from ..runtime import kernel
from ..runtime.ops import ACQUIRE, READ, RELEASE, WRITE, Op
from .base import Primitive


class Event(Primitive):
    """``threading.Event``."""

    _kind = "Event"

    def _reset(self):
        self._flag = False

    def xp_state(self):
        """The flag (state graphs)."""
        return self._flag

    def _is_flag(self):
        return self._flag

    def is_set(self):
        self._live()
        kernel.step(Op("is_set", self, ((self, READ | ACQUIRE),)))
        return self._flag

    isSet = is_set

    def set(self):
        self._live()
        kernel.step(Op("set", self, ((self, WRITE | RELEASE),)))
        self._flag = True

    def clear(self):
        self._live()
        kernel.step(Op("clear", self, ((self, WRITE),)))
        self._flag = False

    def wait(self, timeout=None):
        self._live()
        if timeout is None:
            # untimed: it can only return after a set, so it does not race with it
            kernel.step(Op("wait", self, ((self, ACQUIRE),), self._is_flag,
                           waits_for=self))
        else:
            kernel.step(Op("wait", self, ((self, READ | ACQUIRE),), detail="timed",
                           yields=True))
        return self._flag

    def __repr__(self):
        return f"<explorer {self.xp_name} {'set' if self._flag else 'unset'}>"
