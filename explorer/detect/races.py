"""Data races: conflicting accesses of two threads that nothing orders.

Two accesses to one location (or one to a whole container and one to any of
its items), from different threads, at least one a write, race when neither
happens before the other (``runtime/vclock.py``: locks, start/join, queues,
events, conditions, barriers, semaphores). Calls of built-in container
methods (``list.append``, ``dict.get``, ``in``) are atomic in CPython, like
C++ atomics: two of them never race; one of them and a plain access can.

A pure function over one execution's trace, run after the execution; it
never steers. Locations a program races on by design are silenced by
naming them in ``__explorer_benign__`` at module level, e.g.
``__explorer_benign__ = {"Worker.stopping", "hits", "stats"}`` (an attribute
as ``Class.attr``, a module global by name, a container by its source text).
"""
from ..instrument.location import WHOLE, Location
from ..runtime.execution import Failure
from ..runtime.sites import short
from ..runtime.vclock import HappensBefore


def benign_names(declared):
    """The names in a module's ``__explorer_benign__`` (a string or a collection of them)."""
    if isinstance(declared, str):
        return frozenset([declared])
    if isinstance(declared, (set, frozenset, list, tuple)):
        return frozenset(name for name in declared if isinstance(name, str))
    return frozenset()


def is_benign(loc, benign):
    return bool(benign) and (loc.xp_name in benign or loc.container in benign)


def access_json(step, tid, op, names):
    """One access as reported: thread, operation, line and the user's stack."""
    detail = f" ({op.detail})" if op.detail else ""
    return {"step": step, "thread": names[tid], "op": op.kind + detail,
            "location": short(op.site),
            "stack": [f"{short((f, line))} in {fn}" for f, line, fn in op.obj.stack]}


class _Cell:
    """The accesses to one location still able to race with later ones."""

    __slots__ = ("write", "reads")

    def __init__(self):
        self.write = None   # (tid, epoch, step, atomic) of the last write
        self.reads = {}     # tid -> (tid, epoch, step, atomic) of its last read since


def shared_objects(trace):
    """Ids of the objects whose locations two or more threads access in ``trace``.

    Only these can race or lose an update: the detectors skip the rest, and
    the whole happens-before pass when there are none.
    """
    first = {}       # object id -> the tid of its first access
    shared = set()
    for tid, op in trace:
        loc = op.obj
        if type(loc) is Location:
            oid = loc.key[0]
            if first.setdefault(oid, tid) != tid:
                shared.add(oid)
    return shared


def detect(trace, names, benign=frozenset(), shared=None):
    """Return a ``data-race`` Failure per distinct race in ``trace`` [(tid, Op)].

    Args:
        trace: the execution's steps in order.
        names: thread names by tid.
        benign: location names not to report.
        shared: :func:`shared_objects` of ``trace``, if already known.
    """
    shared = shared_objects(trace) if shared is None else shared
    if not shared:
        return []
    hb = HappensBefore()
    cells = {}
    found = {}
    for step, (tid, op) in enumerate(trace):
        hb.before(tid, op)
        loc = op.obj
        if type(loc) is Location and loc.key[0] in shared and not is_benign(loc, benign):
            for other in _check(cells, loc, op.kind == "write", tid, hb.clock(tid), step):
                _report(found, trace, names, other, step)
        hb.after(tid, op)
    return list(found.values())


def _check(cells, loc, write, tid, clock, step):
    """Record one access; return the earlier accesses it races with."""
    oid = loc.key[0]
    mine = cells.setdefault(oid, {})
    if loc.whole:
        relevant = list(mine.values())
    else:
        relevant = [c for c in (mine.get(loc.key), mine.get((oid, WHOLE))) if c is not None]
    me = (tid, clock.get(tid), step, loc.atomic)
    racing = []
    for cell in relevant:
        earlier = [cell.write] if cell.write is not None else []
        if write:
            earlier.extend(cell.reads.values())
        racing.extend(e for e in earlier if e[0] != tid and not clock.covers(e[0], e[1])
                      and not (e[3] and loc.atomic))
    cell = mine.get(loc.key)
    if cell is None:
        cell = mine[loc.key] = _Cell()
    if write:
        cell.write, cell.reads = me, {}
    else:
        cell.reads[tid] = me
    return racing


def _report(found, trace, names, earlier, step):
    first_step = earlier[2]
    (t1, op1), (t2, op2) = trace[first_step], trace[step]
    label = op2.obj.xp_name
    sites = sorted([(op1.kind, short(op1.site)), (op2.kind, short(op2.site))])
    signature = ("data-race", label, tuple(sites))
    if signature in found:
        return
    message = (f"data race on {label}: {names[t1]} {op1.kind}s it at {short(op1.site)} and "
               f"{names[t2]} {op2.kind}s it at {short(op2.site)} with nothing ordering the two "
               "(no lock, join, queue, event or condition between them)")
    found[signature] = Failure("data-race", message, t2, step, {
        "location_name": label, "location": short(op2.site), "thread": names[t2],
        "accesses": [access_json(first_step, t1, op1, names), access_json(step, t2, op2, names)],
        "signature": signature})
