"""Errors the user can cause (exit status 2) and the explorer's own bugs."""


class ExplorerError(Exception):
    """Base of the explorer's errors."""


class BadInput(ExplorerError):
    """Bad target, schedule or option: a one-line message, exit status 2."""


class BadTarget(BadInput):
    """The target cannot be found or loaded."""


class BadSchedule(BadInput):
    """The schedule string is malformed or belongs to another target."""


class Divergence(ExplorerError):
    """On replay the program did not offer the choice the schedule recorded."""


def internal(message):
    """An invariant of the explorer broke: say so plainly."""
    return AssertionError(f"[explorer internal bug] {message}")
