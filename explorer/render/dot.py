"""``--graph OUT.{dot,svg,png}``: pick the most useful picture of a result and write it.

Today: the wait-for graph of the first deadlock (plus its timeline as
``OUT.timeline.svg``), else the lock-order cycle of the first
lock-order inversion, else a one-node note saying that nothing of the kind
was found. :func:`write_graph` is the one place that chooses.
"""
import os

from ..atomic import write_atomic
from ..graph.stategraph import result_dot
from .deadlock import CYCLE_COLOR, deadlock_dot
from .timeline import timeline_svg
from .tools import NoRenderer, digraph, format_of, render


def write_graph(result, path):
    """Draw ``result`` into ``path`` (format from its extension); return notes for the user.

    Every file is written atomically. Without a Graphviz renderer the DOT
    text is written next to ``path`` (``OUT.dot``) and a note says what to
    install.
    """
    notes = []
    deadlock = _first(result, "deadlock")
    if deadlock is not None:
        source = deadlock_dot(deadlock)
        stem = os.path.splitext(path)[0]
        write_atomic(stem + ".timeline.svg", timeline_svg(deadlock))
        notes.append(f"wrote the interleaving's timeline to {stem}.timeline.svg")
    else:
        inversion = _first(result, "lock-order-inversion")
        source = lock_order_dot(inversion) if inversion is not None else result_dot(result)
    notes.insert(0, _write(source, path))
    return notes


def _first(result, kind):
    return next((r for r in result.failure_records if r.failure.kind == kind), None)


def _write(source, path):
    fmt = format_of(path)
    if fmt == "dot":
        write_atomic(path, source)
        return f"wrote {path}"
    try:
        write_atomic(path, render(source, fmt))
        return f"wrote {path}"
    except NoRenderer as exc:
        fallback = os.path.splitext(path)[0] + ".dot"
        write_atomic(fallback, source)
        return f"could not draw {path}: {exc}; wrote {fallback} instead"


def lock_order_dot(record):
    """The lock-order cycle of an inversion: locks as boxes, one edge per observed order."""
    failure = record.failure
    dot = digraph("lock_order", "lock-order inversion: " + " \u2192 ".join(
        failure.details["cycle"] + failure.details["cycle"][:1]))
    ids = {}
    for name in failure.details["cycle"]:
        ids[name] = f"n{len(ids)}"
        dot.node(ids[name], name, shape="box", style="filled,rounded", fillcolor="#e8eef7",
                 color=CYCLE_COLOR, penwidth="2")
    for edge in failure.details["edges"]:
        label = (f"{edge['thread']}\nholds since {edge['held_at']}\n"
                 f"takes at {edge['taken_at']}")
        dot.edge(ids[edge["from"]], ids[edge["to"]], label=label, color=CYCLE_COLOR,
                 fontcolor=CYCLE_COLOR, penwidth="2.5", style="bold")
    return dot.source
