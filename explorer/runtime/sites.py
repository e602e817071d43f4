"""Source locations of operations: the first frame outside the explorer."""
import os
import sys

_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_STDLIB = os.path.dirname(os.__file__) + os.sep


def caller_site():
    """Return ``(filename, lineno)`` of the innermost frame in user code.

    Frames of the explorer are skipped; so are standard-library frames when a
    user frame lies further out (a Future's condition is the user's
    ``future.result()`` call, not ``_base.py``).
    """
    f = sys._getframe(2)
    fallback = None
    while f is not None:
        name = f.f_code.co_filename
        if not name.startswith(_PKG):
            if not name.startswith(_STDLIB):
                return name, f.f_lineno
            if fallback is None:
                fallback = (name, f.f_lineno)
        f = f.f_back
    return fallback or ("?", 0)


def short(site):
    """Format a site as ``file.py:LINE``."""
    name, line = site
    return f"{os.path.basename(name)}:{line}"
