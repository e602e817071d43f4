"""Location: what a shared-memory operation touches, named for reports.

A location is an object plus a key: an attribute name, a global's name (the
object is the module's dict) or a container key. ``WHOLE`` stands for the
whole container (``list.append``, a slice, ``x in some_list``), which
overlaps every key of it. The location holds a strong reference to its
object, so ``id(obj)`` in :attr:`key` is not reused while the trace lives.
"""
from ..naming import bounded_repr

ATTR = "attr"
GLOBAL = "global"
ITEM = "item"


class _Whole:
    """The key of a whole container (not ``None``: ``d[None]`` is a real key)."""

    __slots__ = ()

    def __repr__(self):
        return "*"


WHOLE = _Whole()


class Location:
    """One shared-memory location of one execution.

    Attributes:
        obj: the object accessed (the module dict for a global).
        name: attribute name, global name, container key, or ``WHOLE``.
        kind: ``ATTR``, ``GLOBAL`` or ``ITEM``.
        source: for ``ITEM``, the container's source text (``self.items``).
        atomic: True for one call of a built-in container method
            (``list.append``, ``dict.get``, ``in``): such calls are atomic in
            CPython, so two of them never form a data race.
        stack: the user's frames at the access, innermost first.
    """

    __slots__ = ("obj", "name", "kind", "source", "atomic", "stack", "key")

    def __init__(self, obj, name, kind, source=None, atomic=False, stack=()):
        self.obj = obj
        self.name = name
        self.kind = kind
        self.source = source
        self.atomic = atomic
        self.stack = stack
        self.key = (id(obj), name)

    @property
    def whole(self):
        return self.name is WHOLE

    @property
    def container(self):
        """The label of the object itself (``Account`` / ``self.items``)."""
        if self.kind == ITEM:
            return self.source
        if self.kind == GLOBAL:
            return self.name
        obj = self.obj
        return obj.__name__ if isinstance(obj, type) else type(obj).__name__

    @property
    def xp_name(self):
        """The label shown in traces and reports: ``Account.balance``, ``counter``, ``table[3]``."""
        if self.kind == ATTR:
            return f"{self.container}.{self.name}"
        if self.kind == GLOBAL:
            return self.name
        if self.whole:
            return self.source
        return f"{self.source}[{bounded_repr(self.name, 40)}]"

    def __repr__(self):
        return f"<Location {self.xp_name}>"
