"""The deadlock diagram: the wait-for graph of a deadlocked execution, as DOT.

Threads are ellipses, the objects they wait on are boxes; "waits for",
"held by" and "joins" edges are labelled with their source line, and the
cycle (when there is one) is drawn red and bold. The graph comes from
``failure.details["graph"]`` (``explorer.detect.deadlock``): only its node
and edge attributes are read.
"""
from .tools import digraph, render

CYCLE_COLOR = "#d62728"
_THREAD = {"shape": "ellipse", "style": "filled", "fillcolor": "#fff3c4"}
_OBJECT = {"shape": "box", "style": "filled,rounded", "fillcolor": "#e8eef7"}


def cycle_edges(cycle):
    """The (u, v) pairs of a cycle given as a node list (closing back to the start)."""
    if not cycle:
        return set()
    return set(zip(cycle, cycle[1:] + cycle[:1]))


def deadlock_dot(record):
    """Return the DOT text of a deadlock record's wait-for graph."""
    failure = record.failure
    graph = failure.details["graph"]
    cycle = failure.details.get("cycle") or []
    on_cycle = cycle_edges(cycle)
    title = ("deadlock: wait-for cycle " + " \u2192 ".join(cycle + cycle[:1]) if cycle
             else "deadlock without a cycle: nobody can wake the waiting threads")
    dot = digraph("deadlock", title)
    if len(cycle) >= 6:   # three threads or more: a ring reads better than a long line
        dot.attr(layout="neato", overlap="false", splines="true", sep="+12")
    ids = {name: f"n{i}" for i, name in enumerate(graph.nodes)}
    for name, data in graph.nodes(data=True):
        attrs = dict(_THREAD if data.get("kind") == "thread" else _OBJECT)
        label = name if data.get("kind") == "thread" else _object_label(name, data)
        if name in cycle:
            attrs.update(color=CYCLE_COLOR, penwidth="2.5")
        dot.node(ids[name], label, **attrs)
    for u, v, data in graph.edges(data=True):
        attrs = {"label": f"{data.get('rel', '')}\n{data.get('location', '')}"}
        if data.get("rel") == "held by":
            attrs["style"] = "dashed"
        if (u, v) in on_cycle:
            attrs.update(color=CYCLE_COLOR, fontcolor=CYCLE_COLOR, penwidth="2.5",
                         style="bold")
        dot.edge(ids[u], ids[v], **attrs)
    return dot.source


def _object_label(name, data):
    state = data.get("state")
    kind = data.get("kind", "")
    return f"{name}\n{kind}" + (f": {state}" if state else "")


def deadlock_svg(record):
    """The deadlock diagram as SVG text (raises ``tools.NoRenderer`` without Graphviz)."""
    return render(deadlock_dot(record), "svg").decode("utf-8")
