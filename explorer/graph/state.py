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
teaching graphs small. Values are frozen: containers by content,
instances of the target's own classes (and futures) by their attributes,
threads by name, any other object by its type name only (never its ``id``,
which differs between runs).

A key is one flat tuple: the nested tuple ``(a, (b, c))`` is written
``OPEN a OPEN b c CLOSE CLOSE`` (:func:`nested` reads it back; a set stays
one frozenset atom). The encoding is one-to-one and keeps the atoms, so two
keys are equal exactly when the nested tuples are; but a flat tuple of atoms
is hashed without recursion and CPython stops tracking it at its first
garbage collection, where a nested key loses one level per collection: a
graph of nested keys made every full collection walk all of them (half the
cost of a step).
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
_CODE_TYPES = frozenset(_CODE)   # the exact types: a set lookup, before isinstance
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
# Never atoms of a key: freeze shows both by their type's name.
OPEN, CLOSE = ..., NotImplemented
_CLOSE2 = (CLOSE, CLOSE)


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
        self._by_serial = ()  # objects.values() sorted by serial, redone when one joins
        self._named = {}      # class -> how its instances are frozen (see _named)
        self._data_names = ((), ())   # the module's names, then those that may hold data
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
        if isinstance(obj, Primitive) and id(obj) not in self.objects:
            self.objects[id(obj)] = (obj._serial, obj)
            self._by_serial = sorted(self.objects.values(), key=_first)
        self.steps.append((thread_name, op.kind, short(op.site) if op.site else "?"))

    def state(self, threads):
        """The state key of ``threads`` (LogicalThread-like: name, pending, finished)."""
        module = sys.modules.get(self.module_name) if self.module_name else None
        if module is self.stale:
            module = None
        projection = module.__dict__.get("state") if module is not None else None
        if not isinstance(projection, types.FunctionType):
            projection = None
        freeze = _Freezer(self.module_name, self._named).freeze
        out = [OPEN, OPEN]
        for t in threads:
            self._thread(t, freeze, projection is None, out)
        out.append(CLOSE)
        if projection is not None:
            out += (OPEN, "state")
            _project(projection, freeze, out)
            out += _CLOSE2
            return tuple(out)
        out.append(OPEN)
        for serial, o in self._by_serial:
            out += (OPEN, o._kind, serial)
            freeze(o.xp_state(), out)
            out.append(CLOSE)
        out.append(CLOSE)
        self._globals(module, freeze, out)
        out.append(CLOSE)
        return tuple(out)

    def _thread(self, t, freeze, with_locals, out):
        """``(name, "done", returned)``, ``(name, "raised", ())``, ``(name, kind,
        where, ready)`` or ``(name, kind, where, ready, frames + returned)``."""
        returned = None   # frozen first, placed last: the memo sees values in this order
        if t.result is not None:
            returned = [OPEN, "<return>", 0, OPEN, OPEN, "value"]
            freeze(t.result, returned)
            returned += (CLOSE, CLOSE, True, CLOSE)
        if t.finished:
            out += (OPEN, t.name, "done", OPEN)
            out += returned or ()
            out += _CLOSE2
            return
        op = t.pending
        if op is None:
            out += (OPEN, t.name, "raised", OPEN, CLOSE, CLOSE)
            return
        ready = op.ready is None or bool(op.ready())
        site = op.site or ("?", 0)
        where = site[1] if site[0] == self.path else short(site)
        if not with_locals:
            out += (OPEN, t.name, op.kind, where, ready, CLOSE)
            return
        out += (OPEN, t.name, op.kind, where, ready, OPEN)
        self._frames(t, freeze, out)
        out += returned or ()
        out += _CLOSE2

    def _globals(self, module, freeze, out):
        """``((name, frozen value), ...)`` of the module's data globals.

        Private and UPPER-case names are sorted out once per set of names: the
        module's dict holds the explorer's hooks and the imports besides the data.
        """
        out.append(OPEN)
        if module is not None:
            scope = module.__dict__
            names = tuple(scope)
            if names != self._data_names[0]:
                self._data_names = (names, [k for k in names if k[:1] != "_" and not k.isupper()])
            for k in self._data_names[1]:
                v = scope[k]
                cls = type(v)
                if cls in _SCALAR_TYPES:
                    out += (OPEN, k, v, CLOSE)
                elif cls not in _CODE_TYPES and not isinstance(v, _CODE):
                    out += (OPEN, k)
                    freeze(v, out)
                    out.append(CLOSE)
        out.append(CLOSE)

    def _frames(self, t, freeze, out):
        """``(function, line, locals, in the target file)`` per frame, outermost first."""
        glet = getattr(t, "glet", None)
        f = glet.gr_frame if glet is not None else getattr(t, "frame", None)
        frames = []   # frozen innermost first (the memo's order), then written reversed
        roles = _ROLES
        path = self.path
        while f is not None:
            code = f.f_code
            role = roles.get(id(code))
            role = _role(code) if role is None else role[1]
            if role is _SKIP:
                f = f.f_back
                continue
            if role is _USER:
                frame = [OPEN, code.co_name, f.f_lineno, OPEN]
                _locals(f.f_locals, freeze, frame)
                frame += (CLOSE, code.co_filename == path, CLOSE)
                frames.append(frame)
            else:   # _STORING: a value about to be stored lives only here
                value = f.f_locals.get("value", _NONE)
                if value is not _NONE:
                    frame = [OPEN, code.co_name, 0, OPEN, OPEN, "value"]
                    freeze(value, frame)
                    frame += (CLOSE, CLOSE, False, CLOSE)
                    frames.append(frame)
            f = f.f_back
        for frame in reversed(frames):
            out += frame


# What a frame adds to a state, by its code object (cached: frames are walked at
# every yield point): its locals, a hook's "value" local, or nothing. Keyed by id:
# a code object hashes its whole body; the entry holds the code, so the id stays its
# own. Bounded: code made at run time (namedtuple, dataclasses) is new in every execution.
_USER, _STORING, _SKIP = "user", "storing", "skip"
_ROLES = {}   # id(code) -> (code, role)
_ROLES_LIMIT = 10_000


def _role(code):
    name = code.co_filename
    if name == _HOOKS:
        names = code.co_varnames + code.co_cellvars + code.co_freevars
        role = _STORING if "value" in names else _SKIP
    elif (not name.startswith(_PKG) or name == _FUTURES) and code.co_name != "<module>":
        role = _USER
    else:
        role = _SKIP
    if len(_ROLES) >= _ROLES_LIMIT:
        _ROLES.clear()
    _ROLES[id(code)] = (code, role)
    return role


def _first(pair):
    return pair[0]


def _locals(names, freeze, out):
    """The ``(name, frozen value)`` pairs of a frame's data (code and dunder names left out)."""
    for k, v in names.items():
        cls = type(v)
        if cls in _SCALAR_TYPES:
            if k[:2] != "__":
                out += (OPEN, k, v, CLOSE)
        elif cls not in _CODE_TYPES and not isinstance(v, _CODE) and k[:2] != "__":
            out += (OPEN, k)
            freeze(v, out)
            out.append(CLOSE)


def _project(fn, freeze, out):
    frozen = []
    try:
        freeze(fn(), frozen)
    except Exception as exc:  # noqa: BLE001 - a broken projection is shown, not fatal
        out += (OPEN, "<>", f"state() raised {type(exc).__name__}", CLOSE)
        return
    out += frozen


class _Freezer:
    """Writes hashable, id-free images of values into a key, one state's worth.

    Containers become ``(marker, items)`` with markers ``[]``, ``()``,
    ``{}``, ``set``, ``deque``; the target's own objects ``("obj", class,
    attributes)``; anything else ``("<>", type name)``. An object seen from
    several frames is frozen once: the memo copies its first image.
    """

    __slots__ = ("module_name", "named", "memo")

    def __init__(self, module_name, named):
        self.module_name = module_name
        self.named = named
        self.memo = {}   # id(value) -> (value, the list its image is in, start, end)

    def freeze(self, value, out, depth=0):
        """Append the image of ``value`` to ``out``."""
        cls = type(value)
        if cls in _SCALAR_TYPES:
            out.append(value)
            return
        named = self.named.get(cls)
        if named is None:
            named = self.named[cls] = _named(cls)
        if named is _PRIMITIVE:
            out += (OPEN, "<>", value._kind, CLOSE)
            return
        if named is _THREAD:
            out += (OPEN, "<>", "Thread", value.name, CLOSE)   # names are stable; ids are not
            return
        done = self.memo.get(id(value))
        if done is not None:
            out += done[1][done[2]:done[3]]
            return
        start = len(out)
        self._freeze(value, cls, out, depth)
        self.memo[id(value)] = (value, out, start, len(out))  # value: keeps its id its own

    def _freeze(self, value, cls, out, depth):
        if isinstance(value, Primitive):   # (an object whose __class__ says so)
            out += (OPEN, "<>", value._kind, CLOSE)
            return
        if isinstance(value, Thread):
            out += (OPEN, "<>", "Thread", value.name, CLOSE)
            return
        if depth >= MAX_DEPTH:
            out += (OPEN, "<>", cls.__name__, CLOSE)
            return
        depth += 1
        marker = _MARKERS.get(cls) or next(
            (m for base, m in _MARKERS.items() if isinstance(value, base)), None)
        if marker == "{}":
            out += (OPEN, "{}")
            self._pairs(value.items(), out, depth, True)
            out.append(CLOSE)
        elif marker == "set":   # one atom; its items nested, as they are shown
            out += (OPEN, "set", frozenset([self._alone(x, depth)
                                            for x in islice(value, MAX_ITEMS)]), CLOSE)
        elif marker is not None:
            out += (OPEN, marker, OPEN)
            freeze = self.freeze
            for x in islice(value, MAX_ITEMS):
                if type(x) in _SCALAR_TYPES:
                    out.append(x)
                else:
                    freeze(x, out, depth)
            out += _CLOSE2
        else:
            attrs = getattr(value, "__dict__", None)
            if isinstance(attrs, dict) and (cls.__module__ == self.module_name
                                            or cls.__module__.startswith(_TRANSPARENT)):
                out += (OPEN, "obj", cls.__name__)
                self._pairs(attrs.items(), out, depth, False)
                out.append(CLOSE)
            else:
                out += (OPEN, "<>", cls.__name__, CLOSE)

    def _pairs(self, items, out, depth, frozen_keys):
        """``((key, value), ...)``: a dict's keys are frozen, attribute names are not."""
        out.append(OPEN)
        freeze = self.freeze
        for k, v in islice(items, MAX_ITEMS):
            out.append(OPEN)
            if frozen_keys:
                freeze(k, out, depth)
            else:
                out.append(k)
            freeze(v, out, depth)
            out.append(CLOSE)
        out.append(CLOSE)

    def _alone(self, value, depth):
        """The image of a set's item, nested: built in the set's order, the frozenset
        is the one a nested key had (its items show in the same order)."""
        image = []
        self.freeze(value, image, depth)
        return nested(image)


_PRIMITIVE, _THREAD, _OTHER = "primitive", "thread", "other"


def _named(cls):
    """Whether instances of ``cls`` are shown by name alone, without the memo: primitives,
    and threads whose ``name`` is the plain property. (Cached per execution: a target's
    classes are new in every one, and a class holds its module's globals.)"""
    if issubclass(cls, Primitive):
        return _PRIMITIVE
    if (issubclass(cls, Thread) and cls.name is Thread.name
            and cls.__getattribute__ is object.__getattribute__):
        return _THREAD
    return _OTHER


def nested(key):
    """The nested tuple a flat key stands for."""
    stack = [[]]
    for atom in key:
        if atom is OPEN:
            stack.append([])
        elif atom is CLOSE:
            done = tuple(stack.pop())
            stack[-1].append(done)
        else:
            stack[-1].append(atom)
    return stack[0][0]


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
    positions, *rest = nested(key)
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
