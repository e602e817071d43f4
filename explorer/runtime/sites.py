"""Source locations of operations: the first frame outside the explorer."""
import os
import sys

_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_STDLIB = os.path.dirname(os.__file__) + os.sep
_KIND = {}  # code object -> 0 user code, 1 stdlib, 2 explorer (cached: this is the hot path)


def _kind(code):
    name = code.co_filename
    kind = 2 if name.startswith(_PKG) else 1 if name.startswith(_STDLIB) else 0
    _KIND[code] = kind
    return kind


def caller_site():
    """Return ``(filename, lineno)`` of the innermost frame in user code.

    Frames of the explorer are skipped; so are standard-library frames when a
    user frame lies further out (a Future's condition is the user's
    ``future.result()`` call, not ``_base.py``).
    """
    f = sys._getframe(2)
    fallback = None
    kinds = _KIND
    while f is not None:
        code = f.f_code
        kind = kinds.get(code)
        if kind is None:
            kind = _kind(code)
        if kind == 0:
            return code.co_filename, f.f_lineno
        if kind == 1 and fallback is None:
            fallback = (code.co_filename, f.f_lineno)
        f = f.f_back
    return fallback or ("?", 0)


def short(site):
    """Format a site as ``file.py:LINE``."""
    name, line = site
    return f"{os.path.basename(name)}:{line}"
