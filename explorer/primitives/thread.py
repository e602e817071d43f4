"""Thread, Timer, sleep and the module-level functions of ``threading``.

Starting a thread, its first step, ``join``, ``is_alive`` and its exit are
operations; the new thread begins parked, so the strategy decides when it
first runs (as the OS would).
"""
import sys
import threading as _std
import time as _time

from ..runtime import kernel
from ..runtime.ops import ACQUIRE, READ, RELEASE, Op
from ..runtime.roots import name_roots
from ..runtime.sites import _PKG as PACKAGE, caller_site

_IDENT_BASE = 0x7E5700000000
# The originals, bound before any patching: while patched, ``threading.current_thread``,
# ``get_ident`` and ``time.sleep`` are the functions below, and calling them through
# the module from a non-logical thread (the hub, teardown) would recurse forever.
_std_current_thread, _std_main_thread = _std.current_thread, _std.main_thread
_std_enumerate, _std_sleep, _std_get_ident = _std.enumerate, _time.sleep, _std.get_ident


class Thread:
    """``threading.Thread``."""

    def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, *,
                 daemon=None):
        assert group is None, "group argument must be None for now"
        ex = kernel.execution()
        if name is None:
            name = f"Thread-{ex.next_number('Thread') if ex else 0}"
            if target is not None and hasattr(target, "__name__"):
                name += f" ({target.__name__})"
        self._name = str(name)
        self._target, self._args, self._kwargs = target, args, kwargs or {}
        if daemon is None:
            daemon = current_thread().daemon
        self._daemonic = bool(daemon)
        self._started = False
        self._lt = None
        self._site = caller_site()

    def start(self):
        if self._started:
            raise RuntimeError("threads can only be started once")
        ex = kernel.execution()
        if ex is None or kernel.current() is None:
            raise RuntimeError("explorer: a Thread can only start inside an exploration")
        kernel.step(Op("start", self, ((self, RELEASE),)))
        self._started = True
        if len(ex.threads) == 1:  # the first thread: what exists now exists in every execution
            ex.roots = name_roots(sys._getframe(1), PACKAGE)
        self._lt = ex.spawn(self, self._bootstrap, self._name, self._daemonic,
                            site=_run_site(self))

    def _bootstrap(self):
        return self.run()

    def run(self):
        try:
            if self._target is not None:
                self._target(*self._args, **self._kwargs)
        finally:
            del self._target, self._args, self._kwargs

    def join(self, timeout=None):
        if not self._started:
            raise RuntimeError("cannot join thread before it is started")
        if self is current_thread():
            raise RuntimeError("cannot join current thread")
        lt = self._lt
        if timeout is None:
            # untimed: only a happens-before edge; it can never run before the exit
            kernel.step(Op("join", self, ((lt, ACQUIRE),), lambda: lt.finished,
                           waits_for=self))
        else:
            kernel.step(Op("join", self, ((lt, READ | ACQUIRE),), detail="timed",
                           yields=True))

    def is_alive(self):
        if not self._started:
            return False
        kernel.step(Op("is_alive", self, ((self._lt, READ),)))
        return not self._lt.finished

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, value):
        self._name = str(value)
        if self._lt is not None:
            self._lt.name = self._name

    @property
    def ident(self):
        return None if self._lt is None else _IDENT_BASE + self._lt.tid

    native_id = ident

    @property
    def daemon(self):
        return self._daemonic

    @daemon.setter
    def daemon(self, daemonic):
        if self._started:
            raise RuntimeError("cannot set daemon status of active thread")
        self._daemonic = bool(daemonic)

    def isDaemon(self):
        return self.daemon

    def setDaemon(self, daemonic):
        self.daemon = daemonic

    def getName(self):
        return self.name

    def setName(self, name):
        self.name = name

    def __repr__(self):
        status = "initial"
        if self._started:
            status = "stopped" if self._lt.finished else "started"
        if self._daemonic:
            status += " daemon"
        if self.ident is not None:
            status += f" {self.ident}"
        return f"<{type(self).__name__}({self._name}, {status})>"


class MainThread(Thread):
    """The target function's thread, named ``MainThread`` as in CPython."""

    def __init__(self):
        self._name = "MainThread"
        self._daemonic = False
        self._started = True
        self._lt = None
        self._site = ("?", 0)


class Timer(Thread):
    """``threading.Timer``: waits ``interval`` (a yield point), then calls unless cancelled."""

    def __init__(self, interval, function, args=None, kwargs=None):
        super().__init__()
        self.interval = interval
        self.function = function
        self.args = args if args is not None else []
        self.kwargs = kwargs if kwargs is not None else {}
        from .event import Event
        self.finished = Event()

    def cancel(self):
        self.finished.set()

    def run(self):
        self.finished.wait(self.interval)
        if not self.finished.is_set():
            self.function(*self.args, **self.kwargs)
        self.finished.set()


def _run_site(thread):
    fn = thread._target if thread._target is not None else type(thread).run
    code = getattr(fn, "__code__", None)
    return (code.co_filename, code.co_firstlineno) if code else thread._site


def current_thread():
    t = kernel.current()
    if t is None:
        return _std_current_thread()
    return t.obj


def main_thread():
    ex = kernel.execution()
    return ex.threads[0].obj if ex is not None else _std_main_thread()


def enumerate():  # noqa: A001 - the stdlib's name
    ex = kernel.execution()
    if ex is None:
        return _std_enumerate()
    return [t.obj for t in ex.live]


def active_count():
    return len(enumerate())


def get_ident():
    t = kernel.current()
    return _std_get_ident() if t is None else t.obj.ident


def sleep(secs):
    """``time.sleep``: a yield point with no ordering promise (DESIGN.md)."""
    if secs < 0:
        raise ValueError("sleep length must be non-negative")
    if kernel.current() is None:
        return _std_sleep(secs)
    kernel.step(Op("sleep", None, detail=secs, yields=True))
