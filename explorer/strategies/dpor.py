"""Dynamic partial-order reduction: source sets with sleep sets.

Two executions that differ only in the order of independent operations
(different locations, two reads, a lock release and anything) are
equivalent (the same Mazurkiewicz trace), and one of them suffices. This is
Source-DPOR (Abdulla, Aronis, Jonsson, Sagonas: "Optimal dynamic partial
order reduction", POPL 2014, Algorithm 1; JACM 2017 "Source sets"):

* while an execution runs, every operation is checked for *races*: an
  earlier conflicting operation of another thread that is not already
  ordered before it by happens-before (vector clocks);
* for a race ``e`` .. ``e'``, the sequence ``v = notdep(e).e'`` (what does
  not depend on ``e``, then ``e'``) must be tried before ``e``; unless a
  thread already scheduled at that point starts an equivalent sequence
  (the *initials* of ``v``), one initial is added to that point's backtrack set;
* sleep sets stop re-exploring a thread whose move was already covered,
  until something it conflicts with happens.

Blocking is handled as the runtime models it: a blocked thread's pending
operation still races (at the end of an execution it is checked like an
executed one), and a race whose later operation was disabled right before
the earlier one ran is not reversible (that earlier operation enabled it).

Executions cut short because every enabled thread sleeps are *pruned*:
the result counts them apart (``pruned``), not as executions. Optimal DPOR
(wakeup trees) would avoid them; it needs operations to be compared across
executions, which Python object identities do not allow cheaply.
"""
from ..runtime.ops import ACQUIRE, READ, RELEASE, WRITE
from .base import Strategy

_CONFLICT = READ | WRITE
_EVERYTHING = (("*every step*", WRITE),)


class _Event:
    __slots__ = ("tid", "index", "clock", "op")

    def __init__(self, tid, index, clock, op):
        self.tid, self.index, self.clock, self.op = tid, index, clock, op


class _Node:
    """A state on the current path: who ran, who sleeps, who is left to try."""

    __slots__ = ("chosen", "enabled", "backtrack", "done", "sleep", "hints")

    def __init__(self, enabled, sleep):
        self.enabled = enabled
        self.sleep = sleep
        self.backtrack = set()
        self.done = set()
        self.chosen = None
        self.hints = {}     # backtrack thread -> the rest of the race's sequence v


def _hb(e, clock):
    """Whether event ``e`` happens before a point whose vector clock is ``clock``."""
    t = e.tid
    return t < len(clock) and e.clock[t] <= clock[t]


def _join(a, b):
    if len(a) < len(b):
        a.extend([0] * (len(b) - len(a)))
    for i, v in enumerate(b):
        if v > a[i]:
            a[i] = v


class DPOR(Strategy):
    """Explore one execution per Mazurkiewicz trace (up to sleep-set pruning).

    Args:
        all_dependent: treat every two steps as conflicting. Used at ``sync``
            granularity, where shared memory between yield points is not
            observed and so cannot be proven independent.
    """

    name = "dpor"

    def __init__(self, all_dependent=False, **_options):
        self._all = all_dependent
        self._nodes = []
        self._replay_to = -1
        self._started = False

    # -- driving executions ------------------------------------------------
    def begin(self):
        if self._started and not self._backtrack():
            self.complete = True
            return False
        self._started = True
        self._events = []
        self._clocks = {}
        self._sync = {}
        self._mem = {}
        self._blocked = {}
        self._guide = []
        return True

    def _backtrack(self):
        nodes = self._nodes
        while nodes:
            node = nodes[-1]
            node.done.add(node.chosen)
            todo = node.backtrack - node.done - node.sleep
            todo.intersection_update(node.enabled)
            if todo:
                self._replay_to = len(nodes) - 1
                return True
            nodes.pop()
        return False

    def choose(self, point):
        k = point.step
        nodes = self._nodes
        for tid, op in point.pending.items():
            if tid not in point.enabled:
                self._blocked.setdefault(id(op), set()).add(k)
        if k < len(nodes) and k < self._replay_to:
            tid = nodes[k].chosen
        elif k < len(nodes):
            node = nodes[k]
            todo = (node.backtrack - node.done - node.sleep) & set(node.enabled)
            tid = min(todo)
            node.chosen = tid
            self._guide = list(node.hints.get(tid, ()))
        else:
            tid = self._fresh(point)
            if tid is None:
                return None
        self._execute(tid, point)
        return tid

    def _fresh(self, point):
        """A new state: pick a thread not asleep, the current one first."""
        nodes = self._nodes
        if nodes:
            parent = nodes[-1]
            sleeping = parent.sleep | parent.done
            pending = self._prev_pending
            moved = pending[parent.chosen]
            sleep = {q for q in sleeping
                     if q in point.pending and q != parent.chosen
                     and not self._dependent(pending.get(q), moved)}
        else:
            sleep = set()
        node = _Node(tuple(point.enabled), sleep)
        awake = [t for t in point.enabled if t not in sleep]
        if not awake:
            return None
        guide = self._guide
        if guide and guide[0] in awake:
            tid = guide.pop(0)
        else:
            guide.clear()
            tid = point.current if point.current in awake else awake[0]
        node.chosen = tid
        node.backtrack.add(tid)
        nodes.append(node)
        return tid

    def end(self, execution):
        if execution.pruned:
            return
        final = execution.final
        exit_event = self._program_exit()
        for tid, op in final.pending.items():
            if op is None:  # the thread stopped the run (it raised)
                continue
            self._race_pending(tid, op)
            if exit_event is not None and exit_event.index not in self._blocked.get(id(op), ()):
                # the program's exit kills daemon threads: it conflicts with their next step
                self._reverse(exit_event, tid, self._clocks.get(tid, []), [exit_event],
                              len(self._events))

    def _program_exit(self):
        """The main thread's exit event, when the program ended with it."""
        events = self._events
        if events and events[-1].tid == 0 and events[-1].op.kind == "exit":
            return events[-1]
        return None

    # -- dependence ----------------------------------------------------------
    def _accesses(self, op):
        return op.accesses + _EVERYTHING if self._all else op.accesses

    def _dependent(self, a, b):
        if a is None or b is None:
            return True
        for ka, ma in self._accesses(a):
            if not ma & _CONFLICT:
                continue
            for kb, mb in self._accesses(b):
                if ka == kb and mb & _CONFLICT and (ma | mb) & WRITE:
                    return True
        return False

    # -- happens-before and races -------------------------------------------
    def _clock(self, tid):
        clock = self._clocks.get(tid)
        if clock is None:
            clock = self._clocks[tid] = []
        return clock

    def _execute(self, tid, point):
        """Record ``tid``'s pending operation as the next event; detect its races."""
        self._prev_pending = point.pending
        op = point.pending[tid]
        index = len(self._events)
        clock = self._clock(tid)
        before = list(clock)
        preds = []
        for key, mode in self._accesses(op):
            if mode & _CONFLICT:
                preds.extend(self._conflicting(key, mode, tid))
        if len(clock) <= tid:
            clock.extend([0] * (tid + 1 - len(clock)))
        clock[tid] += 1
        for key, mode in self._accesses(op):
            if mode & ACQUIRE and key in self._sync:
                _join(clock, self._sync[key])
        for e in preds:
            _join(clock, e.clock)
        event = _Event(tid, index, list(clock), op)
        self._events.append(event)
        for e in preds:
            if not _hb(e, before) and e.index not in self._blocked.get(id(op), ()):
                self._reverse(e, tid, before, preds, index)
        for key, mode in self._accesses(op):
            if mode & RELEASE:
                sync = self._sync.setdefault(key, [])
                _join(sync, clock)
            if mode & WRITE:
                self._mem[key] = [event, []]
            elif mode & READ:
                self._mem.setdefault(key, [None, []])[1].append(event)

    def _conflicting(self, key, mode, tid):
        """Earlier events of other threads that conflict with an access (key, mode)."""
        state = self._mem.get(key)
        if state is None:
            return []
        last_write, reads = state
        found = [last_write] if last_write is not None and last_write.tid != tid else []
        if mode & WRITE:
            found.extend(r for r in reads if r.tid != tid)
        return found

    def _race_pending(self, tid, op):
        """At the end, a thread still pending on ``op`` races like an executed one."""
        clock = self._clocks.get(tid, [])
        preds = []
        for key, mode in self._accesses(op):
            if mode & _CONFLICT:
                preds.extend(self._conflicting(key, mode, tid))
        blocked = self._blocked.get(id(op), ())
        for e in preds:
            if not _hb(e, clock) and e.index not in blocked:
                self._reverse(e, tid, clock, preds, len(self._events))

    def _reverse(self, e, tid, before, preds, upto):
        """Make sure some initial of ``notdep(e).tid`` is tried at e's state."""
        node = self._nodes[e.index]
        initials = self._initials(e, tid, before, preds, upto)
        if initials & node.backtrack or initials & node.sleep:
            return  # an equivalent sequence is already scheduled or covered
        for q in initials:
            if q in node.enabled:
                node.backtrack.add(q)
                node.hints[q] = self._sequence(e, tid, upto, q)
                return

    def _sequence(self, e, tid, upto, first):
        """The thread ids of ``v = notdep(e).e'`` with ``first``'s first step taken out."""
        seq = [x.tid for x in self._events[e.index + 1:upto] if not _hb(e, x.clock)]
        seq.append(tid)
        seq.remove(first)
        return seq

    def _initials(self, e, tid, before, preds, upto):
        """Threads whose first event in ``v = notdep(e).e'`` depends on nothing earlier in v."""
        first = {}          # thread -> clock component of its first event in v
        initials = []
        for x in self._events[e.index + 1:upto]:
            if _hb(e, x.clock):
                continue
            if x.tid not in first:
                if all(x.clock[u] < c if u < len(x.clock) else True
                       for u, c in first.items()):
                    initials.append(x.tid)
                first[x.tid] = x.clock[x.tid]
        if tid not in first:
            in_v = [d for d in preds if d is not e and not _hb(e, d.clock)]
            def ordered_before(u, c):
                return (u < len(before) and before[u] >= c) or any(
                    u < len(d.clock) and d.clock[u] >= c for d in in_v)
            if not any(ordered_before(u, c) for u, c in first.items()):
                initials.append(tid)
        ordered = sorted(set(initials), key=lambda t: (t != tid, t))
        return _OrderedSet(ordered)


class _OrderedSet(list):
    """A list of initials that also answers ``&`` with a set (first-preferred order)."""

    def __and__(self, other):
        return {t for t in self if t in other}
