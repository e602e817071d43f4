"""Watchdog: a step that never gives control back must not hang the explorer.

A logical thread gives control back only at a yield point. A loop with no
yield point (``while True: pass``) or a call the explorer does not control
(a socket ``recv``, ``subprocess.wait``, a real OS lock acquired twice)
would hold the one OS thread forever. A real OS thread watches the active
execution; when one step has run longer than ``step_timeout`` seconds it
reads the stuck frame (``sys._current_frames``) and sends SIGINT to the main
thread. The handler raises :class:`StepTimeout` in the stuck logical thread,
and the runtime reports a ``step-limit`` failure naming the thread and the
line. A real signal, unlike ``_thread.interrupt_main``, also breaks blocking
system calls (PEP 475: the call is retried only if the handler returns).

The same handler turns the user's Ctrl-C into a clean stop after the
current execution. Off the main OS thread Python has no signal handlers:
there the watchdog is off and Ctrl-C is Python's default.
"""
import _thread
import contextlib
import linecache
import os
import signal
import sys
import time

from greenlet import getcurrent

from .runtime import kernel
from .runtime.sites import _PKG, short

DEFAULT_STEP_TIMEOUT = 10.0


class StepTimeout(BaseException):
    """Raised inside a logical thread whose step ran too long (not an Exception:
    ``except Exception`` in the target must not swallow it)."""

    failure_kind = "step-limit"


class Watchdog:
    """Ctrl-C flag and hang detector for one exploration (see the module docstring)."""

    def __init__(self, step_timeout):
        self.step_timeout = step_timeout
        self.interrupted = False
        self.hangs = 0            # StepTimeouts raised so far
        self.ident = None         # the watchdog's OS thread
        self._main = _thread.get_ident()
        self._alarm = None        # (execution, step, message) the last alarm is for
        self._stop = _thread.allocate_lock()
        self._stop.acquire()
        self._done = _thread.allocate_lock()

    def start(self):
        """Start the watching thread; return once it runs (so it is no stray thread)."""
        self._done.acquire()
        running = _thread.allocate_lock()
        running.acquire()
        self.ident = _thread.start_new_thread(self._watch, (running,))
        running.acquire()

    def stop(self):
        self._stop.release()
        with self._done:          # the thread has left _watch
            pass

    def _watch(self, running):
        running.release()
        try:
            poll = min(0.25, self.step_timeout / 5)
            seen, since = None, time.monotonic()
            while not self._stop.acquire(timeout=poll):
                ex = kernel.execution()
                mark = (ex, ex.steps) if ex is not None and ex.running is not None else None
                now = time.monotonic()
                if mark != seen:
                    seen, since = mark, now
                elif mark is not None and now - since >= self.step_timeout:
                    self._fire(ex, mark[1])
                    since = now   # still stuck (the target swallowed it): fire again later
        finally:
            self._done.release()

    def _fire(self, ex, step):
        running = ex.running
        frame = sys._current_frames().get(self._main)
        if running is None or frame is None:
            return
        message = (f"{running.name} made no progress for {self.step_timeout:g} s within one "
                   f"step, {stuck_at(frame)}: a call the explorer does not control (I/O, a "
                   "subprocess, a real OS lock) or a loop with no yield point "
                   "(raise --step-timeout if the step is only slow)")
        self._alarm = (ex, step, message)
        signal.pthread_kill(self._main, signal.SIGINT)

    def on_sigint(self, signum, frame):
        """SIGINT: the watchdog's alarm for the current step, or the user's Ctrl-C."""
        alarm, self._alarm = self._alarm, None
        if alarm is None:
            self.interrupted = True
            return
        ex, step, message = alarm
        running = ex.running
        if (kernel.execution() is ex and ex.steps == step and running is not None
                and running.glet is getcurrent()):
            self.hangs += 1
            raise StepTimeout(message)


def stuck_at(frame):
    """Describe where a frame stack stands: the user's line and the innermost call."""
    inner = frame
    user = None
    while frame is not None:
        name = frame.f_code.co_filename
        if user is None and not name.startswith(_PKG) and not name.startswith(_STDLIB):
            user = frame
        frame = frame.f_back
    text = "at " + _frame_text(user or inner)
    if user is not None and inner is not user:
        text += f" (innermost: {inner.f_code.co_name} at {_frame_text(inner)})"
    return text


def _frame_text(frame):
    site = (frame.f_code.co_filename, frame.f_lineno)
    line = linecache.getline(*site).strip()
    return f"{short(site)} `{line[:80]}`" if line else short(site)


_STDLIB = os.path.dirname(os.__file__) + os.sep


@contextlib.contextmanager
def watching(step_timeout=DEFAULT_STEP_TIMEOUT):
    """Install the SIGINT handler and start the watchdog for an exploration.

    ``step_timeout`` None or 0 keeps the Ctrl-C handling and turns the
    hang detection off.
    """
    dog = Watchdog(step_timeout)
    try:
        previous = signal.signal(signal.SIGINT, dog.on_sigint)
    except ValueError:  # not the main OS thread: no signal handlers here
        yield dog
        return
    try:
        if step_timeout:
            dog.start()
        yield dog
    finally:
        if dog.ident is not None:
            dog.stop()
        signal.signal(signal.SIGINT, previous)
