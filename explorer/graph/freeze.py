"""Freezing values into state keys: hashable, id-free images, one flat tuple.

See ``state.py`` for what a state holds and why a key is flat: the nested
tuple ``(a, (b, c))`` is written ``OPEN a OPEN b c CLOSE CLOSE``.
"""
import enum
import types
from collections import deque
from itertools import islice

from ..instrument import hooks
from ..primitives import futures
from ..primitives.base import Primitive
from ..primitives.thread import Thread

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
# Built-in iterators (a comprehension's ``.0``, ``it = iter(xs)``): their position is
# state no frame shows, and ``__reduce__`` gives it (the sequence and an index).
_ITERATORS = frozenset(type(it) for it in (
    iter([]), iter(()), iter(range(0)), iter(range(2 ** 64)), iter(""), iter({}),
    iter({}.values()), iter({}.items()), iter(set()), reversed([]), zip(), enumerate(()),
    map(len, ()), filter(None, ())))
_CLOSE2 = (CLOSE, CLOSE)


class _Freezer:
    """Writes hashable, id-free images of values into a key, one state's worth.

    Containers become ``(marker, items)`` with markers ``[]``, ``()``,
    ``{}``, ``set``, ``deque``; the target's own objects ``("obj", class,
    attributes)``; primitives ``("<>", "#serial", kind)``; anything else
    ``("<>", type name)``. An object seen from several frames is frozen once:
    the memo copies its first image.

    ``lossy`` turns True when an image leaves something out (an object shown by
    its type only, a container cut at ``MAX_ITEMS`` or ``MAX_DEPTH``): two
    states with equal keys may then differ, so a search must not merge them.
    """

    __slots__ = ("module_name", "named", "memo", "lossy")

    def __init__(self, module_name, named):
        self.module_name = module_name
        self.named = named
        self.memo = {}   # id(value) -> (value, the list its image is in, start, end)
        self.lossy = False

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
            self._primitive(value, out)
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
            self._primitive(value, out)
            return
        if isinstance(value, Thread):
            out += (OPEN, "<>", "Thread", value.name, CLOSE)
            return
        if depth >= MAX_DEPTH:
            self.lossy = True
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
                                            for x in self._first_items(value)]), CLOSE)
        elif marker is not None:
            out += (OPEN, marker, OPEN)
            freeze = self.freeze
            for x in self._first_items(value):
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
            elif cls is types.FunctionType:   # code, and the cells a closure carries
                out += (OPEN, "fn", value.__qualname__, OPEN)
                for cell in value.__closure__ or ():
                    try:
                        contents = cell.cell_contents
                    except ValueError:   # a cell not filled yet
                        out.append(None)
                        continue
                    self.freeze(contents, out, depth)
                out += _CLOSE2
            elif cls in _ITERATORS:   # where it stands: what pickling it would keep
                self._iterator(value, cls, out, depth)
            elif cls is types.BuiltinFunctionType and isinstance(
                    getattr(value, "__self__", None), (types.ModuleType, type(None))):
                out += (OPEN, "<>", value.__qualname__, CLOSE)   # len, math.floor: no state
            elif cls is object:   # a bare sentinel: it has no state to leave out
                out += (OPEN, "<>", "object", CLOSE)
            elif cls is range or isinstance(value, enum.Enum):   # its repr is all of it
                out += (OPEN, "<>", repr(value), CLOSE)
            else:
                self.lossy = True
                out += (OPEN, "<>", cls.__name__, CLOSE)

    def _iterator(self, value, cls, out, depth):
        try:
            _rebuild, args, *position = value.__reduce__()
        except Exception:  # noqa: BLE001 - not reducible here: shown by type, inexact
            self.lossy = True
            out += (OPEN, "<>", cls.__name__, CLOSE)
            return
        out += (OPEN, "iter", cls.__name__)
        for part in args + tuple(position):   # not nested deeper: zip(iter(a), iter(b))
            self.freeze(part, out, depth)
        out.append(CLOSE)

    def _primitive(self, value, out):
        """By creation order in the execution: stable across runs, unlike ``id``."""
        serial = getattr(value, "_serial", 0)
        if not serial:   # made outside any execution: not told apart from another
            self.lossy = True
        out += (OPEN, "<>", f"#{serial}", value._kind, CLOSE)

    def _pairs(self, items, out, depth, frozen_keys):
        """``((key, value), ...)``: a dict's keys are frozen, attribute names are not."""
        out.append(OPEN)
        freeze = self.freeze
        for k, v in self._first_items(items):
            out.append(OPEN)
            if frozen_keys:
                freeze(k, out, depth)
            else:
                out.append(k)
            freeze(v, out, depth)
            out.append(CLOSE)
        out.append(CLOSE)

    def _first_items(self, iterable):
        """The first ``MAX_ITEMS`` items; ``lossy`` if there are more (counted by
        iterating, never by a ``__len__`` the target may have written)."""
        items = list(islice(iterable, MAX_ITEMS + 1))
        if len(items) > MAX_ITEMS:
            self.lossy = True
            del items[MAX_ITEMS:]
        return items

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
    if marker == "fn":
        return value[1]
    if marker == "cls":
        return "class(" + ", ".join(f"{k}={show(v)}" for k, v in value[1]) + ")"
    if marker == "iter":
        return f"<{value[1]}>"
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


