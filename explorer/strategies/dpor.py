"""Dynamic partial-order reduction: optimal DPOR with wakeup trees.

Two executions that differ only in the order of independent operations
(different locations, two reads, a lock release and anything) are
equivalent (the same Mazurkiewicz trace), and one of them suffices. This is
Optimal-DPOR (Abdulla, Aronis, Jonsson, Sagonas: "Optimal dynamic partial
order reduction", POPL 2014, Algorithm 2; JACM 2017 "Source sets"):

* while an execution runs, every operation is checked for *races*: an
  earlier conflicting operation of another thread that is not already
  ordered before it by happens-before (vector clocks);
* for a race ``e`` .. ``e'``, the sequence ``v = notdep(e).e'`` (what does
  not depend on ``e``, then ``e'``) must be explored from e's state; unless
  a sleeping thread there already covers it, ``v`` goes into that state's
  *wakeup tree* (``wakeup.py``), which keeps it only if no branch starts
  an equivalent execution;
* later executions follow the tree's branches step by step; sleep sets stop
  re-exploring a thread whose move was already covered, until something it
  conflicts with happens.

Blocking is handled as the runtime models it: a blocked thread's pending
operation still races (at the end of an execution it is checked like an
executed one), and a race whose later operation was disabled right before
the earlier one ran is not reversible (that earlier operation enabled it).

An execution cut short because every enabled thread sleeps is *pruned* and
counted apart (``pruned``). With exact dependence optimal DPOR never needs
one; they can appear where objects first met after a branch point must be
assumed to be the same (see ``wakeup.py``).
"""
from ..runtime.ops import ACQUIRE, READ, RELEASE, WRITE
from .base import Strategy
from .wakeup import Names, Sequence, WakeupTree

_CONFLICT = READ | WRITE
_EVERYTHING = (("*every step*", WRITE),)
_UNCAUGHT = ("exception", "assertion")   # failure kinds that stop a run in one thread


class _Event:
    __slots__ = ("tid", "index", "clock", "op")

    def __init__(self, tid, index, clock, op):
        self.tid, self.index, self.clock, self.op = tid, index, clock, op


class _Node:
    """A state on the current path: who ran, who sleeps, what is left to try."""

    __slots__ = ("chosen", "enabled", "sleep", "wut", "pending")

    def __init__(self, enabled, sleep, wut, pending):
        self.enabled = enabled
        self.sleep = sleep          # threads whose next step is covered elsewhere
        self.wut = wut              # wakeup tree: branches still to explore from here
        self.pending = pending      # tid -> next operation (refreshed on every replay)
        self.chosen = None


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
    """Explore one execution per Mazurkiewicz trace.

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
        self._names = Names()
        self._born = []             # tid -> the first step it existed at
        self._races_seen = []       # (e, tid, op, clock before, preds): reversed at the end
        self._carry = None
        return True

    def _backtrack(self):
        """Find the deepest state with a branch left; the path up to it replays."""
        nodes = self._nodes
        while nodes:
            node = nodes[-1]
            node.sleep.add(node.chosen)     # explored from here: asleep for the rest
            if node.wut:
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
        born = self._born   # tids are given in spawn order: the newest is pending last
        if point.pending:
            newest = next(reversed(point.pending))
            while len(born) <= newest:
                born.append(k)
        if k < len(nodes):
            node = nodes[k]
            node.pending = point.pending
            if k == self._replay_to:
                node.chosen = self._take(node, point.enabled)
                if node.chosen is None:
                    return None
            tid = node.chosen
        else:
            tid = self._fresh(point)
            if tid is None:
                return None
        self._execute(tid, point)
        return tid

    def _take(self, node, enabled):
        """The leftmost branch of ``node``'s wakeup tree that can run; carry its subtree."""
        while node.wut:
            tid, self._carry = node.wut.pop()
            if tid in enabled and tid not in node.sleep:
                return tid
        self._carry = None
        return None

    def _fresh(self, point):
        """A new state: follow the carried wakeup tree, else a thread not asleep."""
        nodes = self._nodes
        if nodes:
            parent = nodes[-1]
            pending = parent.pending
            moved = pending[parent.chosen]
            sleep = {q for q in parent.sleep
                     if q in point.pending and q != parent.chosen
                     and not self._dependent(pending.get(q), moved)}
        else:
            sleep = set()
        node = _Node(tuple(point.enabled), sleep, self._carry or WakeupTree(), point.pending)
        nodes.append(node)
        tid = self._take(node, point.enabled)
        if tid is None:
            awake = [t for t in point.enabled if t not in sleep]
            if not awake:
                return None
            tid = point.current if point.current in awake else awake[0]
        node.chosen = tid
        return tid

    def end(self, execution):
        self._names.roots = execution.roots
        for race in self._races_seen:
            self._reverse(*race)
        if execution.pruned:
            return
        final = execution.final
        exit_event = self._program_exit()
        failed = self._failed_thread(execution)
        for tid, op in final.pending.items():
            if op is None:  # the thread stopped the run (it raised)
                continue
            clock = self._clocks.get(tid, [])
            self._race_pending(tid, op)
            stop = exit_event or (failed is not None and self._first_concurrent(failed, tid))
            if stop and stop.tid != tid and stop.index not in self._blocked.get(id(op), ()):
                # the program's exit kills daemon threads: it conflicts with their next
                # step; an uncaught error ended the run before the others went on: what
                # they do next may race with any step of the failed thread they did not see
                self._reverse(stop, tid, op, clock, [stop])

    def _program_exit(self):
        """The main thread's exit event, when the program ended with it."""
        events = self._events
        if events and events[-1].tid == 0 and events[-1].op.kind == "exit":
            return events[-1]
        return None

    @staticmethod
    def _failed_thread(execution):
        """The thread whose uncaught error ended the run, if one did."""
        failure = execution.failure
        return failure.tid if failure is not None and failure.kind in _UNCAUGHT else None

    def _first_concurrent(self, failed, tid):
        """The first event of thread ``failed`` that thread ``tid`` could have come
        before: after ``tid`` was born, not ordered before its next step."""
        clock = self._clocks.get(tid, [])
        born = self._born[tid]
        return next((e for e in self._events[born:] if e.tid == failed and not _hb(e, clock)),
                    None)

    # -- dependence ----------------------------------------------------------
    def _accesses(self, op):
        return op.accesses + _EVERYTHING if self._all else op.accesses

    def _dependent(self, a, b):
        if a is None or b is None:
            return True
        return self._dependent_accesses(self._accesses(a), self._accesses(b))

    @staticmethod
    def _dependent_accesses(a, b):
        for ka, ma in a:
            if not ma & _CONFLICT:
                continue
            for kb, mb in b:
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
        op = point.pending[tid]
        index = len(self._events)
        self._names.saw(self._accesses(op), index)
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
        for e in self._races(tid, preds, before, op):
            self._races_seen.append((e, tid, op, before, preds))
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
        for e in self._races(tid, preds, clock, op):
            self._reverse(e, tid, op, clock, preds)

    def _races(self, tid, preds, before, op):
        """The conflicting earlier events in a reversible race with ``op``.

        Not ordered before it already (program order, or another conflicting
        event in between), and not the event that enabled it (nor one from
        before its thread existed).
        """
        blocked = self._blocked.get(id(op), ())
        born = self._born[tid]
        candidates = [e for e in preds
                      if not _hb(e, before) and e.index not in blocked and e.index >= born]
        return [e for e in candidates
                if not any(d is not e and _hb(e, d.clock) for d in candidates)]

    def _reverse(self, e, tid, op, before, preds):
        """Insert ``v = notdep(e).e'`` (e' is ``tid`` doing ``op``) into the tree at e's state.

        ``notdep(e)`` is every later event of the whole execution that does not
        depend on ``e``, those after e' too: races are reversed once the
        execution is over (a shorter ``v`` can make a sleeping thread look
        independent of it and lose the traces where it comes second).
        """
        node = self._nodes[e.index]
        items = [(x.tid, x.clock, self._accesses(x.op), None)
                 for x in self._events[e.index + 1:] if not _hb(e, x.clock)]
        clock = list(before)
        for d in preds:
            if d is not e and not _hb(e, d.clock):
                _join(clock, d.clock)
        if len(clock) <= tid:
            clock.extend([0] * (tid + 1 - len(clock)))
        clock[tid] += 1
        items.append((tid, clock, self._accesses(op), None))
        seq = Sequence(items, self._names, len(self._events))
        if self._covered(node, seq):
            return
        node.wut.insert(seq, e.index, _CONFLICT)

    def _covered(self, node, seq):
        """Whether a sleeping thread at the state is a weak initial of ``seq``."""
        threads = seq.threads()
        for q in node.sleep:
            if q in threads:
                if seq.initial(q):
                    return True
            else:
                op = node.pending.get(q)
                if op is not None and not any(
                        self._dependent_accesses(self._accesses(op), item[2])
                        for item in seq.items):
                    return True
        return False
