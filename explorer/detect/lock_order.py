"""Lock-order inversion: two locks taken in both orders, even if nothing deadlocked.

As Linux lockdep and ThreadSanitizer's deadlock detector do, every
acquisition of lock B by a thread that already holds lock A adds the edge
A -> B to a lock-order graph; a cycle in it is a possible deadlock, found
on the lucky runs too. The graph accumulates across all executions of an
exploration (a lock is known by its name, which is the same in every
execution: see ``explorer.naming``).

A cycle is only reported when its edges can be taken at the same time:
by pairwise distinct threads, holding pairwise disjoint sets of other locks
(lockdep's "gate lock": if both threads hold G around their nested
acquisitions, they cannot deadlock on A and B).

:class:`LockOrder` observes one execution record after another and returns
failures; it never steers the exploration.
"""
import itertools

import networkx as nx

from ..naming import static_name
from ..primitives.lock import Lock, RLock
from ..runtime.execution import Failure
from ..runtime.ops import ACQUIRE, RELEASE
from ..runtime.sites import short

MAX_CYCLE = 6          # longer lock cycles are rare and expensive to enumerate
_MAX_SEEN = 8          # observations kept per edge (distinct thread / gate sets)
_MAX_SHAPES = 10_000   # sets of edges whose cycles are remembered


class Edge:
    """One observation of A -> B: who took B while holding A, where, under which gates."""

    __slots__ = ("thread", "held_at", "taken_at", "gates", "schedule")

    def __init__(self, thread, held_at, taken_at, gates, schedule):
        self.thread, self.held_at, self.taken_at = thread, held_at, taken_at
        self.gates, self.schedule = gates, schedule

    def key(self):
        return (self.thread, self.gates)


def edges(record):
    """The lock-order edges of one execution: {(A, B): [Edge, ...]} in trace order."""
    found = {}
    held = {}                  # thread -> {lock name: acquisition site}, in order
    trace = record.trace
    for step, (thread, op) in enumerate(trace):
        if not isinstance(op.obj, (Lock, RLock)):
            continue
        modes = _modes(op)
        name = lock_name(op.obj)
        mine = held.setdefault(thread, {})
        if op.kind == "acquire" and modes & ACQUIRE and _took(trace, step, thread, op):
            for other, site in mine.items():
                if other != name:
                    gates = frozenset(mine) - {other, name}
                    edge = Edge(thread, site, op.site, gates, record.schedule)
                    _remember(found.setdefault((other, name), []), edge)
            mine[name] = op.site
        elif op.kind == "release" and modes & RELEASE:
            mine.pop(name, None)
    return found


def lock_name(lock):
    """The lock's name from its creation site, the same in every execution.

    Not the display name: a deadlock may refine that one from the frames of
    that execution only (``explorer.naming.refine``). Cached: naming reads
    the source's syntax tree, and every lock operation asks.
    """
    key = (lock._kind, lock._site, lock._ordinal)
    name = _NAMES.get(key)
    if name is None:
        if len(_NAMES) >= _MAX_NAMES:
            _NAMES.clear()
        name = _NAMES[key] = static_name(*key)
    return name


_NAMES = {}            # (kind, creation site, ordinal) -> static name
_MAX_NAMES = 10_000


def _modes(op):
    modes = 0
    for _, mode in op.accesses:
        modes |= mode
    return modes


def _took(trace, step, thread, op):
    """Did this acquire take the lock? A blocking one always does; a try is
    known by what the thread does next with the lock (it releases it only if
    it got it)."""
    if op.ready is not None:
        return True
    for later_thread, later in trace[step + 1:]:
        if later_thread == thread and later.obj is op.obj:
            return later.kind == "release"
    return False


def _remember(seen, edge):
    if len(seen) < _MAX_SEEN and all(e.key() != edge.key() for e in seen):
        seen.append(edge)


def feasible_cycles(graph):
    """Yield ``(locks, [Edge per edge of the cycle])`` for cycles that can deadlock."""
    for cycle in nx.simple_cycles(graph, length_bound=MAX_CYCLE):
        pairs = list(zip(cycle, cycle[1:] + cycle[:1]))
        options = [graph.edges[p]["seen"] for p in pairs]
        for choice in itertools.islice(itertools.product(*options), 256):
            if _concurrent(choice):
                yield _rotated(cycle, list(choice))
                break


def _concurrent(choice):
    threads = [e.thread for e in choice]
    if len(set(threads)) != len(threads):
        return False
    return all(not (a.gates & b.gates) for a, b in itertools.combinations(choice, 2))


def _rotated(cycle, choice):
    """Start the cycle at its smallest lock name, so one cycle has one signature."""
    start = cycle.index(min(cycle))
    return cycle[start:] + cycle[:start], choice[start:] + choice[:start]


class LockOrder:
    """The lock-order graph of an exploration; reports each inversion once.

    An inversion seen within one execution is reported with that
    execution's schedule (its replay shows both orders). One seen only
    across executions is reported with the execution that took the closing
    edge, and the message gives the schedule that took the other order; if
    a later execution shows the whole cycle by itself, it is returned again
    with ``details["replaces"]`` True: a better witness of the same cycle.
    """

    def __init__(self):
        self.graph = nx.DiGraph()
        self._reported = {}    # cycle signature -> True if witnessed by one execution
        self._cycles = {}      # an execution's set of edges -> the keys of its cycles

    def observe(self, record):
        """Add one execution; return record views reporting new (or better) inversions."""
        local = edges(record)
        if not local:
            return []
        fresh = self._merge(local)
        found = self._own(record, local)
        if fresh:
            for locks, choice in feasible_cycles(self.graph):
                found.extend(self._report(record, locks, choice, alone=False))
        return found

    def _own(self, record, local):
        """Inversions within one execution: reported ones are skipped without a search.

        When every cycle of the execution's lock graph was already reported
        as seen within one execution, nothing can be new: most executions of
        an exploration take the same lock orders again.
        """
        edge_set = frozenset(local)
        cycles = self._cycles.get(edge_set)
        if cycles is None:
            if len(self._cycles) >= _MAX_SHAPES:
                self._cycles.clear()
            cycles = self._cycles[edge_set] = _cycle_keys(edge_set)
        if all(self._reported.get(key) is True for key in cycles):
            return []
        found = []
        for locks, choice in feasible_cycles(_graph(local)):
            found.extend(self._report(record, locks, choice, alone=True))
        return found

    def _merge(self, local):
        fresh = False
        for (a, b), seen in local.items():
            if not self.graph.has_edge(a, b):
                self.graph.add_edge(a, b, seen=[])
            kept = self.graph.edges[a, b]["seen"]
            before = len(kept)
            for edge in seen:
                _remember(kept, edge)
            fresh = fresh or len(kept) != before
        return fresh

    def _report(self, record, locks, choice, alone):
        key = tuple(locks)
        if key in self._reported and (self._reported[key] or not alone):
            return []
        replaces = key in self._reported
        self._reported[key] = alone
        failure = Failure("lock-order-inversion", message(locks, choice, record.schedule, alone),
                          details={"cycle": list(locks), "signature": " -> ".join(locks),
                                   "replaces": replaces, "edges": _edge_rows(locks, choice)})
        view = record.focused_on(failure) if hasattr(record, "focused_on") else record
        view.cycle = list(locks)
        return [view]


def _cycle_keys(edge_set):
    """The keys (rotated lock tuples, as reported) of every cycle through these edges."""
    g = nx.DiGraph(sorted(edge_set))
    return frozenset(tuple(_rotated(c, c)[0]) for c in nx.simple_cycles(g, length_bound=MAX_CYCLE))


def _edge_rows(locks, choice):
    """The cycle's edges as plain dicts, for diagrams."""
    pairs = zip(locks, list(locks[1:]) + [locks[0]], choice)
    return [{"from": a, "to": b, "thread": e.thread, "held_at": short(e.held_at),
             "taken_at": short(e.taken_at)} for a, b, e in pairs]


def _graph(local):
    g = nx.DiGraph()
    for (a, b), seen in local.items():
        g.add_edge(a, b, seen=seen)
    return g


def message(locks, choice, schedule, alone):
    """Say, per edge, which thread took which lock while holding which, and where."""
    order = " -> ".join(list(locks) + [locks[0]])
    parts = []
    for a, b, edge in zip(locks, list(locks[1:]) + [locks[0]], choice):
        parts.append(f"{edge.thread} took {b} at {short(edge.taken_at)} while holding {a} "
                     f"(taken at {short(edge.held_at)})")
    text = f"locks taken in inconsistent order {order}: " + "; ".join(parts)
    if alone:
        return text + ("; this execution took both orders, so another interleaving "
                       "can deadlock")
    others = sorted({e.schedule for e in choice if e.schedule != schedule})
    return (text + "; this execution took the last of these orders, the others were taken "
            f"in other executions (schedule {', '.join(others)})")
