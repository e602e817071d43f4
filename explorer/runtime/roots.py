"""Names for the objects that exist before the first thread starts.

Until the first ``Thread.start`` only the main thread runs, so every
execution of a target builds the same objects in the same order. Naming
them by their position in a walk from the starter's frames gives names that
mean the same object in every execution; DPOR uses them to compare steps
recorded in one execution with steps of another (``strategies/wakeup.py``).
Objects made later get no name here.
"""
import types
from itertools import islice

_SCALARS = (int, float, complex, str, bytes, bool, type(None))
_OPAQUE = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType,
           types.MethodType, types.CodeType, types.FrameType, set, frozenset)
LIMIT = 5000


def name_roots(frame, package_prefix):
    """``{id(obj): (name, obj)}`` for objects reachable from the user's frames.

    Walks breadth-first from the locals of every frame outside the explorer
    package (innermost first) and the first such frame's globals, into
    lists, tuples, dicts and instance attributes, up to ``LIMIT`` objects
    (and ``LIMIT`` items of any one container).
    Sets are not entered: their order follows ``id()``, which differs
    between executions. The objects are kept alive with their names, so an
    ``id`` is never reused for something else.
    """
    starts = []
    while frame is not None:
        if not frame.f_code.co_filename.startswith(package_prefix):
            if not starts:
                starts.append(frame.f_globals)
            starts.append(dict(frame.f_locals))   # 3.13: a proxy, not a dict
        frame = frame.f_back
    names = {}
    queue = list(reversed(starts))
    for start in queue:
        names.setdefault(id(start), (len(names), start))
    for obj in queue:
        if len(names) >= LIMIT:
            break
        for child in islice(_children(obj), LIMIT):
            if isinstance(child, _SCALARS) or isinstance(child, _OPAQUE):
                continue
            if id(child) not in names and len(names) < LIMIT:
                names[id(child)] = (len(names), child)
                queue.append(child)
    return names


def _children(obj):
    if type(obj) is dict:
        return obj.values()
    if type(obj) in (list, tuple):
        return obj
    try:  # not getattr: a class's own __getattribute__ would run target code
        attrs = object.__getattribute__(obj, "__dict__")
    except (AttributeError, TypeError):
        return ()
    return attrs.values() if type(attrs) is dict else ()
