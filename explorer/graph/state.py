"""State abstraction: what the program is at a yield point, as a hashable key.

A state is taken when every thread is parked on its next operation, in an
explored execution (the hub calls :meth:`StateRecorder.at_yield_point`
after each step) and in a real threaded run (``explorer.real`` calls the
same code while its one running thread holds the big lock). It is made of

* each thread, in creation order: name, pending operation (kind, line) and
  whether it can run, or ``done``/``raised``; with the locals of its frames
  outside the explorer (code, modules and functions left out; labels show
  only the target file's frames), the value a pending memory write is about
  to store and, once its body returned, its result;
* the state of every primitive an executed operation touched (``xp_state()``
  of locks, semaphores, events, barriers, conditions, queues), keyed by its
  creation order in the execution;
* the target module's data globals (names in UPPER case are constants).

A target may define ``def state(): ...``; its return value then replaces
the locals, primitives and globals (thread positions stay), which keeps
teaching graphs small. Values are frozen into tuples: containers by
content, instances of the target's own classes (and futures) by their
attributes, threads by name, any other object by its type name only (never
its ``id``, which differs between runs).
"""
import sys
import types
from collections import deque
from itertools import islice

from ..instrument import hooks
from ..primitives import futures
from ..primitives.base import Primitive
from ..primitives.thread import Thread
from ..runtime.sites import _PKG, short

MAX_ITEMS = 32
MAX_DEPTH = 4
_CODE = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
         type)
_SCALAR_TYPES = frozenset((type(None), bool, int, float, complex, str, bytes))
# besides the target's own classes, objects shown by their attributes: futures
# hold their result and state there, not in any primitive
_TRANSPARENT = ("concurrent.futures", "explorer.primitives.futures")
# the one explorer module whose frames hold program state (a pool's loops) and
# run unchanged in explored and real runs
_FUTURES = futures.__file__
_HOOKS = hooks.__file__
_NONE = object()
_MARKERS = {list: "[]", tuple: "()", dict: "{}", set: "set", frozenset: "set", deque: "deque"}


class StateRecorder:
    """Record the states one execution passes through, and the steps between them.

    Args:
        module_name: the target module's name in ``sys.modules`` while it runs.
        path: the target's file; frames of this file contribute their locals.

    Attributes:
        keys: the state after each step, the initial state first.
        steps: ``(thread name, op kind, "file.py:LINE")`` of each step.
    """

    def __init__(self, module_name, path):
        self.module_name = module_name
        self.path = path
        # the module of the previous execution is still in sys.modules until the
        # target is loaded again: its globals are not this execution's state
        self.stale = sys.modules.get(module_name) if module_name else None
        self.objects = {}     # id(primitive) -> (creation serial, primitive)
        self.keys = []
        self.steps = []

    def at_yield_point(self, ex):
        """Execution observer: every thread of ``ex`` is parked; take the state."""
        trace = ex.trace
        if len(trace) > len(self.steps):
            tid, op = trace[-1]
            self.executed(ex.threads[tid].name, op)
        self.keys.append(self.state(ex.threads))

    def executed(self, thread_name, op):
        """Note one executed operation (its primitive joins the state)."""
        obj = op.obj
        if isinstance(obj, Primitive):
            self.objects[id(obj)] = (obj._serial, obj)
        self.steps.append((thread_name, op.kind, short(op.site) if op.site else "?"))

    def state(self, threads):
        """The state key of ``threads`` (LogicalThread-like: name, pending, finished)."""
        module = sys.modules.get(self.module_name) if self.module_name else None
        if module is self.stale:
            module = None
        projection = module.__dict__.get("state") if module is not None else None
        if not isinstance(projection, types.FunctionType):
            projection = None
        freeze = freezer(self.module_name)
        positions = tuple(self._thread(t, freeze, projection is None) for t in threads)
        if projection is not None:
            return (positions, ("state", _project(projection, freeze)))
        prims = tuple((o._kind, serial, freeze(o.xp_state()))
                      for serial, o in sorted(self.objects.values(), key=_first))
        return (positions, prims, _globals(module, freeze))

    def _thread(self, t, freeze, with_locals):
        returned = () if t.result is None else (
            ("<return>", 0, (("value", freeze(t.result)),), True),)
        if t.finished:
            return (t.name, "done", returned)
        op = t.pending
        if op is None:
            return (t.name, "raised", ())
        ready = op.ready is None or bool(op.ready())
        site = op.site or ("?", 0)
        where = site[1] if site[0] == self.path else short(site)
        if not with_locals:
            return (t.name, op.kind, where, ready)
        return (t.name, op.kind, where, ready, self._frames(t, freeze) + returned)

    def _frames(self, t, freeze):
        glet = getattr(t, "glet", None)
        f = glet.gr_frame if glet is not None else getattr(t, "frame", None)
        frames = []
        while f is not None:
            code = f.f_code
            name = code.co_filename
            if name == _HOOKS:   # a value about to be stored lives only here
                value = f.f_locals.get("value", _NONE)
                if value is not _NONE:
                    frames.append((code.co_name, 0, (("value", freeze(value)),), False))
            elif (not name.startswith(_PKG) or name == _FUTURES) and code.co_name != "<module>":
                frames.append((code.co_name, f.f_lineno, _locals(f.f_locals, freeze),
                               name == self.path))
            f = f.f_back
        return tuple(reversed(frames))


def _first(pair):
    return pair[0]


def _locals(names, freeze):
    return tuple((k, freeze(v)) for k, v in names.items()
                 if not isinstance(v, _CODE) and k[:2] != "__")


def _globals(module, freeze):
    if module is None:
        return ()
    return tuple((k, freeze(v)) for k, v in module.__dict__.items()
                 if k[:1] != "_" and not k.isupper() and not isinstance(v, _CODE))


def _project(fn, freeze):
    try:
        return freeze(fn())
    except Exception as exc:  # noqa: BLE001 - a broken projection is shown, not fatal
        return ("<>", f"state() raised {type(exc).__name__}")


def freezer(module_name):
    """Return ``freeze(value)``: a hashable, id-free image of ``value``.

    Containers become ``(marker, items)`` with markers ``[]``, ``()``,
    ``{}``, ``set``, ``deque``; the target's own objects ``("obj", class,
    attributes)``; anything else ``("<>", type name)``. One freezer serves
    one state: an object seen from several frames is frozen once.
    """
    memo = {}

    def freeze(value, depth=0):
        cls = type(value)
        if cls in _SCALAR_TYPES:
            return value
        done = memo.get(id(value))
        if done is not None:
            return done[1]
        frozen = _freeze(value, cls, depth)
        memo[id(value)] = (value, frozen)   # holding value keeps its id from being reused
        return frozen

    def _freeze(value, cls, depth):
        if isinstance(value, Primitive):
            return ("<>", value._kind)
        if isinstance(value, Thread):
            return ("<>", "Thread", value.name)   # names are stable; ids are not
        if depth >= MAX_DEPTH:
            return ("<>", cls.__name__)
        depth += 1
        marker = _MARKERS.get(cls) or next(
            (m for base, m in _MARKERS.items() if isinstance(value, base)), None)
        if marker == "{}":
            return ("{}", tuple((freeze(k, depth), freeze(v, depth))
                                for k, v in islice(value.items(), MAX_ITEMS)))
        if marker == "set":
            return ("set", frozenset(freeze(x, depth) for x in islice(value, MAX_ITEMS)))
        if marker is not None:
            return (marker, tuple(freeze(x, depth) for x in islice(value, MAX_ITEMS)))
        attrs = getattr(value, "__dict__", None)
        if isinstance(attrs, dict) and (cls.__module__ == module_name
                                        or cls.__module__.startswith(_TRANSPARENT)):
            return ("obj", cls.__name__, tuple((k, freeze(v, depth))
                                               for k, v in islice(attrs.items(), MAX_ITEMS)))
        return ("<>", cls.__name__)

    return freeze


def show(value):
    """Format a frozen value for a node label."""
    if not isinstance(value, tuple):
        return repr(value)
    marker = value[0]
    if marker == "<>":
        return value[-1]
    if marker == "obj":
        return f"{value[1]}(" + ", ".join(f"{k}={show(v)}" for k, v in value[2]) + ")"
    if marker == "{}":
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value[1]) + "}"
    items = ", ".join(show(v) for v in value[1])
    return {"[]": f"[{items}]", "()": f"({items}{',' if len(value[1]) == 1 else ''})",
            "set": "{" + items + "}", "deque": f"deque([{items}])"}.get(marker, repr(value))


def _opaque(value):
    """True for values that say nothing in a label (objects shown by type only)."""
    if not isinstance(value, tuple):
        return False
    if value[0] == "<>":
        return True
    return value[0] in ("[]", "()") and bool(value[1]) and all(_opaque(v) for v in value[1])


def describe(key):
    """A readable multi-line label for a state key."""
    positions, *rest = key
    lines = [_position(p) for p in positions]
    if rest and rest[0] and rest[0][0] == "state":
        lines.append("state: " + show(rest[0][1]))
        return "\n".join(lines)
    prims, globs = rest
    names = [p[0] for p in positions]
    for kind, serial, value in prims:
        lines.append(f"{kind}#{serial}: {_primitive(kind, value, names)}")
    lines.extend(f"{k} = {show(v)}" for k, v in globs if not _opaque(v))
    return "\n".join(lines)


def _primitive(kind, value, names):
    if kind == "Lock":
        return _owner(value, names)
    if kind == "RLock":
        owner, count = value[1]
        return _owner(owner, names) + (f" x{count}" if count > 1 else "")
    return show(value)


def _owner(tid, names):
    if tid is None:
        return "free"
    return f"held by {names[tid]}" if 0 <= tid < len(names) else "held"


def _position(pos):
    name = pos[0]
    if len(pos) == 3:
        text, frames = f"{name}: {pos[1]}", pos[2]
    else:
        where = "" if pos[2] == "?:0" else f" @{pos[2]}"
        text = f"{name}: {pos[1]}{where}" + ("" if pos[3] else " (blocked)")
        frames = pos[4] if len(pos) > 4 else ()
    shown = [f"{k}={show(v)}" for _fn, _line, names, mine in frames if mine
             for k, v in names if not _opaque(v)]
    return text + (" [" + ", ".join(shown) + "]" if shown else "")
