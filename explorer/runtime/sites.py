"""Source locations of operations: the first frame outside the explorer."""
import os
import sys

_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_STDLIB = os.path.dirname(os.__file__) + os.sep
# id(code) -> (code, 0 user code | 1 stdlib | 2 explorer), cached: this is the hot
# path. Keyed by id: a code object hashes its whole body; the entry holds the code, so
# the id stays its own. Bounded: code made at run time (namedtuple, dataclasses) is
# new in every execution.
_KIND = {}
_KIND_LIMIT = 10_000


def _kind(code):
    name = code.co_filename
    kind = 2 if name.startswith(_PKG) else 1 if name.startswith(_STDLIB) else 0
    if len(_KIND) >= _KIND_LIMIT:
        _KIND.clear()
    _KIND[id(code)] = (code, kind)
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
        kind = kinds.get(id(code))
        kind = _kind(code) if kind is None else kind[1]
        if kind == 0:
            return code.co_filename, f.f_lineno
        if kind == 1 and fallback is None:
            fallback = (code.co_filename, f.f_lineno)
        f = f.f_back
    return fallback or ("?", 0)


_SHORT = {}  # site -> "file.py:LINE" (a trace formats the same few sites again and again)
_SHORT_LIMIT = 100_000


def short(site):
    """Format a site as ``file.py:LINE``."""
    text = _SHORT.get(site)
    if text is None:
        name, line = site
        text = f"{os.path.basename(name)}:{line}"
        if len(_SHORT) >= _SHORT_LIMIT:
            _SHORT.clear()
        _SHORT[site] = text
    return text
