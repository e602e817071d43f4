"""Lost updates: the P4 anomaly of "A Critique of ANSI SQL Isolation Levels".

Thread A reads location x, another thread B writes x, then A writes x
without reading it again: A's write was computed from a value B had already
replaced, so B's write is lost. ``counter += 1`` in two threads, a balance
checked then withdrawn, and check-then-act on a dict (``k in d`` ...
``d[k] = v``) all look like this. A write to a whole container (``append``,
``clear``) counts as a write to each of its items; reading a whole container
(``x in a_list``) is a read of the whole.

The order is the trace's: a lock around the read alone and another around
the write still loses the update, and is reported. A pure function over one
execution's trace, run after it.
"""
from ..instrument.location import WHOLE, Location
from ..runtime.execution import Failure
from ..runtime.sites import short
from .races import access_json, is_benign, shared_objects


def detect(trace, names, benign=frozenset(), shared=None):
    """Return a ``lost-update`` Failure per distinct lost update in ``trace`` [(tid, Op)].

    Args:
        trace: the execution's steps in order.
        names: thread names by tid.
        benign: location names not to report (``__explorer_benign__``).
        shared: ``races.shared_objects(trace)``, if already known (one thread's
            objects lose no update).
    """
    shared = shared_objects(trace) if shared is None else shared
    if not shared:
        return []
    pending = {}    # (tid, location key) -> [step of its read, step of a later foreign write]
    readers = {}    # object id -> {(tid, location key)} with a pending read
    found = {}
    for step, (tid, op) in enumerate(trace):
        loc = op.obj
        if type(loc) is not Location or loc.key[0] not in shared:
            continue
        if op.kind == "read":
            pending[tid, loc.key] = [step, None]
            readers.setdefault(loc.key[0], set()).add((tid, loc.key))
            continue
        mine = pending.pop((tid, loc.key), None)
        if mine is not None and mine[1] is not None and not is_benign(loc, benign):
            _report(found, trace, names, mine[0], mine[1], step)
        _overwrite(pending, readers.get(loc.key[0], ()), tid, loc, step)
    return list(found.values())


def _overwrite(pending, readers, tid, loc, step):
    """Mark other threads' pending reads that this write makes stale."""
    for reader, key in readers:
        if reader == tid or not (loc.whole or key == loc.key or key[1] is WHOLE):
            continue
        entry = pending.get((reader, key))
        if entry is not None and entry[1] is None:
            entry[1] = step


def _report(found, trace, names, read, other, write):
    (a, read_op), (b, other_op), (_, write_op) = trace[read], trace[other], trace[write]
    label = write_op.obj.xp_name
    sites = (short(read_op.site), short(other_op.site), short(write_op.site))
    signature = ("lost-update", label) + sites
    if signature in found:
        return
    message = (f"lost update on {label}: {names[a]} read it at {sites[0]}, {names[b]} wrote "
               f"it at {sites[1]}, then {names[a]} wrote it at {sites[2]} without reading it "
               f"again, so {names[b]}'s write is lost")
    found[signature] = Failure("lost-update", message, a, write, {
        "location_name": label, "location": sites[2], "thread": names[a],
        "accesses": [access_json(read, a, read_op, names), access_json(other, b, other_op, names),
                     access_json(write, a, write_op, names)],
        "signature": signature})
