"""``threading.local``: one attribute dict per logical thread.

Thread-local data is not shared, so reading it is not a yield point.
"""
from ..runtime import kernel


def _dict_for(self):
    dicts = object.__getattribute__(self, "_xp_dicts")
    key = kernel.current()
    d = dicts.get(key)
    if d is None:
        d = dicts[key] = {}
        object.__setattr__(self, "__dict__", d)
        args, kw = object.__getattribute__(self, "_xp_init")
        cls = type(self)
        if cls.__init__ is not object.__init__:
            cls.__init__(self, *args, **kw)
    else:
        object.__setattr__(self, "__dict__", d)


class local:
    """Per-thread attributes, initialised per thread as CPython's ``_threading_local``."""

    __slots__ = ("_xp_dicts", "_xp_init", "__dict__", "__weakref__")

    def __new__(cls, *args, **kw):
        if (args or kw) and (cls.__init__ is object.__init__):
            raise TypeError("Initialization arguments are not supported")
        self = object.__new__(cls)
        object.__setattr__(self, "_xp_dicts", {})
        object.__setattr__(self, "_xp_init", (args, kw))
        return self

    def __getattribute__(self, name):
        if name not in ("_xp_dicts", "_xp_init", "__class__"):
            _dict_for(self)
        return object.__getattribute__(self, name)

    def __setattr__(self, name, value):
        if name == "__dict__":
            raise AttributeError(f"{type(self).__name__!r} object attribute '__dict__' is read-only")
        _dict_for(self)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if name == "__dict__":
            raise AttributeError(f"{type(self).__name__!r} object attribute '__dict__' is read-only")
        _dict_for(self)
        object.__delattr__(self, name)
