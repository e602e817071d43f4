"""Wakeup trees: what optimal DPOR still has to explore from one state.

A wakeup tree (Abdulla, Aronis, Jonsson, Sagonas, JACM 2017, section 6) is
an ordered tree of thread sequences. Each branch is a sequence ``v`` that a
reversed race asked for; a new ``v`` is inserted only if no branch already
starts an equivalent execution, so each Mazurkiewicz trace is reached once
and no execution is cut short by sleep sets.

Insertion compares steps recorded in *earlier* executions with steps of the
current one. Python objects are new in every execution (the target's module
runs afresh), so accesses are compared through :class:`Names`: an object is
named by the index of the event that first touched it. Two executions that
share the first ``depth`` events name the objects met there alike; for
objects first met later the comparison cannot tell, and counts them as the
same (dependent), which may cost an extra execution but never a trace.
Logical threads are named by their number (spawn order) instead.
"""

from ..instrument.location import WHOLE
from ..runtime.ops import WRITE
from ..runtime.threads import LogicalThread

# key parts that mean the same in every execution (WHOLE: a whole container)
_STABLE = (str, int, float, bool, bytes, type(None), type(WHOLE))


class Names:
    """Per-execution names of the objects in access keys (see the module docstring).

    ``roots`` (``runtime/roots.py``) names the objects that existed when the
    first thread started: those names hold in every execution.
    """

    __slots__ = ("first", "roots")

    def __init__(self):
        self.first = {}
        self.roots = {}

    def saw(self, accesses, index):
        """Name the objects of ``accesses`` first met at event ``index``."""
        first = self.first
        for key, _mode in accesses:
            obj = key[0] if type(key) is tuple else key
            if type(obj) is not str and obj not in first:
                first[obj] = index

    def stable(self, accesses, index):
        """``accesses`` with objects replaced by their names (unmet ones: ``index``)."""
        first = self.first
        out = []
        for key, mode in accesses:
            if type(key) is tuple:
                obj, rest = key[0], key[1:]
            else:
                obj, rest = key, ()
            if type(obj) is str:
                name = ("s", obj)
            elif type(obj) is LogicalThread:
                name = ("t", obj.tid)       # threads are numbered in spawn order
            else:
                root = self.roots.get(obj if type(obj) is int else id(obj))
                name = ("r", root[0]) if root is not None else first.get(obj, index)
            out.append((name, rest if all(isinstance(r, _STABLE) for r in rest) else None, mode))
        return tuple(out)


def same_location(a, b, depth):
    """Whether two stable keys may be one location, for executions sharing ``depth`` events."""
    (oa, ra), (ob, rb) = a, b
    if type(oa) is tuple or type(ob) is tuple:       # a string or thread name
        if oa != ob:
            return False
    elif oa < depth or ob < depth:
        if oa != ob:
            return False                              # met in the shared prefix: exact
    # objects both first met after the prefix: they may be the same object
    return ra is None or rb is None or ra == rb


def conflict(a, b, depth, conflicting):
    """Whether stable accesses ``a`` and ``b`` conflict (see ``DPOR._dependent``)."""
    for oa, ra, ma in a:
        if not ma & conflicting:
            continue
        for ob, rb, mb in b:
            if mb & conflicting and (ma | mb) & WRITE and same_location((oa, ra), (ob, rb), depth):
                return True
    return False


class Step:
    """One step of a branch: the thread and what its operation touched (stable names).

    ``depth`` is the length of the path the branch was inserted at: only the
    first ``depth`` events are known to be shared with later executions (a
    subtree moves down the path as it is followed, its names do not).
    """

    __slots__ = ("tid", "accesses", "depth")

    def __init__(self, tid, accesses, depth):
        self.tid, self.accesses, self.depth = tid, accesses, depth


class WakeupTree:
    """Ordered children ``[Step, WakeupTree]``: the leftmost is explored first."""

    __slots__ = ("children",)

    def __init__(self):
        self.children = []

    def __bool__(self):
        return bool(self.children)

    def pop(self):
        """Take out the leftmost branch: (its first step's tid, the subtree after it)."""
        step, sub = self.children.pop(0)
        return step.tid, sub

    def insert(self, seq, depth, conflicting):
        """Add the sequence ``seq`` (a :class:`Sequence`) unless a branch covers it.

        Walks down the leftmost child that is a weak initial of what is left
        of ``seq`` (removing that thread's step when ``seq`` has one); reaching
        a leaf means an equivalent branch exists. Returns True when added.
        """
        node = self
        while seq:
            for step, sub in node.children:
                if seq.initial(step.tid):
                    seq = seq.without(step.tid)
                elif step.tid in seq.threads() or not seq.independent(step, conflicting):
                    continue
                if not sub.children:
                    return False
                node = sub
                break
            else:
                for step in seq.steps(depth):
                    child = WakeupTree()
                    node.children.append((step, child))
                    node = child
                return True
        return False


class Sequence:
    """``v = notdep(e).e'`` as events of the current execution.

    Items are ``(tid, clock, accesses, stable)``: ``clock`` orders them (an
    item depends on an earlier one whose own clock entry it has seen),
    ``stable`` is filled on demand from :class:`Names`.
    """

    __slots__ = ("items", "names", "index")

    def __init__(self, items, names, index):
        self.items, self.names, self.index = items, names, index

    def __bool__(self):
        return bool(self.items)

    def threads(self):
        return {item[0] for item in self.items}

    def initial(self, tid):
        """Whether ``tid``'s first step in the sequence depends on no earlier step of it."""
        items = self.items
        for i, (t, clock, _a, _s) in enumerate(items):
            if t == tid:
                for u, c, _a2, _s2 in items[:i]:
                    if c[u] <= clock[u] if u < len(clock) else False:
                        return False
                return True
        return False

    def without(self, tid):
        items = list(self.items)
        for i, item in enumerate(items):
            if item[0] == tid:
                del items[i]
                break
        return Sequence(items, self.names, self.index)

    def independent(self, step, conflicting):
        """Whether a :class:`Step` recorded earlier conflicts with no item."""
        return not any(conflict(step.accesses, s, step.depth, conflicting)
                       for s in self._stable())

    def _stable(self):
        names, index = self.names, self.index
        for n, item in enumerate(self.items):
            if item[3] is None:
                item = self.items[n] = (item[0], item[1], item[2], names.stable(item[2], index))
            yield item[3]

    def steps(self, depth):
        return [Step(item[0], s, depth) for item, s in zip(self.items, self._stable())]
