"""State abstraction: what the program is at a yield point, as a hashable key.

A state is taken when every thread is parked on its next operation, in an
explored execution (the hub calls :meth:`StateRecorder.at_yield_point`
after each step) and in a real threaded run (``explorer.real`` calls the
same code while its one running thread holds the big lock). It is made of

* each thread, in creation order: name, pending operation (kind, line) and
  whether it can run, or ``done``/``raised``; with the locals of its frames
  outside the explorer (code, modules and functions left out; labels show
  only the target file's frames), the value a pending memory write is about
  to store, the values its memory accesses handed it since its last write
  or synchronization (``s.a + s.b`` holds ``s.a`` on the value stack, where
  no frame shows it, while it waits to read ``s.b``) and, once its body
  returned, its result;
* the state of every primitive an executed operation touched (``xp_state()``
  of locks, semaphores, events, barriers, conditions, queues), keyed by its
  creation order in the execution;
* the target module's data globals and its classes' data attributes.

A target may define ``def state(): ...``; its return value then replaces
the locals, primitives and globals (thread positions stay), which keeps
teaching graphs small. Values are frozen: containers by content,
instances of the target's own classes (and futures) by their attributes,
threads by name, primitives by creation order, built-in iterators by where
they stand, functions by name and closure cells, any other object by its
type name only (never its ``id``, which differs between runs).

A key that shows something by its type only, or cuts a container short, is
not exact (:meth:`StateRecorder.exact_key` is then None): the state graph
keeps it, but a search must not take two such states for one
(``strategies/stateful.py``). Frames are placed by the instruction they wait
in, so two waits on one line stay apart.

A key is one flat tuple: the nested tuple ``(a, (b, c))`` is written
``OPEN a OPEN b c CLOSE CLOSE`` (:func:`nested` reads it back; a set stays
one frozenset atom). The encoding is one-to-one and keeps the atoms, so two
keys are equal exactly when the nested tuples are; but a flat tuple of atoms
is hashed without recursion and CPython stops tracking it at its first
garbage collection, where a nested key loses one level per collection: a
graph of nested keys made every full collection walk all of them (half the
cost of a step).
"""
import bisect
import dis
import sys
import types

from ..instrument.location import Location
from ..primitives.base import Primitive
from ..runtime.sites import _PKG, short

from ..runtime.spin import Blocked
from .freeze import (CLOSE, OPEN, _CLOSE2, _CODE, _CODE_TYPES, _FUTURES, _HOOKS, _NONE,
                     _SCALAR_TYPES, _Freezer, _opaque, nested, show)


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
        self.loops = []       # (index in keys, step): a spinning thread's iteration
        self.held = {}        # tid -> ops whose values the thread may still hold, unstored
        self.exact = True     # the last key kept every value whole (see freeze.py)

    def at_yield_point(self, ex):
        """Execution observer: every thread of ``ex`` is parked; take the state."""
        trace = ex.trace
        if len(trace) > len(self.steps):
            tid, op = trace[-1]
            self.executed(ex.threads[tid], op)
        self.keys.append(self.state(ex.threads))
        for t in ex.live:   # a spin the runtime blocked: a real run may still go round
            op = t.pending
            if op is not None and type(op.ready) is Blocked:
                site = short(op.site) if op.site else "?"
                self.loops.append((len(self.keys) - 1, (t.name, op.kind, site)))

    def exact_key(self):
        """The last state's key if it left nothing out (for state matching), else None."""
        return self.keys[-1] if self.exact and self.keys else None

    def executed(self, t, op):
        """Note one operation of thread ``t`` (its primitive joins the state; a value
        it hands over is held until the thread writes or synchronizes)."""
        obj = op.obj
        if isinstance(obj, Primitive) and id(obj) not in self.objects:
            self.objects[id(obj)] = (obj._serial, obj)
            self._by_serial = sorted(self.objects.values(), key=_first)
        held = self.held
        if op.kind != "read":
            held.pop(t.tid, None)
        if isinstance(obj, Location):
            held.setdefault(t.tid, []).append(op)
        self.steps.append((t.name, op.kind, short(op.site) if op.site else "?"))

    def state(self, threads):
        """The state key of ``threads`` (LogicalThread-like: name, pending, finished)."""
        module = sys.modules.get(self.module_name) if self.module_name else None
        if module is self.stale:
            module = None
        projection = module.__dict__.get("state") if module is not None else None
        if not isinstance(projection, types.FunctionType):
            projection = None
        freezer = _Freezer(self.module_name, self._named)
        freeze = freezer.freeze
        out = [OPEN, OPEN]
        for t in threads:
            self._thread(t, freeze, projection is None, out)
        out.append(CLOSE)
        if projection is not None:
            out += (OPEN, "state")
            _project(projection, freeze, out)
            out += _CLOSE2
            self.exact = False   # a projection leaves out what the model's author chose
            return tuple(out)
        out.append(OPEN)
        for serial, o in self._by_serial:
            out += (OPEN, o._kind, serial)
            freeze(o.xp_state(), out)
            out.append(CLOSE)
        out.append(CLOSE)
        self._globals(module, freeze, out)
        out.append(CLOSE)
        self.exact = not freezer.lossy
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
        ready = op.ready
        if type(ready) is Blocked:   # a spin is blocked by the explorer, not the program
            ready = ready.own
        ready = ready is None or bool(ready())
        site = op.site or ("?", 0)
        where = site[1] if site[0] == self.path else short(site)
        if not with_locals:
            out += (OPEN, t.name, op.kind, where, ready, CLOSE)
            return
        out += (OPEN, t.name, op.kind, where, ready, OPEN)
        self._frames(t, freeze, out)
        held = self.held.get(t.tid)
        if held:
            _held(held, freeze, out)
        out += returned or ()
        out += _CLOSE2

    def _globals(self, module, freeze, out):
        """``((name, frozen value), ...)`` of the module's data globals, and the data
        attributes of its classes (``Counter.value += 1`` is shared state too).

        Private names are sorted out once per set of names: the module's dict
        holds the explorer's hooks and the imports besides the data. UPPER-case
        names stay (a constant is the same in every state; a "constant" list
        that threads append to is not).
        """
        out.append(OPEN)
        if module is not None:
            scope = module.__dict__
            names = tuple(scope)
            if names != self._data_names[0]:
                self._data_names = (names, [k for k in names if k[:1] != "_"])
            for k in self._data_names[1]:
                v = scope[k]
                cls = type(v)
                if cls in _SCALAR_TYPES:
                    out += (OPEN, k, v, CLOSE)
                elif isinstance(v, type):
                    if v.__module__ == self.module_name:
                        _class_data(k, v, freeze, out)
                elif cls not in _CODE_TYPES and not isinstance(v, _CODE):
                    out += (OPEN, k)
                    freeze(v, out)
                    out.append(CLOSE)
        out.append(CLOSE)

    def _frames(self, t, freeze, out):
        """``(function, bytecode offset, locals, in the target file)`` per frame, outermost first."""
        glet = getattr(t, "glet", None)
        f = glet.gr_frame if glet is not None else getattr(t, "frame", None)
        frames = []   # frozen innermost first (the memo's order), then written reversed
        roles = _ROLES
        path = self.path
        while f is not None:
            code = f.f_code
            entry = roles.get(id(code)) or _role(code)
            role = entry[1]
            if role is _SKIP:
                f = f.f_back
                continue
            if role is _USER:
                frame = [OPEN, code.co_name, _instruction(entry, f.f_lasti), OPEN]
                _locals(f.f_locals, freeze, frame)
                frame += (CLOSE, code.co_filename == path, CLOSE)
                frames.append(frame)
            else:   # _STORING: a value about to be stored (or appended) lives only here
                names = f.f_locals
                value = names.get("value", _NONE)
                if value is _NONE:
                    value = names.get("args", _NONE)   # list.append(x): x is in args
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
_ROLES = {}   # id(code) -> [code, role, offsets of its instructions (made when needed)]
_ROLES_LIMIT = 10_000


def _instruction(entry, lasti):
    """The offset of the instruction a frame is in: where in its line it waits.

    ``f_lasti`` alone is not stable: once CPython specializes an instruction
    (after the same code ran a few times, in earlier executions) a call made
    from it leaves ``f_lasti`` on its last inline cache entry instead.
    """
    starts = entry[2]
    if starts is None:
        starts = entry[2] = [i.offset for i in dis.get_instructions(entry[0])]
    return starts[bisect.bisect_right(starts, lasti) - 1] if starts else lasti


def _role(code):
    name = code.co_filename
    if name == _HOOKS:
        names = code.co_varnames + code.co_cellvars + code.co_freevars
        role = _STORING if "value" in names or "args" in names else _SKIP
    elif (not name.startswith(_PKG) or name == _FUTURES) and code.co_name != "<module>":
        role = _USER
    else:
        role = _SKIP
    if len(_ROLES) >= _ROLES_LIMIT:
        _ROLES.clear()
    entry = _ROLES[id(code)] = [code, role, None]
    return entry


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


def _class_data(name, cls, freeze, out):
    """``(Class, ((attribute, value), ...))`` for the class's data attributes, if any."""
    data = [(k, v) for k, v in vars(cls).items()
            if k[:2] != "__" and not callable(v) and not hasattr(type(v), "__get__")]
    if data:
        out += (OPEN, name, OPEN, "cls", OPEN)
        for k, v in data:
            out += (OPEN, k)
            freeze(v, out)
            out.append(CLOSE)
        out += (CLOSE, CLOSE, CLOSE)


def _held(ops, freeze, out):
    """A ``<held>`` pseudo-frame: ``("read LOCATION", value)`` per value handed over
    (none when no access returned anything: a write holds nothing)."""
    handed = [op for op in ops if getattr(op, "value", _NONE) is not _NONE]
    if not handed:
        return
    out += (OPEN, "<held>", 0, OPEN)
    for op in handed:
        out += (OPEN, f"{op.kind} {op.obj.xp_name}")
        freeze(op.value, out)
        out.append(CLOSE)
    out += (CLOSE, True, CLOSE)


def _project(fn, freeze, out):
    frozen = []
    try:
        freeze(fn(), frozen)
    except Exception as exc:  # noqa: BLE001 - a broken projection is shown, not fatal
        out += (OPEN, "<>", f"state() raised {type(exc).__name__}", CLOSE)
        return
    out += frozen


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
    lines.extend(f"{k} = {show(v)}" for k, v in globs
                 if not _opaque(v) and not (k.isupper() and isinstance(v, str)))
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
    shown = [f"{k}={show(v)}" for _fn, _lasti, names, mine in frames if mine
             for k, v in names if not _opaque(v)]
    return text + (" [" + ", ".join(shown) + "]" if shown else "")
