"""The state graph: distinct states and the operations that lead between them.

Built incrementally while exploring (one path per execution), then handed
out as a networkx ``MultiDiGraph`` and exported as DOT/SVG/PNG, GraphML or
JSON (networkx ``node_link_data``).

Node attributes
---------------
label : str
    Readable state: threads' positions, locals, primitives, globals.
initial : bool
    The state before the first step.
final : bool
    An execution ended here and returned; ``outcome`` holds the returned
    value(s) as ``repr`` (several joined by `` | `` when they share a state).
deadlock : bool
    An execution ended here with no thread able to run.
failure : str
    Kinds of the failures of executions ending here (``""`` if none).

Edge attributes
---------------
thread, op, location : str
    Who took the step, the operation's kind and its source line.
label : str
    ``thread: op @ location``. Parallel edges differ by this label.
"""
import json
import os

import graphviz
import networkx as nx

from ..render.tools import NoRenderer, format_of, render
from .state import describe

READABLE_NODES = 60
_END_NONE = frozenset()


class StateGraph:
    """Distinct states (interned keys) and distinct labelled transitions."""

    def __init__(self):
        self.ids = {}        # state key -> node id
        self.keys = []       # node id -> state key
        self.edges = {}      # (u, v, thread, op, location) -> times taken
        self.initial = set()
        self.ends = {}       # node id -> {("outcome", repr) | (failure kind, message)}

    def __len__(self):
        return len(self.keys)

    def node(self, key):
        """The node id of a state key, adding the node if new."""
        nid = self.ids.get(key)
        if nid is None:
            nid = self.ids[key] = len(self.keys)
            self.keys.append(key)
        return nid

    def add_path(self, keys, steps, end=None, loops=()):
        """Add one execution: ``keys[i]`` --``steps[i]``--> ``keys[i+1]``; return node ids.

        ``end`` marks the last state: ``("outcome", repr)``, ``("deadlock", message)``
        or ``(failure kind, message)``; None for an execution cut short.
        ``loops``: ``(index, step)`` self-loops, a spinning thread going round.
        """
        ids = [self.node(k) for k in keys]
        if ids:
            self.initial.add(ids[0])
        for u, v, step in zip(ids, ids[1:], steps):
            edge = (u, v) + tuple(step)
            self.edges[edge] = self.edges.get(edge, 0) + 1
        for i, step in loops:
            edge = (ids[i], ids[i]) + tuple(step)
            self.edges[edge] = self.edges.get(edge, 0) + 1
        if end is not None and ids:
            self.ends.setdefault(ids[-1], set()).add(end)
        return ids

    def label(self, nid):
        return describe(self.keys[nid])

    def to_networkx(self):
        """A ``MultiDiGraph`` with the attributes documented in the module docstring."""
        g = nx.MultiDiGraph()
        for nid in range(len(self.keys)):
            ends = self.ends.get(nid, _END_NONE)
            outcomes = sorted(v for k, v in ends if k == "outcome")
            kinds = sorted({k for k, _ in ends if k != "outcome"})
            g.add_node(nid, label=self.label(nid), initial=nid in self.initial,
                       final=bool(outcomes), outcome=" | ".join(outcomes),
                       deadlock="deadlock" in kinds, failure=", ".join(kinds))
        for (u, v, thread, op, location), count in self.edges.items():
            label = f"{thread}: {op}" + ("" if location == "?:0" else f" @ {location}")
            g.add_edge(u, v, key=label, thread=thread, op=op, location=location, label=label,
                       count=count)
        return g


def summary_graph(g, limit=READABLE_NODES):
    """Shrink a big graph to what a person can read: shortest paths from the
    initial state to every failing state and to one final state per outcome.

    Returns ``(graph, note)``; ``note`` is None when ``g`` was small enough.
    """
    if g.number_of_nodes() <= limit:
        return g, None
    starts = [n for n, d in g.nodes(data=True) if d["initial"]]
    failing = [n for n, d in g.nodes(data=True) if d["failure"]]
    finals, seen = [], set()
    for n, d in g.nodes(data=True):
        if d["final"] and d["outcome"] not in seen:
            seen.add(d["outcome"])
            finals.append(n)
    keep = set(starts)
    for targets in (failing, finals):
        for target in targets:
            path = _shortest(g, starts, target)
            if len(keep | set(path)) > limit and keep != set(starts):
                break
            keep.update(path)
    note = (f"summary of {g.number_of_nodes()} states and {g.number_of_edges()} transitions: "
            f"shortest paths to {len(failing)} failing and {len(finals)} final states")
    return g.subgraph(keep).copy(), note


def _shortest(g, starts, target):
    for s in starts:
        try:
            return nx.shortest_path(g, s, target)
        except nx.NetworkXNoPath:
            continue
    return [target]


def to_dot(g, title=None):
    """DOT source for a state graph (summarise it first if it is big)."""
    dot = graphviz.Digraph("states", graph_attr={"rankdir": "TB", "fontsize": "10"},
                           node_attr={"shape": "box", "fontname": "Helvetica",
                                      "fontsize": "9"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "8"})
    if title:
        dot.attr(label=title, labelloc="t")
    for n, d in g.nodes(data=True):
        text = d["label"]
        style = {}
        if d["initial"]:
            style.update(penwidth="2.5")
        if d["final"]:
            text += f"\n=> {d['outcome']}"
            style.update(style="filled", fillcolor="palegreen")
        if d["failure"]:
            text += f"\n!! {d['failure']}"
            style.update(style="filled", fillcolor="lightpink" if d["deadlock"] else "orange")
        dot.node(str(n), text.replace("\\", "\\\\").replace("\n", "\\l") + "\\l", **style)
    for u, v, d in g.edges(data=True):
        dot.edge(str(u), str(v), label=d["label"])
    return dot.source


def result_dot(result):
    """DOT of an exploration's state graph, summarised when big (``--graph`` when no
    deadlock or lock cycle was found)."""
    small, note = summary_graph(result.graph.to_networkx())
    title = note or (f"{result.target}: {len(result.graph)} states, "
                     f"{len(result.graph.edges)} transitions")
    if result.states_partial:
        title += " (the first executions' states only)"
    return to_dot(small, title)


def write(g, path):
    """Export ``g`` by the suffix of ``path``: .dot/.gv, .svg, .png, .graphml, .json.

    Returns a one-line note for the user (a summary was drawn, or no renderer
    was found and DOT was written instead), or None.
    """
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".graphml":
        nx.write_graphml(g, path)
        return None
    if suffix == ".json":
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(nx.node_link_data(g, edges="links"), fh, indent=1, default=str)
        return None
    fmt = format_of(path)
    if fmt is None:
        raise ValueError(f"unknown graph format {suffix or path!r}: use .dot, .svg, .png, "
                         ".graphml or .json")
    small, note = summary_graph(g)
    source = to_dot(small, note)
    if fmt == "dot":
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(source)
        return note
    try:
        picture = render(source, fmt)
    except NoRenderer as exc:
        with open(path + ".dot", "w", encoding="utf-8") as fh:
            fh.write(source)
        return f"could not draw {path}: {exc}; wrote {path}.dot instead"
    with open(path, "wb") as fh:
        fh.write(picture)
    return note
