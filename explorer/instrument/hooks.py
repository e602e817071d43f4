"""The hooks rewritten target code calls at each shared-memory access.

Every hook first announces the access as an operation (``kernel.step``
parks the thread until the strategy picks it) and then performs it at once,
with no yield point in between: the access is atomic, as one bytecode is in
CPython. Outside an exploration a hook only performs the access.

Conflicts (``Op.accesses``) are what DPOR reverses: an element access is
``(obj, key)`` READ or WRITE plus ``(obj, WHOLE)`` READ; a whole-container
access (``append``, a slice, ``x in a_list``) is ``(obj, WHOLE)`` WRITE, so it
conflicts with every element access. Whole reads are over-approximated as
writes (two of them are reordered needlessly), never under-approximated.
"""
import builtins
import os
import sys
import types
import weakref
from collections import deque

from ..primitives.base import Primitive
from ..primitives.local import local as _xp_local
from ..primitives.thread import Thread
from ..runtime import kernel
from ..runtime.ops import READ, WRITE, Op
from .location import ATTR, GLOBAL, ITEM, WHOLE, Location

_current = kernel.current
_step = kernel.step
_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_STACK_DEPTH = 4

# Reading a reference to code or to a synchronization object is not tracked:
# the brief's rule for globals, applied to attributes and items too. It keeps
# `with self.lock:` from adding a yield point before every acquire.
_CODE_VALUES = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
                types.MethodType, type, Primitive, Thread, _xp_local)
_UNTRACKED_OBJECTS = (types.ModuleType, super, _xp_local, Primitive)
_IMMUTABLE = (tuple, str, bytes, frozenset, range)
_SEQUENCES = (list, deque, bytearray)
_MISSING = object()

# Built-in container methods that are one atomic access: (write?, keyed?).
METHODS = {
    list: {"append": (1, 0), "extend": (1, 0), "insert": (1, 0), "pop": (1, 0),
           "remove": (1, 0), "clear": (1, 0), "sort": (1, 0), "reverse": (1, 0)},
    dict: {"setdefault": (1, 1), "pop": (1, 1), "update": (1, 0), "popitem": (1, 0),
           "clear": (1, 0), "get": (0, 1)},
    set: {"add": (1, 1), "discard": (1, 1), "remove": (1, 1), "pop": (1, 0),
          "update": (1, 0), "clear": (1, 0)},
    deque: {"append": (1, 0), "appendleft": (1, 0), "pop": (1, 0), "popleft": (1, 0),
            "extend": (1, 0), "extendleft": (1, 0), "clear": (1, 0)},
}
METHOD_NAMES = frozenset(name for table in METHODS.values() for name in table)

_cache = {}          # (type, name) -> verdict, for the current execution only
_cache_owner = [lambda: None]  # a weak reference to that execution


def _user_stack():
    """The user's frames at an access, innermost first, as ``(file, line, function)``.

    The walk stops at the first explorer frame above the user's (a thread's
    bootstrap): every frame walked costs a frame object.
    """
    frames = []
    f = sys._getframe(2)
    while f is not None and len(frames) < _STACK_DEPTH:
        code = f.f_code
        if not code.co_filename.startswith(_PKG):
            frames.append((code.co_filename, f.f_lineno, code.co_name))
        elif frames:
            break
        f = f.f_back
    return tuple(frames)


def _announce(kind, loc, accesses, detail=None):
    op = Op(kind, loc, accesses, detail=detail)
    _step(op)
    return op


def _result(op, value):
    """Keep the value an access hands to the program on its op: until stored, it
    lives only on the thread's value stack, which a state must still tell apart."""
    op.value = value
    return value


def _item_accesses(loc, write):
    whole = (loc.key[0], WHOLE)
    if loc.name is WHOLE:
        return ((whole, WRITE),)
    return ((loc.key, WRITE if write else READ), (whole, READ))


def _item_key(obj, key):
    """Normalise a container key: ``a[-1]`` is ``a[len(a) - 1]``; slices are the whole."""
    if type(key) is int:
        if key < 0 and isinstance(obj, _SEQUENCES):
            key += len(obj)
        return key
    if isinstance(key, slice):
        return WHOLE
    try:
        hash(key)
    except TypeError:
        return WHOLE
    return key


# -- attributes -------------------------------------------------------------
def _lookup(cls, name):
    for klass in cls.__mro__:
        found = klass.__dict__.get(name, _MISSING)
        if found is not _MISSING:
            return found
    return _MISSING


def _classify(obj, owner, name):
    """Whether ``obj.name`` is shared data (not a method, property, class or module)."""
    if isinstance(obj, _UNTRACKED_OBJECTS):
        return False
    if owner is obj:   # a class: its own attributes, not its metaclass's
        found = _lookup(obj, name)
        if found is _MISSING:
            return _lookup(type(obj), name) is _MISSING
        return not (isinstance(found, type) or hasattr(type(found), "__get__"))
    found = _lookup(owner, name)
    if found is _MISSING or type(found) is types.MemberDescriptorType:
        return True
    return not (isinstance(found, type) or hasattr(type(found), "__get__"))


def _attr_tracked(obj, name):
    ex = kernel.execution()
    if _cache_owner[0]() is not ex:   # classes are new in every execution
        _cache.clear()
        _cache_owner[0] = weakref.ref(ex)
    owner = obj if isinstance(obj, type) else type(obj)
    verdict = _cache.get((owner, name))
    if verdict is None:
        verdict = _cache[owner, name] = _classify(obj, owner, name)
    return verdict


def _holds_code(obj, name):
    try:
        value = object.__getattribute__(obj, "__dict__").get(name)
    except AttributeError:
        return False
    return isinstance(value, _CODE_VALUES)


def getattr_(obj, name):
    """``obj.name``: a read, unless it names a method, property, class or module."""
    if _current() is not None and _attr_tracked(obj, name) and not _holds_code(obj, name):
        loc = Location(obj, name, ATTR, stack=_user_stack())
        return _result(_announce("read", loc, ((loc.key, READ),)), getattr(obj, name))
    return getattr(obj, name)


def setattr_(value, obj, name):
    """``obj.name = value`` (value first: it is evaluated before ``obj``)."""
    if _current() is not None and _attr_tracked(obj, name):
        loc = Location(obj, name, ATTR, stack=_user_stack())
        _announce("write", loc, ((loc.key, WRITE),))
    setattr(obj, name, value)


def delattr_(obj, name):
    if _current() is not None and _attr_tracked(obj, name):
        loc = Location(obj, name, ATTR, stack=_user_stack())
        _announce("write", loc, ((loc.key, WRITE),), "del")
    delattr(obj, name)


# -- container items ----------------------------------------------------------
def _item_holds_code(obj, key):
    try:
        if type(obj) is dict:
            value = obj.get(key)
        elif type(obj) is list and type(key) is int:
            value = obj[key]
        else:
            return False
    except (IndexError, TypeError):
        return False
    return isinstance(value, _CODE_VALUES)


def _item_op(kind, obj, key, source, detail=None):
    loc = Location(obj, _item_key(obj, key), ITEM, source, stack=_user_stack())
    return _announce(kind, loc, _item_accesses(loc, kind == "write"), detail)


def getitem(obj, key, source):
    """``obj[key]``; immutable containers are not tracked."""
    if (_current() is not None and not isinstance(obj, _IMMUTABLE)
            and not _item_holds_code(obj, key)):
        return _result(_item_op("read", obj, key, source), obj[key])
    return obj[key]


def setitem(value, obj, key, source):
    """``obj[key] = value`` (value first, as Python evaluates it)."""
    if _current() is not None and not isinstance(obj, _IMMUTABLE):
        _item_op("write", obj, key, source)
    obj[key] = value


def delitem(obj, key, source):
    if _current() is not None and not isinstance(obj, _IMMUTABLE):
        _item_op("write", obj, key, source, "del")
    del obj[key]


def _method_spec(obj, name):
    for base, table in METHODS.items():
        if isinstance(obj, base):
            return table.get(name)
    return None


class _Announced:
    """A built-in container method that announces its access when called."""

    __slots__ = ("method", "obj", "name", "source", "spec")

    def __init__(self, method, obj, name, source, spec):
        self.method, self.obj, self.name, self.source, self.spec = method, obj, name, source, spec

    def __call__(self, *args, **kwargs):
        write, keyed = self.spec
        obj = self.obj
        key = _item_key(obj, args[0]) if keyed and args else WHOLE
        loc = Location(obj, key, ITEM, self.source, atomic=True, stack=_user_stack())
        op = _announce("write" if write else "read", loc, _item_accesses(loc, write), self.name)
        return _result(op, self.method(*args, **kwargs))


def method(obj, name, source):
    """``obj.name`` about to be called: built-in container methods become accesses."""
    bound = getattr(obj, name)
    if _current() is None:
        return bound
    spec = _method_spec(obj, name)
    return bound if spec is None else _Announced(bound, obj, name, source, spec)


def contains(item, container, source):
    """``item in container``: a read of that key (dict, set) or of the whole (list, deque)."""
    if _current() is not None and isinstance(container, (dict, set, list, deque)):
        key = _item_key(container, item) if isinstance(container, (dict, set)) else WHOLE
        loc = Location(container, key, ITEM, source, atomic=True, stack=_user_stack())
        return _result(_announce("read", loc, _item_accesses(loc, False), "in"),
                       item in container)
    return item in container


READER_NAMES = frozenset((
    "len", "tuple", "list", "sorted", "sum", "min", "max", "any", "all", "set",
    "frozenset", "dict", "enumerate", "reversed", "iter", "zip", "map", "filter"))
_READERS = frozenset(getattr(builtins, n) for n in READER_NAMES)


def whole(container, source, fn=None):
    """A container read as a whole (``for x in a``, ``len(a)``, ``tuple(a)``): one read.

    ``fn`` is the called builtin, checked at run time (a user may shadow ``len``).
    """
    if (_current() is not None and isinstance(container, (dict, set, list, deque))
            and (fn is None or fn in _READERS)):
        loc = Location(container, WHOLE, ITEM, source, atomic=True, stack=_user_stack())
        _announce("read", loc, _item_accesses(loc, False), "whole")
    return container


def not_contains(item, container, source):
    return not contains(item, container, source)


# -- targets of augmented assignment, unpacking, for, with, del ----------------
class AttrTarget:
    """``__xp_A__(obj).name += 1``: the load and the store go through the hooks."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        object.__setattr__(self, "_obj", obj)

    def __getattribute__(self, name):
        return getattr_(object.__getattribute__(self, "_obj"), name)

    def __setattr__(self, name, value):
        setattr_(value, object.__getattribute__(self, "_obj"), name)

    def __delattr__(self, name):
        delattr_(object.__getattribute__(self, "_obj"), name)


class ItemTarget:
    """``__xp_S__(obj, source)[key] += 1``: ``obj`` and ``key`` are evaluated once."""

    __slots__ = ("obj", "source")

    def __init__(self, obj, source):
        self.obj, self.source = obj, source

    def __getitem__(self, key):
        return getitem(self.obj, key, self.source)

    def __setitem__(self, key, value):
        setitem(value, self.obj, key, self.source)

    def __delitem__(self, key):
        delitem(self.obj, key, self.source)


# -- module globals ------------------------------------------------------------
class _Globals:
    """``__xp_G__.name = v``: stores into the module's globals through the hooks."""

    __slots__ = ("_hooks",)

    def __init__(self, load, store, delete):
        object.__setattr__(self, "_hooks", (load, store, delete))

    def __getattribute__(self, name):
        load = object.__getattribute__(self, "_hooks")[0]
        if name.startswith("__") and name.endswith("__") and name not in load.namespace:
            return object.__getattribute__(self, name)   # introspection: hasattr(x, "__wrapped__")
        return load(name)

    def __setattr__(self, name, value):
        object.__getattribute__(self, "_hooks")[1](name, value)

    def __delattr__(self, name):
        object.__getattribute__(self, "_hooks")[2](name)


def _globals_hooks(g):
    """Load, store, store-and-return and delete hooks bound to one module's dict."""
    def builtin(name):
        b = g.get("__builtins__")
        b = b.__dict__ if isinstance(b, types.ModuleType) else (b or {})
        try:
            return b[name]
        except KeyError:
            raise NameError(f"name '{name}' is not defined", name=name) from None

    def announce(kind, name, detail=None):
        loc = Location(g, name, GLOBAL, stack=_user_stack())
        return _announce(kind, loc, ((loc.key, WRITE if kind == "write" else READ),), detail)

    def load(name):
        value = g.get(name, _MISSING)
        if value is _MISSING:
            return builtin(name)
        if _current() is None or isinstance(value, _CODE_VALUES):
            return value
        op = announce("read", name)
        value = g.get(name, _MISSING)
        return builtin(name) if value is _MISSING else _result(op, value)

    def store(name, value):
        if _current() is not None:
            announce("write", name)
        g[name] = value

    load.namespace = g

    def store_value(name, value):
        store(name, value)
        return value

    def delete(name):
        if _current() is not None:
            announce("write", name, "del")
        try:
            del g[name]
        except KeyError:
            raise NameError(f"name '{name}' is not defined", name=name) from None

    return load, store, store_value, delete


def bind(g):
    """Put the hooks into a rewritten module's globals (its first statement calls this)."""
    load, store, store_value, delete = _globals_hooks(g)
    g.update({
        "__xp_gload__": load, "__xp_gstore__": store, "__xp_gset__": store_value,
        "__xp_G__": _Globals(load, store, delete), "__xp_getattr__": getattr_,
        "__xp_setattr__": setattr_, "__xp_A__": AttrTarget, "__xp_getitem__": getitem,
        "__xp_setitem__": setitem, "__xp_S__": ItemTarget, "__xp_call__": method,
        "__xp_in__": contains, "__xp_whole__": whole, "__xp_notin__": not_contains, "__xp_slice__": slice,
    })
