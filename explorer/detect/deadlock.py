"""Deadlock: nobody can run. Build the wait-for graph and find its cycle.

Nodes are threads (``kind="thread"``) and the objects they wait on
(``kind`` = the primitive's type); edges are ``rel`` = "waits for"
(thread -> object), "held by" (lock or semaphore -> holder) and "joins"
(thread -> thread, also the main thread waiting for non-daemon threads at
exit). Every edge has a ``location`` (``file.py:LINE``): where the thread
waits, or where the holder took the object. A cycle is the classic
deadlock; without one, each blocked thread is described with what it waits
on and why nobody can wake it (every other thread is blocked or finished).

The graph is built by :func:`annotate` while the blocked threads still
exist (before teardown); it holds only strings, so it outlives them.
"""
import networkx as nx

from ..naming import PKG_DIR, object_name, refine
from ..runtime import kernel
from ..runtime.ops import ACQUIRE, RELEASE
from ..runtime.sites import short


def annotate(failure, blocked, threads):
    """Runtime hook: describe a deadlock while owners and frames are still there."""
    ex = kernel.execution()
    trace = ex.trace if ex is not None else []
    waited = [op.waits_for for _, op in blocked if op.waits_for is not None]
    refine([w for w in waited if hasattr(w, "xp_rename")], threads, _module_globals(threads))
    message, cycle, graph = describe(blocked, threads, trace)
    failure.message = message
    failure.details["cycle"] = cycle
    failure.details["graph"] = graph
    failure.details["closing_step"] = closing_step(trace, cycle, threads)


def describe(blocked, threads, trace=()):
    """Return ``(message, cycle, graph)`` for a deadlock."""
    g = wait_for_graph(blocked, threads, trace)
    cycle = find_cycle(g, [t.name for t in threads])
    lines = [_why(g, threads[tid].name, op) for tid, op in blocked]
    if cycle:
        head = "wait-for cycle " + " -> ".join(cycle + [cycle[0]])
    else:
        head = "no wait-for cycle, but no thread can run and none can wake the others"
    return head + "; " + "; ".join(lines), cycle, g


def wait_for_graph(blocked, threads, trace=()):
    """Return the wait-for graph of blocked ``(tid, op)`` pairs (see the module docstring)."""
    g = nx.DiGraph()
    held = _holdings(trace)
    for tid, op in blocked:
        tname = threads[tid].name
        g.add_node(tname, kind="thread", label=tname)
        target = op.waits_for
        where = short(op.site)
        if op.kind == "shutdown":
            for t in threads:
                if t.tid != tid and not t.finished and not t.daemon:
                    g.add_node(t.name, kind="thread", label=t.name)
                    g.add_edge(tname, t.name, rel="joins", location=where, op="exit")
        elif getattr(target, "_lt", None) is not None:            # join on a thread
            g.add_node(target._lt.name, kind="thread", label=target._lt.name)
            g.add_edge(tname, target._lt.name, rel="joins", location=where, op=op.kind)
        elif target is not None:
            oname = object_name(target)
            g.add_node(oname, kind=type(target).__name__, label=oname, state=_state(target))
            g.add_edge(tname, oname, rel="waits for", location=where, op=op.kind)
            for holder, site in _holders(target, held, threads):
                g.add_node(holder, kind="thread", label=holder)
                g.add_edge(oname, holder, rel="held by", location=site)
    return g


def find_cycle(g, order):
    """A cycle of the graph as node names, starting at its earliest thread (or None)."""
    try:
        nodes = [u for u, _ in nx.find_cycle(g)]
    except nx.NetworkXNoCycle:
        return None
    rank = {name: i for i, name in enumerate(order)}
    start = min(range(len(nodes)), key=lambda i: rank.get(nodes[i], len(rank)))
    return nodes[start:] + nodes[:start]


def closing_step(trace, cycle, threads):
    """The step that closed the cycle: the last acquisition of a lock on it (None without one)."""
    on_cycle = set(cycle or ())
    for step in range(len(trace) - 1, -1, -1) if cycle else ():
        tid, op = trace[step]
        if op.kind == "acquire" and object_name(op.obj) in on_cycle \
                and threads[tid].name in on_cycle:
            return step
    return None


def _holdings(trace):
    """Per object id: {thread name: [count, site of the first acquisition]} from the trace.

    Counts only acquisitions that took something (an ACQUIRE access) minus
    releases, so a semaphore's holders are the threads that took more than
    they gave back, and an RLock re-entry is not counted twice.
    """
    held = {}
    for tid, op in trace:
        modes = 0
        for _, mode in op.accesses:
            modes |= mode
        if op.kind == "acquire" and modes & ACQUIRE:
            entry = held.setdefault(id(op.obj), {}).setdefault(tid, [0, op.site])
            entry[0] += 1
            if entry[0] == 1:
                entry[1] = op.site
        elif op.kind == "release" and modes & RELEASE and id(op.obj) in held:
            entry = held[id(op.obj)].get(tid)
            if entry is not None:
                entry[0] -= 1
    return held


def _holders(target, held, threads):
    """(thread name, acquisition location) of each holder of a lock or semaphore."""
    owner = getattr(target, "_owner", None)
    per_thread = held.get(id(target), {})
    if owner is not None and hasattr(owner, "name"):
        entry = per_thread.get(owner.tid)
        return [(owner.name, short(entry[1]) if entry else "?")]
    if hasattr(target, "_value"):     # a semaphore: whoever took more than they released
        return [(threads[tid].name, short(site)) for tid, (count, site) in per_thread.items()
                if count > 0]
    return []


def _state(target):
    """A short description of why the object blocks its waiters."""
    if hasattr(target, "_parties"):
        return f"{target._count} of {target._parties} parties arrived"
    if hasattr(target, "unfinished_tasks"):
        size = target._qsize()
        text = f"{size} item{'s' if size != 1 else ''}"
        if target.maxsize > 0:
            text += f", maxsize {target.maxsize}"
        return text + f", {target.unfinished_tasks} unfinished tasks"
    if hasattr(target, "_value"):
        return f"value {target._value}"
    if hasattr(target, "_waiters"):
        return f"{len(target._waiters)} waiting"
    if hasattr(target, "_flag"):
        return "set" if target._flag else "not set"
    if hasattr(target, "_count") and getattr(target, "_owner", None) is not None:
        return f"count {target._count}"
    return ""


def _why(g, tname, op):
    """One blocked thread: what it waits on, who holds it, why nobody wakes it."""
    target = op.waits_for
    where = short(op.site)
    if op.kind == "shutdown":
        others = [v for _, v in g.out_edges(tname)]
        return f"{tname} waits at exit for non-daemon threads {', '.join(others)} at {where}"
    if getattr(target, "_lt", None) is not None:
        return f"{tname} joins {target._lt.name} at {where}"
    if target is None or isinstance(target, str):
        return f"{tname} waits in {op.kind} on {target or '?'} at {where}"
    oname = object_name(target)
    holders = [f"{v} (since {d['location']})" for _, v, d in g.out_edges(oname, data=True)
               if d["rel"] == "held by"]
    text = f"{tname} waits in {op.kind} on {oname} at {where}"
    if holders:
        return text + ", held by " + ", ".join(holders)
    return text + _nobody(target, op)


def _nobody(target, op):
    """Why no thread can wake a waiter on an object nobody holds."""
    state = _state(target)
    if hasattr(target, "_parties"):
        return f": {state}, no other thread can arrive"
    if hasattr(target, "unfinished_tasks"):
        if op.kind == "join":
            return (f": {target.unfinished_tasks} unfinished tasks and no thread can call "
                    "task_done() (a task_done() missing?)")
        if op.kind == "put":
            return f": the queue is full ({state}) and no thread can get"
        return ": the queue is empty and no thread can put"
    if hasattr(target, "_waiters"):
        return ": waits for a notify() that no thread can send (a missed notify?)"
    if hasattr(target, "_flag"):
        return ": the event is not set and no thread can set it"
    if hasattr(target, "_value"):
        return f": {state} and no thread can release it"
    return ""


def _module_globals(threads):
    """The target module's globals, from the main thread's outermost user frame."""
    main = threads[0] if threads else None
    f = main.glet.gr_frame if main is not None and main.glet is not None else None
    found = None
    while f is not None:
        if not f.f_code.co_filename.startswith(PKG_DIR):
            found = f.f_globals
        f = f.f_back
    return found

