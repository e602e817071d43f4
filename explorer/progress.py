"""A one-line progress display for long explorations, on a terminal only.

``api.explore(..., progress=...)`` calls the display after every execution;
it redraws at most ten times a second, starts only after half a second (a
quick exploration prints nothing) and erases itself when done, so the
report that follows is unchanged. Colour follows the NO_COLOR convention
(https://no-color.org): any non-empty NO_COLOR turns it off.
"""
import os
import re
import sys
import time

_RED, _DIM, _RESET = "\033[31m", "\033[2m", "\033[0m"
_ANSI = re.compile("\033\\[[0-9;]*m")


class Progress:
    """Callable progress line: executions, states, rate, elapsed, budget left.

    Args:
        stream: where to draw (a terminal).
        max_executions, max_seconds: the budgets, to show what is left.
        color: use ANSI colours.
    """

    def __init__(self, stream, max_executions=None, max_seconds=None, color=True,
                 delay=0.5, interval=0.1):
        self.stream = stream
        self.max_executions = max_executions
        self.max_seconds = max_seconds
        self.color = color
        self.started = time.monotonic()
        self.next_draw = self.started + delay
        self.interval = interval
        self.width = 0

    def __call__(self, result):
        now = time.monotonic()
        if now < self.next_draw:
            return
        self.next_draw = now + self.interval
        self._draw(status_line(result, now - self.started, self.max_executions,
                               self.max_seconds, self.color))

    def _draw(self, text):
        visible = len(_ANSI.sub("", text))
        pad = max(0, self.width - visible)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self.width = visible

    def close(self):
        """Erase the line (if one was drawn)."""
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def status_line(result, elapsed, max_executions=None, max_seconds=None, color=False):
    """The progress text for ``result`` after ``elapsed`` seconds."""
    n = result.executions
    rate = n / elapsed if elapsed > 0 else 0.0
    parts = [f"explorer: {n:,} executions", f"{len(result.states):,} states",
             f"{rate:,.0f}/s", f"{elapsed:.1f} s"]
    left = []
    if max_executions is not None:
        left.append(f"{max(0, max_executions - n):,} executions")
    if max_seconds is not None:
        left.append(f"{max(0.0, max_seconds - elapsed):.1f} s")
    if left:
        parts.append("left: " + " / ".join(left))
    text = "  ".join(parts)
    found = len(result.failures)
    if found:
        failures = f"  {found} failure{'s' if found > 1 else ''} found"
        text += f"{_RED}{failures}{_RESET}" if color else failures
    return f"{_DIM}{text}{_RESET}" if color and not found else text


def for_terminal(stream=None, quiet=False, **budgets):
    """A Progress when ``stream`` (default stderr) is a terminal and not ``quiet``, else None."""
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    if quiet or isatty is None or not isatty():
        return None
    return Progress(stream, color=not os.environ.get("NO_COLOR"), **budgets)
