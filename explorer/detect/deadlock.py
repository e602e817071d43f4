"""Deadlock: nobody can run. Build the wait-for graph and find its cycle.

Nodes are threads and the objects they wait on; edges are "waits for"
(thread -> object) and "held by" (lock -> owner thread). A cycle is the
classic deadlock; without one, each blocked thread is described with what
it waits on, which is why nobody can wake it.
"""
import networkx as nx

from ..naming import object_name
from ..runtime.sites import short


def wait_for_graph(blocked, threads):
    """Return the wait-for graph of blocked ``(tid, op)`` pairs as a networkx DiGraph.

    Node attributes: ``kind`` ("thread" or the object's type), ``label``.
    Edge attributes: ``rel`` ("waits for" / "held by" / "joins"), ``location``.
    """
    g = nx.DiGraph()
    for tid, op in blocked:
        tname = threads[tid].name
        g.add_node(tname, kind="thread", label=tname)
        target = op.waits_for
        if target is None:
            continue
        if hasattr(target, "_lt") and target._lt is not None:   # join on a thread
            g.add_node(target._lt.name, kind="thread", label=target._lt.name)
            g.add_edge(tname, target._lt.name, rel="joins", location=short(op.site))
            continue
        oname = object_name(target) if not isinstance(target, str) else target
        g.add_node(oname, kind=type(target).__name__, label=oname)
        g.add_edge(tname, oname, rel="waits for", location=short(op.site), op=op.kind)
        owner = getattr(target, "_owner", None)
        if owner is not None and hasattr(owner, "name"):
            g.add_node(owner.name, kind="thread", label=owner.name)
            g.add_edge(oname, owner.name, rel="held by")
    return g


def describe(blocked, threads):
    """Return ``(message, cycle, graph)`` for a deadlock."""
    g = wait_for_graph(blocked, threads)
    cycle = None
    try:
        edges = nx.find_cycle(g)
        cycle = [u for u, _ in edges]
    except nx.NetworkXNoCycle:
        pass
    lines = []
    for tid, op in blocked:
        t = threads[tid]
        lines.append(f"{t.name} waits in {op.kind} on {_waited(op)} at {short(op.site)}")
    if cycle:
        head = "wait-for cycle " + " -> ".join(cycle + [cycle[0]])
    else:
        head = "no thread can run and none can wake the others"
    return head + "; " + "; ".join(lines), cycle, g


def _waited(op):
    target = op.waits_for
    if isinstance(target, str):
        return target
    text = object_name(target) or op.kind
    owner = getattr(target, "_owner", None)
    if owner is not None and hasattr(owner, "name"):
        text += f" (held by {owner.name})"
    return text


def annotate(failure, blocked, threads):
    """Runtime hook: describe a deadlock while owners are still recorded."""
    failure.message, failure.details["cycle"], failure.details["graph"] = describe(blocked, threads)
